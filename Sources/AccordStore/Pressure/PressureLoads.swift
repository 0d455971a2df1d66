import AccordCore
import FluentKit
import Foundation
import SQLKit

/// What the pressure check needs from the touchpoints, aggregated in SQL: for each person, the weighted messages
/// in each person cap's window (Core's `PressurePolicy.loads` is the reference) and their last sales meeting.
public enum PressureLoads {
    /// A row's weight by its channel: `CASE channel WHEN 'field_sales' THEN 2 … ELSE 1 END`.
    static func weight(_ policy: PressurePolicy, channel column: SQLQueryString) -> SQLQueryString {
        guard !policy.channelWeights.isEmpty else { return "1" }
        var weight: SQLQueryString = "CASE \(column)"
        for (channel, value) in policy.channelWeights.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            weight = weight + " WHEN \(bind: channel.rawValue) THEN \(bind: value)"
        }
        return weight + " ELSE 1 END"
    }

    /// From this many persons (or accounts) on, a check reads the whole window instead of looking them up.
    static let scanThreshold = 5_000

    public struct Row: Sendable, Equatable {
        public var capLoads: [Double]
        public var lastSalesMeeting: Date?
    }

    /// Persons without messages or meetings in the lookback are absent (their loads are zero).
    /// `scan` forces one way of reading (nil: by the audience's size).
    public static func persons(_ ids: [UUID], policy: PressurePolicy, now: Date, scan: Bool? = nil, on database: any Database)
        async throws -> [UUID: Row] {
        let index = PlaceIndex(ids)
        let loads = try await persons(index, policy: policy, now: now, scan: scan, on: database)
        var result: [UUID: Row] = [:]
        for (place, id) in index.keys.enumerated() where loads.found[place] {
            result[id] = Row(capLoads: Array(loads.capLoads(place)), lastSalesMeeting: loads.lastSalesMeeting[place])
        }
        return result
    }

    /// The loads of a check's persons by place, flat: no array per person (100,000 of them were a tenth of a check).
    struct Flat: Sendable {
        var caps: Int
        /// Each person's cap loads at `place * caps ..< (place + 1) * caps` (zero for persons without messages).
        var values: [Double]
        var lastSalesMeeting: [Date?]
        /// Whether the person had messages or meetings in the lookback.
        var found: [Bool]

        init(persons: Int, caps: Int) {
            self.caps = caps
            values = [Double](repeating: 0, count: persons * caps)
            lastSalesMeeting = [Date?](repeating: nil, count: persons)
            found = [Bool](repeating: false, count: persons)
        }

        func capLoads(_ place: Int) -> ArraySlice<Double> { values[place * caps ..< (place + 1) * caps] }
    }

    /// The same for the ids of `places`, in their order (nil: none): a large check looks up each row's person once,
    /// and then goes by place.
    static func persons(_ places: PlaceIndex<UUID>, policy: PressurePolicy, now: Date, scan: Bool? = nil,
                        on database: any Database) async throws -> Flat {
        let ids = places.keys
        let caps = policy.personCaps.count
        var result = Flat(persons: ids.count, caps: caps)
        guard !ids.isEmpty else { return result }
        let sql = try Catalog.sqlDatabase(database)
        let messageKinds = PressureMessage.kinds.map(\.rawValue).sorted()
        let weight = weight(policy, channel: "\(ident: "channel")")
        var columns: SQLQueryString = ""
        for (index, cap) in policy.personCaps.enumerated() {
            let start = now.addingTimeInterval(-Double(cap.windowDays) * 86_400)
            let side: SQLQueryString = cap.side.map { " AND \(ident: "side") = \(bind: $0.rawValue)" } ?? ""
            columns = columns + """
                , CAST(SUM(CASE WHEN \(ident: "kind") IN (\(binds: messageKinds)) AND \(ident: "occurred_at") > \(bind: start)\(side) \
                THEN \(weight) ELSE 0 END) AS DOUBLE PRECISION) AS \(ident: "cap\(index)")
                """
        }
        let lookback = now.addingTimeInterval(-Double(max(policy.lookbackDays, 1)) * 86_400)
        let sqlite = sql.dialect.name == "sqlite"
        // A large audience reads the whole window once (by time, one index range) and keeps its own people; a small
        // one asks for its people a thousand at a time (by person).
        let whole = scan ?? (ids.count >= scanThreshold)
        let chunks: [[UUID]] = whole ? [[]] : stride(from: 0, to: ids.count, by: 1_000).map {
            Array(ids[$0..<min($0 + 1_000, ids.count)])
        }
        for chunk in chunks {
            let persons: SQLQueryString = whole ? "" : "\(ident: "person_id") IN (\(binds: chunk)) AND "
            let rows = try await sql.raw("""
                SELECT \(ident: "person_id") AS \(ident: "id")\(columns), MAX(CASE WHEN \(ident: "kind") = \(bind: TouchpointKind.meeting.rawValue) \
                AND \(ident: "side") = \(bind: Side.sales.rawValue) THEN \(ident: "occurred_at") END) AS \(ident: "last_meeting")
                FROM \(ident: TouchpointModel.schema)
                WHERE \(persons)\(ident: "occurred_at") > \(bind: lookback) AND \(ident: "occurred_at") <= \(bind: now)
                GROUP BY \(ident: "person_id")
                """).all()
            for row in rows {
                guard let place = places.find(try IDLookup.id(row, sqlite: sqlite)).map(Int.init) else { continue }
                for cap in 0..<caps {
                    result.values[place * caps + cap] = try row.decode(column: "cap\(cap)", as: Double?.self) ?? 0
                }
                result.lastSalesMeeting[place] = try row.decode(column: "last_meeting", as: Date?.self)
                result.found[place] = true
            }
        }
        return result
    }
}

extension PressureLoads {
    /// The weighted messages each account's people got in the account cap's window (accounts without any are
    /// absent).
    public static func accounts(_ ids: [UUID], policy: PressurePolicy, now: Date, scan: Bool? = nil, on database: any Database)
        async throws -> [UUID: Double] {
        guard let cap = policy.accountCap, !ids.isEmpty else { return [:] }
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        let start = now.addingTimeInterval(-Double(cap.windowDays) * 86_400)
        let weight = weight(policy, channel: "\(ident: "t").\(ident: "channel")")
        let side: SQLQueryString = cap.side.map { " AND \(ident: "t").\(ident: "side") = \(bind: $0.rawValue)" } ?? ""
        var result: [UUID: Double] = [:]
        let wanted = scan ?? (ids.count >= scanThreshold / 5) ? Set(ids) : nil
        let chunks: [[UUID]] = wanted != nil ? [[]] : stride(from: 0, to: ids.count, by: 1_000).map {
            Array(ids[$0..<min($0 + 1_000, ids.count)])
        }
        for chunk in chunks {
            let accounts: SQLQueryString = wanted != nil ? "\(ident: "p").\(ident: "account_id") IS NOT NULL"
                : "\(ident: "p").\(ident: "account_id") IN (\(binds: chunk))"
            let rows = try await sql.raw("""
                SELECT \(ident: "p").\(ident: "account_id") AS \(ident: "id"), CAST(SUM(\(weight)) AS DOUBLE PRECISION) AS \(ident: "load")
                FROM \(ident: TouchpointModel.schema) \(ident: "t") JOIN \(ident: PersonModel.schema) \(ident: "p") \
                ON \(ident: "p").\(ident: "id") = \(ident: "t").\(ident: "person_id")
                WHERE \(accounts) \
                AND \(ident: "t").\(ident: "kind") IN (\(binds: PressureMessage.kinds.map(\.rawValue).sorted()))\(side) \
                AND \(ident: "t").\(ident: "occurred_at") > \(bind: start) AND \(ident: "t").\(ident: "occurred_at") <= \(bind: now)
                GROUP BY \(ident: "p").\(ident: "account_id")
                """).all()
            for row in rows {
                let account = try IDLookup.id(row, sqlite: sqlite)
                if let wanted, !wanted.contains(account) { continue }
                result[account] = try row.decode(column: "load", as: Double?.self) ?? 0
            }
        }
        return result
    }
}
