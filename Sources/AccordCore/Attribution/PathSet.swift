import Foundation

/// The model ids of DESIGN.md, shared by the command line, the API and exports.
public enum AttributionModelID: String, Vocabulary {
    case first, last, linear, position
    case wShaped = "w_shaped"
    case timeDecay = "time_decay"
    case markov, shapley

    /// Models that need touch times and lead/opportunity milestones: journeys from the database only.
    public var needsTimes: Bool { self == .wShaped || self == .timeDecay }
}

/// Channel names interned as small integers (0, 1, 2, … in order of first appearance): models work on ids.
public struct ChannelTable: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]

    public init() {}

    public init(names: [String]) {
        for name in names { _ = intern(name) }
    }

    public var count: Int { names.count }

    public mutating func intern(_ name: String) -> Int32 {
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    public func id(of name: String) -> Int32? { ids[name] }
}

/// Aggregated journeys: each distinct channel sequence once, with how many journeys that took it converted
/// (`conversions`, decimals allowed), their conversion value, and how many did not convert (`nulls`).
/// Sequences are stored flat (`channels[offsets[i] ..< offsets[i + 1]]`) so models walk them without allocating.
public struct PathSet: Sendable, Equatable {
    public var table: ChannelTable
    public private(set) var channels: [Int32] = []
    public private(set) var offsets: [Int] = [0]
    public private(set) var conversions: [Double] = []
    public private(set) var values: [Double] = []
    public private(set) var nulls: [Double] = []
    /// Whether the source gave conversion values / non-converting counts at all.
    public var hasValue: Bool
    public var hasNull: Bool

    public init(table: ChannelTable = ChannelTable(), hasValue: Bool = false, hasNull: Bool = false) {
        self.table = table
        self.hasValue = hasValue
        self.hasNull = hasNull
    }

    public var count: Int { conversions.count }

    /// The channel ids of path `index`.
    @inline(__always) public func path(_ index: Int) -> ArraySlice<Int32> { channels[offsets[index] ..< offsets[index + 1]] }

    public var totalConversions: Double { conversions.reduce(0, +) }
    public var totalValue: Double { values.reduce(0, +) }
    public var totalNulls: Double { nulls.reduce(0, +) }

    /// Appends a path (no merging: see `merged()`).
    public mutating func append<S: Sequence>(_ path: S, conversions: Double, value: Double, nulls: Double) where S.Element == Int32 {
        channels.append(contentsOf: path)
        offsets.append(channels.count)
        self.conversions.append(conversions)
        values.append(value)
        self.nulls.append(nulls)
    }

    /// Appends a path given by channel names.
    public mutating func append(names: [String], conversions: Double, value: Double = 0, nulls: Double = 0) {
        let ids = names.map { table.intern($0) }
        append(ids, conversions: conversions, value: value, nulls: nulls)
    }

    /// The same journeys with equal channel sequences summed into one entry (first appearance order kept).
    public func merged() -> PathSet {
        var result = PathSet(table: table, hasValue: hasValue, hasNull: hasNull)
        var index: [ArraySlice<Int32>: Int] = [:]
        index.reserveCapacity(count)
        for i in 0..<count {
            let path = self.path(i)
            if let at = index[path] {
                result.conversions[at] += conversions[i]
                result.values[at] += values[i]
                result.nulls[at] += nulls[i]
            } else {
                index[path] = result.count
                result.append(path, conversions: conversions[i], value: values[i], nulls: nulls[i])
            }
        }
        return result
    }
}

/// What a model gives each channel: attributed conversions and, when the journeys carry values, value.
public struct Attribution: Sendable, Equatable {
    public var channels: [String]
    public var conversions: [Double]
    /// nil when the journeys have no conversion values.
    public var values: [Double]?

    public init(channels: [String], conversions: [Double], values: [Double]?) {
        self.channels = channels
        self.conversions = conversions
        self.values = values
    }

    /// Rows sorted by channel name (the command line's order).
    public var sortedRows: [(channel: String, conversions: Double, value: Double?)] {
        channels.indices.sorted { channels[$0] < channels[$1] }.map { (channels[$0], conversions[$0], values?[$0]) }
    }

    /// Conversions attributed to a channel by name (0 when it has none).
    public func conversions(of channel: String) -> Double {
        channels.firstIndex(of: channel).map { conversions[$0] } ?? 0
    }

    public func value(of channel: String) -> Double? {
        guard let values else { return nil }
        return channels.firstIndex(of: channel).map { values[$0] } ?? 0
    }
}
