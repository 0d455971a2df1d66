import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Journeys from the company's own data, for attribution by campaign: the touchpoints of each opportunity's
/// contact roles (or of everyone at its account) in a lookback window before the opportunity was opened (pipeline)
/// or won (revenue), with the lead-creation and opportunity-creation milestones, and the journeys of everyone else
/// touched in the period, who did not convert (for the data-driven models). Read from the per-person rollups the
/// database keeps (M0031), so the work grows with the people, not with every touchpoint row.
public enum AttributionJourneys {
    /// Pipeline: opportunities opened in the period, journeys up to the opening. Revenue: opportunities won (closed)
    /// in the period, journeys up to the close.
    public enum Basis: String, Vocabulary {
        case pipeline, revenue
    }

    public struct Options: Sendable {
        public var from: Date
        public var to: Date
        public var basis: Basis
        public var lookbackDays: Int
        /// Everyone at the opportunity's account instead of its contact roles.
        public var wholeAccount: Bool
        /// Whether to read everyone else's journeys too (only the Markov model uses journeys that did not convert).
        public var nonConverting = true

        public init(from: Date, to: Date, basis: Basis = .pipeline, lookbackDays: Int = 180, wholeAccount: Bool = false) {
            self.from = from
            self.to = to
            self.basis = basis
            self.lookbackDays = lookbackDays
            self.wholeAccount = wholeAccount
        }
    }

    /// What a journey's "channel" stands for: a campaign, or the touches without one (sales touches: `field_sales`).
    public struct Source: Sendable, Hashable {
        public var campaignID: UUID?
        public var name: String
        public var channel: String
        public var supplier: String?
    }

    public struct OpportunityJourney: Sendable {
        public var opportunityID: UUID
        public var amountMinor: Int64
        public var currency: String
        public var won: Bool
        /// Touches' channels are indexes into `JourneySet.sources`.
        public var journey: TimedJourney
    }

    public struct JourneySet: Sendable {
        public var sources: [Source]
        public var opportunities: [OpportunityJourney]
        public var nonConverting: [[Int32]]
    }

    /// A person's touches from their rollup row, in time order.
    struct PersonTouches {
        var milliseconds: [Int64] = []
        var sources: [Int32] = []
    }

    /// Sources met while reading rollups: a token's source text (a campaign id, `field_sales` or a channel) is hashed
    /// straight from the row's bytes, so a million tokens cost no string allocations; the text of each new source is
    /// kept and compared, so a hash collision cannot merge two sources.
    final class SourceTable {
        var sources: [Source] = []
        var campaigns: [UUID: (name: String, channel: String, supplier: String?)] = [:]
        private var byHash: [UInt64: [(bytes: [UInt8], index: Int32)]] = [:]
        private var byKey: [String: Int32] = [:]

        func index(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            if let known = byHash[hash] {
                for entry in known where entry.bytes.elementsEqual(bytes) { return entry.index }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let index = resolve(text)
            byHash[hash, default: []].append((Array(bytes), index))
            return index
        }

        private func resolve(_ text: String) -> Int32 {
            let source: Source, key: String
            if let id = UUID(uuidString: text) {
                key = id.uuidString
                if let known = campaigns[id] {
                    source = Source(campaignID: id, name: known.name, channel: known.channel, supplier: known.supplier)
                } else {  // cannot happen while the foreign key holds; counted, not dropped
                    source = Source(campaignID: nil, name: "(no campaign: unknown)", channel: "unknown", supplier: nil)
                }
            } else {
                key = "channel:" + text
                source = Source(campaignID: nil, name: "(no campaign: \(text.replacingOccurrences(of: "_", with: " ")))",
                                channel: text, supplier: nil)
            }
            if let known = byKey[key] { return known }
            let index = Int32(sources.count)
            sources.append(source)
            byKey[key] = index
            return index
        }

        /// Parses `<ms>,<source>;` tokens into touches sorted by time (ties by source text, so the order is the same
        /// on both databases).
        func parse(_ text: String) -> PersonTouches {
            var touches: [(ms: Int64, source: Int32)] = []
            var copy = text
            copy.withUTF8 { bytes in
                var position = 0
                while position < bytes.count {
                    var ms: Int64 = 0, negative = false
                    if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
                    while position < bytes.count, bytes[position] != UInt8(ascii: ",") {
                        ms = ms &* 10 &+ Int64(bytes[position] &- 48)
                        position += 1
                    }
                    position += 1
                    let start = position
                    while position < bytes.count, bytes[position] != UInt8(ascii: ";") { position += 1 }
                    let source = index(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                    position += 1
                    touches.append((negative ? -ms : ms, source))
                }
            }
            touches.sort { $0.ms != $1.ms ? $0.ms < $1.ms : sources[Int($0.source)].name < sources[Int($1.source)].name }
            return PersonTouches(milliseconds: touches.map(\.ms), sources: touches.map(\.source))
        }
    }

    /// Every campaign's name, channel and supplier.
    static func campaigns(_ sql: any SQLDatabase) async throws -> [UUID: (name: String, channel: String, supplier: String?)] {
        var campaigns: [UUID: (name: String, channel: String, supplier: String?)] = [:]
        for row in try await sql.raw("SELECT id, name, channel, supplier FROM campaigns").all() {
            campaigns[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "name", as: String.self), try row.decode(column: "channel", as: String.self),
                try row.decode(column: "supplier", as: String?.self))
        }
        return campaigns
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Reads the journeys from `journey_rollups` (one row per person; see M0031) and the opportunities: a handful of
    /// set-based queries whatever the number of touchpoints.
    public static func load(_ options: Options, on database: any Database) async throws -> JourneySet {
        try await load([options.basis], options, on: database)[0]
    }

    /// The opportunities of one basis and the people whose touches count for each.
    struct Basket {
        struct Chosen {
            var id: UUID, amountMinor: Int64, currency: String, won: Bool, anchor: Date, anchorMS: Int64, openedMS: Int64
            var members: [UUID] = []
        }

        var opportunities: [Chosen] = []
        var converted = Set<UUID>()
        /// The members' query, for reading only their rollups.
        var members: SQLQueryString
    }

    static func basket(_ basis: Basis, _ options: Options, _ sql: any SQLDatabase) async throws -> Basket {
        let epochMS = { (column: String) in SQLQueryString(M0031_AddJourneyRollups.epochMilliseconds(column, dialect: sql.dialect.name)) }
        let anchor = basis == .pipeline ? "o.opened_at" : "o.closed_at"
        let chosen: SQLQueryString = basis == .pipeline
            ? "o.opened_at >= \(bind: options.from) AND o.opened_at < \(bind: options.to)"
            : "o.status = 'won' AND o.closed_at >= \(bind: options.from) AND o.closed_at < \(bind: options.to)"
        // The people whose touches count for each opportunity: its contact roles, or everyone at its account.
        var basket = Basket(members: options.wholeAccount
            ? "SELECT o.id AS opportunity_id, p.id AS person_id FROM opportunities o JOIN persons p ON p.account_id = o.account_id WHERE \(chosen)"
            : "SELECT cr.opportunity_id, cr.person_id FROM opportunities o JOIN contact_roles cr ON cr.opportunity_id = o.id WHERE \(chosen)")
        var position: [UUID: Int] = [:]
        for row in try await sql.raw("""
            SELECT o.id, o.amount_minor, o.currency, o.status, \(unsafeRaw: anchor) AS anchor, \(epochMS(anchor)) AS anchor_ms,
                   \(epochMS("o.opened_at")) AS opened_ms
            FROM opportunities o WHERE \(chosen) ORDER BY o.id
            """).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            position[id] = basket.opportunities.count
            basket.opportunities.append(Basket.Chosen(
                id: id, amountMinor: try row.decode(column: "amount_minor", as: Int64.self),
                currency: try row.decode(column: "currency", as: String.self),
                won: try row.decode(column: "status", as: String.self) == OpportunityStatus.won.rawValue,
                anchor: try row.decode(column: "anchor", as: Date.self), anchorMS: try row.decode(column: "anchor_ms", as: Int64.self),
                openedMS: try row.decode(column: "opened_ms", as: Int64.self)))
        }
        for row in try await sql.raw(basket.members).all() {
            let person = try row.decode(column: "person_id", as: UUID.self)
            guard let index = position[try row.decode(column: "opportunity_id", as: UUID.self)] else { continue }
            if !basket.opportunities[index].members.contains(person) { basket.opportunities[index].members.append(person) }
            basket.converted.insert(person)
        }
        return basket
    }

    /// The journeys of several bases (pipeline and revenue) from one read of the rollups.
    public static func load(_ bases: [Basis], _ options: Options, on database: any Database) async throws -> [JourneySet] {
        let sql = try Catalog.sqlDatabase(database)
        let table = SourceTable()
        table.campaigns = try await campaigns(sql)
        var leadCreated: [UUID: Int64] = [:]
        for row in try await sql.raw("""
            SELECT opportunity_id, \(unsafeRaw: M0031_AddJourneyRollups.epochMilliseconds("MIN(qualified_at)", dialect: sql.dialect.name)) AS created
            FROM leads WHERE opportunity_id IS NOT NULL AND qualified_at IS NOT NULL GROUP BY opportunity_id
            """).all() {
            leadCreated[try row.decode(column: "opportunity_id", as: UUID.self)] = try row.decode(column: "created", as: Int64.self)
        }
        var baskets: [Basket] = []
        for basis in bases { baskets.append(try await basket(basis, options, sql)) }
        // Rollups: of the members only, or of everyone when the journeys that did not convert are wanted too.
        var rollups: SQLQueryString = "SELECT person_id, touches FROM journey_rollups"
        if !options.nonConverting {
            rollups = "SELECT r.person_id, r.touches FROM journey_rollups r WHERE r.person_id IN ("
            for (index, basket) in baskets.enumerated() {
                rollups = rollups + (index > 0 ? " UNION " : "") + "SELECT m\(unsafeRaw: String(index)).person_id FROM (" + basket.members
                    + ") m\(unsafeRaw: String(index))"
            }
            rollups = rollups + ")"
        }
        let lookback = Int64(options.lookbackDays) * 86_400_000
        let windowStart = milliseconds(options.from) - lookback, windowEnd = milliseconds(options.to)
        var touchesOf: [UUID: PersonTouches] = [:]
        var readOrder: [UUID] = []  // (a dictionary's order changes from run to run; sums should not)
        for row in try await sql.raw(rollups).all() {
            let person = try row.decode(column: "person_id", as: UUID.self)
            touchesOf[person] = table.parse(try row.decode(column: "touches", as: String.self))
            readOrder.append(person)
        }
        return baskets.map { basket in
            // Everyone else touched in the period (and its lookback): the journeys that did not convert.
            var nonConverting: [[Int32]] = []
            if options.nonConverting {
                for person in readOrder where !basket.converted.contains(person) {
                    let touches = touchesOf[person]!
                    let path = zip(touches.milliseconds, touches.sources).filter { $0.0 >= windowStart && $0.0 < windowEnd }.map(\.1)
                    if !path.isEmpty { nonConverting.append(path) }
                }
            }
            return JourneySet(sources: table.sources, opportunities: journeys(basket, touchesOf, leadCreated, lookback, table),
                              nonConverting: nonConverting)
        }
    }

    /// Each opportunity's journey: its people's touches in the lookback before the anchor, merged in time order.
    static func journeys(_ basket: Basket, _ touchesOf: [UUID: PersonTouches], _ leadCreated: [UUID: Int64], _ lookback: Int64,
                         _ table: SourceTable) -> [OpportunityJourney] {
        var journeys: [OpportunityJourney] = []
        journeys.reserveCapacity(basket.opportunities.count)
        for opportunity in basket.opportunities {
            let end = opportunity.anchorMS, start = end - lookback
            var touches: [(ms: Int64, source: Int32)] = []
            for person in opportunity.members {
                guard let personal = touchesOf[person] else { continue }
                for (ms, source) in zip(personal.milliseconds, personal.sources) where ms >= start && ms <= end {
                    touches.append((ms, source))
                }
            }
            guard !touches.isEmpty else { continue }
            touches.sort { $0.ms != $1.ms ? $0.ms < $1.ms : table.sources[Int($0.source)].name < table.sources[Int($1.source)].name }
            var timed = touches.map { TimedTouch(channel: $0.source, at: Date(timeIntervalSince1970: Double($0.ms) / 1000)) }
            if let index = touches.lastIndex(where: { $0.ms <= opportunity.openedMS }) { timed[index].isOpportunityCreation = true }
            if let created = leadCreated[opportunity.id],
               let index = touches.lastIndex(where: { $0.ms <= created }) {
                timed[index].isLeadCreation = true
            }
            journeys.append(OpportunityJourney(
                opportunityID: opportunity.id, amountMinor: opportunity.amountMinor, currency: opportunity.currency,
                won: opportunity.won,
                journey: TimedJourney(touches: timed, conversions: 1, value: Double(opportunity.amountMinor),
                                      convertedAt: opportunity.anchor)))
        }
        return journeys
    }
}
