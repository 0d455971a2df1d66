import Foundation

/// Data-driven attribution by removal effects on an absorbing Markov chain, computed exactly (no simulation).
///
/// Conventions (ChannelAttribution's, documented in docs/attribution.md):
/// - A journey runs from a start state through channel states to `conversion` or `null`. At order k a state is a
///   window of k consecutive touches (a path of k touches or fewer is one state); consecutive equal states are
///   collapsed into one. Non-converting journeys (`total_null`) are part of the chain.
/// - Transitions are weighted by the number of journeys (conversions + nulls) that take them.
/// - P = the probability of reaching `conversion` from the start. Removing channel c sends every state that
///   contains c to `null`; its removal effect is 1 − P(without c) / P. A channel's attributed conversions are its
///   removal effect over the sum of all removal effects, times the total conversions.
/// - Value: each state that converts carries the mean value of the conversions that ended there; the expected
///   value V from the start is computed like P, and value is attributed by removal effects 1 − V(without c) / V.
/// - The chain is solved directly (Gaussian elimination with partial pivoting) up to 120 states and by Gauss–Seidel
///   sweeps beyond, until no unknown changes by more than 1e-14 of the largest right-hand side in a sweep.
public enum MarkovModel {
    public static let maximumOrder = 4
    /// Chains up to this many states are solved directly; larger ones iteratively.
    static let directLimit = 120

    public struct Chain: Sendable {
        /// Transient states; `channelsOf[s]` are the distinct channels in state s.
        public var stateCount: Int
        public var channelsOf: [[Int32]]
        /// Sparse transitions between transient states (CSR) with probabilities.
        public var rowStart: [Int]
        public var target: [Int32]
        public var probability: [Double]
        /// Per state: the probability of converting next, and the reward for value (that probability × the mean value).
        public var convert: [Double]
        public var valueReward: [Double]
        /// The start state's transitions.
        public var startTargets: [Int32]
        public var startProbabilities: [Double]
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case badOrder(Int)
        case tooManyChannels(Int)
        case notConverged(residual: Double)

        public var description: String {
            switch self {
            case let .badOrder(order): "--order must be between 1 and \(MarkovModel.maximumOrder), not \(order)"
            case let .tooManyChannels(count): "the Markov model handles up to 65,535 channels, not \(count)"
            case let .notConverged(residual): "the chain did not converge (residual \(residual))"
            }
        }
    }

    public static func run(on paths: PathSet, order: Int = 1) throws(Failure) -> Attribution {
        let effects = try removalEffects(on: paths, order: order)
        let totalConversions = paths.totalConversions, totalValue = paths.totalValue
        let conversionSum = effects.conversion.reduce(0, +), valueSum = effects.value.reduce(0, +)
        return Attribution(
            channels: paths.table.names,
            conversions: effects.conversion.map { conversionSum > 0 ? $0 / conversionSum * totalConversions : 0 },
            values: paths.hasValue ? effects.value.map { valueSum > 0 ? $0 / valueSum * totalValue : 0 } : nil)
    }

    /// Each channel's removal effects on conversion and on value, by channel id (0 for a channel in no state).
    public static func removalEffects(on paths: PathSet, order: Int = 1) throws(Failure)
        -> (conversion: [Double], value: [Double]) {
        let chain = try build(paths, order: order)
        if order == 1, chain.stateCount <= hittingLimit {
            return hittingRemovalEffects(chain, channelCount: paths.table.count)
        }
        return try solvedRemovalEffects(chain, channelCount: paths.table.count)
    }

    /// Removal effects by solving the chain once per channel with that channel's states removed.
    static func solvedRemovalEffects(_ chain: Chain, channelCount: Int) throws(Failure) -> (conversion: [Double], value: [Double]) {
        let (baseP, baseV) = try solve(chain, removed: [Bool](repeating: false, count: chain.stateCount))
        var conversion = [Double](repeating: 0, count: channelCount)
        var value = [Double](repeating: 0, count: channelCount)
        for channel in 0..<channelCount {
            let removed = chain.channelsOf.map { $0.contains(Int32(channel)) }
            guard removed.contains(true) else { continue }
            let (p, v) = try solve(chain, removed: removed)
            conversion[channel] = baseP > 0 ? max(0, 1 - p / baseP) : 0
            value[channel] = baseV > 0 ? max(0, 1 - v / baseV) : 0
        }
        return (conversion, value)
    }

    /// Order-1 chains up to this many states get every removal effect from one inverse (n³ work: about 0.2 s at 800
    /// states); larger ones are solved once per channel.
    static let hittingLimit = 1_500

    /// Removal effects of an order-1 chain (each state is one channel) from one inverse N = (I − Q)⁻¹, with no
    /// solve per channel. A journey that never visits c converts exactly as in the full chain, and one that does
    /// converts (after its first visit) with c's own conversion probability a_c, so
    /// P(without c) = P − h_c · a_c, where h_c = n_c / N_cc is the probability of ever visiting c from the start
    /// (n_c: the expected visits to c, N_cc: the expected visits to c starting at c). Value likewise with v_c, the
    /// expected value from c. The effect 1 − P(without c) / P is then h_c · a_c / P.
    static func hittingRemovalEffects(_ chain: Chain, channelCount: Int) -> (conversion: [Double], value: [Double]) {
        let n = chain.stateCount
        var conversion = [Double](repeating: 0, count: channelCount), value = conversion
        guard n > 0 else { return (conversion, value) }
        var inverse = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            inverse[row * n + row] = 1
            for edge in chain.rowStart[row]..<chain.rowStart[row + 1] {
                inverse[row * n + Int(chain.target[edge])] -= chain.probability[edge]
            }
        }
        invertInPlace(&inverse, n)
        var start = [Double](repeating: 0, count: n)
        for (state, probability) in zip(chain.startTargets, chain.startProbabilities) { start[Int(state)] += probability }
        var a = [Double](repeating: 0, count: n), v = a, visits = a
        inverse.withUnsafeBufferPointer { m in
            for row in 0..<n {
                var sumA = 0.0, sumV = 0.0
                for column in 0..<n {
                    sumA += m[row * n + column] * chain.convert[column]
                    sumV += m[row * n + column] * chain.valueReward[column]
                }
                a[row] = sumA
                v[row] = sumV
                let weight = start[row]
                if weight != 0 { for column in 0..<n { visits[column] += weight * m[row * n + column] } }
            }
        }
        var baseP = 0.0, baseV = 0.0
        for state in 0..<n {
            baseP += start[state] * a[state]
            baseV += start[state] * v[state]
        }
        for state in 0..<n {
            let diagonal = inverse[state * n + state]
            let hit = diagonal > 0 ? min(1, visits[state] / diagonal) : 0
            for channel in chain.channelsOf[state] {
                conversion[Int(channel)] = baseP > 0 ? min(1, max(0, hit * a[state] / baseP)) : 0
                value[Int(channel)] = baseV > 0 ? min(1, max(0, hit * v[state] / baseV)) : 0
            }
        }
        return (conversion, value)
    }

    /// Gauss–Jordan inversion of a row-major n × n matrix in place, without pivoting: I − Q of an absorbing chain
    /// is a nonsingular M-matrix, whose pivots stay positive.
    static func invertInPlace(_ matrix: inout [Double], _ n: Int) {
        var pivotRow = [Double](repeating: 0, count: n)
        matrix.withUnsafeMutableBufferPointer { m in
            pivotRow.withUnsafeMutableBufferPointer { rowK in
                guard let a = m.baseAddress, let r = rowK.baseAddress else { return }
                for k in 0..<n {
                    let pivot = a[k * n + k]
                    let scale = pivot != 0 ? 1 / pivot : 0
                    a[k * n + k] = 1
                    for column in 0..<n {
                        a[k * n + column] *= scale
                        r[column] = a[k * n + column]
                    }
                    for row in 0..<n where row != k {
                        let factor = a[row * n + k]
                        guard factor != 0 else { continue }
                        a[row * n + k] = 0
                        subtract(factor, r, from: a + row * n, count: n)
                    }
                }
            }
        }
    }

    /// row −= factor × pivot row, eight lanes at a time (twice as fast as the plain loop at 800 states, with the
    /// same results: each lane does the same multiply and subtract).
    @inline(__always) static func subtract(_ factor: Double, _ source: UnsafePointer<Double>,
                                           from destination: UnsafeMutablePointer<Double>, count: Int) {
        let lanes = SIMD8<Double>(repeating: factor)
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        var index = 0
        while index + 8 <= count {
            let x = to.loadUnaligned(fromByteOffset: index * 8, as: SIMD8<Double>.self)
            let y = from.loadUnaligned(fromByteOffset: index * 8, as: SIMD8<Double>.self)
            to.storeBytes(of: x - lanes * y, toByteOffset: index * 8, as: SIMD8<Double>.self)
            index += 8
        }
        while index < count {
            destination[index] -= factor * source[index]
            index += 1
        }
    }

    // MARK: The chain

    /// A state's key: up to four 16-bit channel ids and the window's length.
    @inline(__always) static func key(_ ids: UnsafeBufferPointer<Int32>, _ start: Int, _ length: Int) -> UInt64 {
        var key = UInt64(length)
        for offset in 0..<length { key |= UInt64(UInt16(truncatingIfNeeded: ids[start + offset])) << (3 + 16 * UInt64(offset)) }
        return key
    }

    public static func build(_ paths: PathSet, order: Int) throws(Failure) -> Chain {
        guard (1...maximumOrder).contains(order) else { throw .badOrder(order) }
        guard paths.table.count < 65_535 else { throw .tooManyChannels(paths.table.count) }
        var stateOf: [UInt64: Int32] = [:]
        var channelsOf: [[Int32]] = []
        var edges: [UInt64: Double] = [:]  // from << 32 | to over transient states
        var startEdges: [Int32: Double] = [:]
        var convertWeight: [Double] = [], nullWeight: [Double] = [], valueAt: [Double] = []
        var states: [Int32] = []
        paths.channels.withUnsafeBufferPointer { ids in
            for index in 0..<paths.count {
                let start = paths.offsets[index], end = paths.offsets[index + 1], length = end - start
                let journeys = paths.conversions[index] + paths.nulls[index]
                guard length > 0, journeys > 0 || paths.values[index] > 0 else { continue }
                states.removeAll(keepingCapacity: true)
                let windows = length <= order ? 1 : length - order + 1
                let width = min(order, length)
                for window in 0..<windows {
                    let stateKey = key(ids, start + window, width)
                    let state: Int32
                    if let known = stateOf[stateKey] {
                        state = known
                    } else {
                        state = Int32(channelsOf.count)
                        stateOf[stateKey] = state
                        var members: [Int32] = []
                        for offset in 0..<width where !members.contains(ids[start + window + offset]) {
                            members.append(ids[start + window + offset])
                        }
                        channelsOf.append(members)
                        convertWeight.append(0)
                        nullWeight.append(0)
                        valueAt.append(0)
                    }
                    if states.last != state { states.append(state) }
                }
                startEdges[states[0], default: 0] += journeys
                for step in states.indices.dropFirst() {
                    edges[UInt64(UInt32(states[step - 1])) << 32 | UInt64(UInt32(states[step])), default: 0] += journeys
                }
                let last = Int(states[states.count - 1])
                convertWeight[last] += paths.conversions[index]
                nullWeight[last] += paths.nulls[index]
                valueAt[last] += paths.values[index]
            }
        }
        let count = channelsOf.count
        // Rows in CSR, each state's out-weight normalizing its transitions, conversion and null.
        var outWeight = zip(convertWeight, nullWeight).map { $0 + $1 }
        var rowCounts = [Int](repeating: 0, count: count + 1)
        for (pair, weight) in edges {
            rowCounts[Int(pair >> 32) + 1] += 1
            outWeight[Int(pair >> 32)] += weight
        }
        for state in 0..<count { rowCounts[state + 1] += rowCounts[state] }
        var target = [Int32](repeating: 0, count: edges.count), probability = [Double](repeating: 0, count: edges.count)
        var fill = rowCounts
        for (pair, weight) in edges.sorted(by: { $0.key < $1.key }) {
            let from = Int(pair >> 32)
            target[fill[from]] = Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)
            probability[fill[from]] = weight / outWeight[from]
            fill[from] += 1
        }
        let convert = (0..<count).map { outWeight[$0] > 0 ? convertWeight[$0] / outWeight[$0] : 0 }
        let meanValue = (0..<count).map { convertWeight[$0] > 0 ? valueAt[$0] / convertWeight[$0] : 0 }
        let startTotal = startEdges.values.reduce(0, +)
        let starts = startEdges.sorted { $0.key < $1.key }
        return Chain(stateCount: count, channelsOf: channelsOf, rowStart: rowCounts, target: target, probability: probability,
                     convert: convert, valueReward: zip(convert, meanValue).map { $0 * $1 },
                     startTargets: starts.map(\.key), startProbabilities: starts.map { startTotal > 0 ? $0.value / startTotal : 0 })
    }

    // MARK: Solving

    /// P(conversion) and the expected value from the start, with the `removed` states sending everything to null.
    static func solve(_ chain: Chain, removed: [Bool]) throws(Failure) -> (Double, Double) {
        let (p, v) = chain.stateCount <= directLimit ? direct(chain, removed: removed) : try iterate(chain, removed: removed)
        var conversion = 0.0, value = 0.0
        for (state, probability) in zip(chain.startTargets, chain.startProbabilities) where !removed[Int(state)] {
            conversion += probability * p[Int(state)]
            value += probability * v[Int(state)]
        }
        return (conversion, value)
    }

    /// (I − Q) h = r for both right-hand sides by Gaussian elimination with partial pivoting.
    static func direct(_ chain: Chain, removed: [Bool]) -> ([Double], [Double]) {
        let n = chain.stateCount
        guard n > 0 else { return ([], []) }
        let width = n + 2
        var matrix = [Double](repeating: 0, count: n * width)
        for row in 0..<n {
            matrix[row * width + row] = 1
            guard !removed[row] else { continue }  // h = 0
            for edge in chain.rowStart[row]..<chain.rowStart[row + 1] {
                let column = Int(chain.target[edge])
                if !removed[column] { matrix[row * width + column] -= chain.probability[edge] }
            }
            matrix[row * width + n] = chain.convert[row]
            matrix[row * width + n + 1] = chain.valueReward[row]
        }
        matrix.withUnsafeMutableBufferPointer { a in
            for pivot in 0..<n {
                var best = pivot
                for row in (pivot + 1)..<n where abs(a[row * width + pivot]) > abs(a[best * width + pivot]) { best = row }
                if best != pivot {
                    for column in pivot..<width { a.swapAt(pivot * width + column, best * width + column) }
                }
                let diagonal = a[pivot * width + pivot]
                guard diagonal != 0 else { continue }
                for row in (pivot + 1)..<n {
                    let factor = a[row * width + pivot] / diagonal
                    guard factor != 0 else { continue }
                    for column in pivot..<width { a[row * width + column] -= factor * a[pivot * width + column] }
                }
            }
            for pivot in stride(from: n - 1, through: 0, by: -1) {
                let diagonal = a[pivot * width + pivot]
                for rhs in [n, n + 1] {
                    var sum = a[pivot * width + rhs]
                    for column in (pivot + 1)..<n { sum -= a[pivot * width + column] * a[column * width + rhs] }
                    a[pivot * width + rhs] = diagonal == 0 ? 0 : sum / diagonal
                }
            }
        }
        return ((0..<n).map { matrix[$0 * width + n] }, (0..<n).map { matrix[$0 * width + n + 1] })
    }

    /// Gauss–Seidel sweeps until every equation's residual is below 1e-14 of the largest right-hand side.
    static func iterate(_ chain: Chain, removed: [Bool]) throws(Failure) -> ([Double], [Double]) {
        let n = chain.stateCount
        var p = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: n)
        let toleranceP = 1e-14 * max(chain.convert.max() ?? 0, 1e-300)
        let toleranceV = 1e-14 * max(chain.valueReward.max() ?? 0, 1e-300)
        var residual = Double.infinity
        for _ in 0..<200_000 {
            residual = 0
            var residualV = 0.0
            // Later states first: journeys mostly move forward, so successors are fresh when a state is updated.
            for state in stride(from: n - 1, through: 0, by: -1) where !removed[state] {
                var nextP = chain.convert[state], nextV = chain.valueReward[state]
                for edge in chain.rowStart[state]..<chain.rowStart[state + 1] {
                    let to = Int(chain.target[edge])
                    if !removed[to] {
                        nextP += chain.probability[edge] * p[to]
                        nextV += chain.probability[edge] * v[to]
                    }
                }
                residual = max(residual, abs(nextP - p[state]))
                residualV = max(residualV, abs(nextV - v[state]))
                p[state] = nextP
                v[state] = nextV
            }
            if residual <= toleranceP && residualV <= toleranceV { return (p, v) }
        }
        throw .notConverged(residual: residual)
    }
}
