import Foundation

/// Shapley attribution with DESIGN.md's game: v(S) is the conversions (and value) of the journeys whose set of
/// channels lies within S.
///
/// That game is a sum of unanimity games: v = Σ_T w(T)·u_T, where w(T) is the conversions of journeys whose channel
/// set is exactly T and u_T(S) = 1 when T ⊆ S. A unanimity game's Shapley value gives each member of T an equal
/// share, and Shapley values add, so φ_i = Σ_{T ∋ i} w(T) / |T| exactly, for any number of channels, in one pass
/// over the journeys. No sampling is needed beyond 16 channels; `bruteForce` enumerates every coalition (up to 16
/// channels) and the tests check the two agree.
public enum ShapleyModel {
    public static func run(on paths: PathSet) -> Attribution {
        let channels = paths.table.count
        var conversions = [Double](repeating: 0, count: channels), values = [Double](repeating: 0, count: channels)
        var seen = [Int](repeating: -1, count: channels)
        var members: [Int] = []
        for index in 0..<paths.count {
            members.removeAll(keepingCapacity: true)
            for channel in paths.path(index) where seen[Int(channel)] != index {
                seen[Int(channel)] = index
                members.append(Int(channel))
            }
            guard !members.isEmpty else { continue }
            let share = 1 / Double(members.count)
            for channel in members {
                conversions[channel] += paths.conversions[index] * share
                values[channel] += paths.values[index] * share
            }
        }
        return Attribution(channels: paths.table.names, conversions: conversions, values: paths.hasValue ? values : nil)
    }

    /// The textbook formula over every coalition: φ_i = Σ_{S ∌ i} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), with v from
    /// the subset sums of the exact-set weights. Up to 16 channels (2^16 coalitions).
    public static func bruteForce(on paths: PathSet) -> Attribution {
        let n = paths.table.count
        precondition(n <= 16, "brute force enumerates 2^n coalitions")
        var weight = [Double](repeating: 0, count: 1 << n), valueWeight = [Double](repeating: 0, count: 1 << n)
        for index in 0..<paths.count {
            var mask = 0
            for channel in paths.path(index) { mask |= 1 << Int(channel) }
            weight[mask] += paths.conversions[index]
            valueWeight[mask] += paths.values[index]
        }
        // v(S) = Σ_{T ⊆ S} w(T): the zeta transform over subsets.
        for bit in 0..<n {
            for mask in 0..<(1 << n) where mask & (1 << bit) != 0 {
                weight[mask] += weight[mask ^ (1 << bit)]
                valueWeight[mask] += valueWeight[mask ^ (1 << bit)]
            }
        }
        var factorial = [Double](repeating: 1, count: n + 1)
        for k in stride(from: 1, through: n, by: 1) { factorial[k] = factorial[k - 1] * Double(k) }
        var conversions = [Double](repeating: 0, count: n), values = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for mask in 0..<(1 << n) where mask & (1 << i) == 0 {
                let size = mask.nonzeroBitCount
                let coefficient = factorial[size] * factorial[n - size - 1] / factorial[n]
                conversions[i] += coefficient * (weight[mask | 1 << i] - weight[mask])
                values[i] += coefficient * (valueWeight[mask | 1 << i] - valueWeight[mask])
            }
        }
        return Attribution(channels: paths.table.names, conversions: conversions, values: paths.hasValue ? values : nil)
    }
}

/// Runs a model by id on aggregated paths.
public enum AttributionEngine {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case needsTimes(AttributionModelID)
        case orderOnlyForMarkov
        case markov(MarkovModel.Failure)

        public var description: String {
            switch self {
            case let .needsTimes(model):
                "\(model.rawValue) needs touch times and lead/opportunity milestones: it runs only on journeys from the database"
            case .orderOnlyForMarkov: "--order is valid only with --model markov"
            case let .markov(failure): failure.description
            }
        }
    }

    public static func run(_ model: AttributionModelID, on paths: PathSet, order: Int? = nil) throws(Failure) -> Attribution {
        if order != nil && model != .markov { throw .orderOnlyForMarkov }
        switch model {
        case .first, .last, .linear, .position: return RuleBasedModels.run(model, on: paths)
        case .wShaped, .timeDecay: throw .needsTimes(model)
        case .shapley: return ShapleyModel.run(on: paths)
        case .markov:
            do {
                return try MarkovModel.run(on: paths, order: order ?? 1)
            } catch {
                throw .markov(error)
            }
        }
    }
}
