import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Journeys from the company's own data, for attribution by campaign: the touchpoints of each opportunity's
/// contact roles (or of everyone at its account) in a lookback window before the opportunity was opened (pipeline)
/// or won (revenue), with the lead-creation and opportunity-creation milestones, and the journeys of everyone else
/// touched in the period, who did not convert (for the data-driven models). Read with streamed SQL: rows are
/// folded into journeys as they arrive, never loaded as objects.
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

    /// Folds rows into journeys as they stream in (rows arrive one at a time, in order).
    final class Fold: @unchecked Sendable {
        var sources: [Source] = []
        var sourceIndex: [String: Int32] = [:]
        var campaigns: [UUID: (name: String, channel: String, supplier: String?)] = [:]
        var opportunities: [OpportunityJourney] = []
        var current: OpportunityJourney?
        var currentAnchor = Date.distantPast
        var currentOpened = Date.distantPast
        var people: [UUID: [Int32]] = [:]
        var failure: (any Error)?

        func source(campaign: UUID?, side: String, channel: String) -> Int32 {
            let key: String, source: Source
            if let campaign, let known = campaigns[campaign] {
                key = campaign.uuidString
                source = Source(campaignID: campaign, name: known.name, channel: known.channel, supplier: known.supplier)
            } else {
                let channel = side == Side.sales.rawValue ? Channel.fieldSales.rawValue : channel
                key = "channel:" + channel
                source = Source(campaignID: nil, name: "(no campaign: \(channel.replacingOccurrences(of: "_", with: " ")))",
                                channel: channel, supplier: nil)
            }
            if let index = sourceIndex[key] { return index }
            let index = Int32(sources.count)
            sources.append(source)
            sourceIndex[key] = index
            return index
        }

        func finishCurrent(leadCreated: [UUID: Date]) {
            guard var journey = current else { return }
            var touches = journey.journey.touches
            if !touches.isEmpty {
                if let index = touches.lastIndex(where: { $0.at <= currentOpened }) { touches[index].isOpportunityCreation = true }
                if let created = leadCreated[journey.opportunityID],
                   let index = touches.lastIndex(where: { $0.at <= created }) {
                    touches[index].isLeadCreation = true
                }
            }
            journey.journey.touches = touches
            opportunities.append(journey)
            current = nil
        }
    }

    public static func load(_ options: Options, on database: any Database) async throws -> JourneySet {
        let sql = try Catalog.sqlDatabase(database)
        let fold = Fold()
        for row in try await sql.raw("SELECT id, name, channel, supplier FROM campaigns").all() {
            fold.campaigns[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "name", as: String.self), try row.decode(column: "channel", as: String.self),
                try row.decode(column: "supplier", as: String?.self))
        }
        var leadCreated: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT opportunity_id, MIN(qualified_at) AS created FROM leads
            WHERE opportunity_id IS NOT NULL AND qualified_at IS NOT NULL GROUP BY opportunity_id
            """).all() {
            if let created = try row.decode(column: "created", as: Date?.self) {
                leadCreated[try row.decode(column: "opportunity_id", as: UUID.self)] = created
            }
        }
        let created = leadCreated  // captured by the streaming closures
        let lookback = TimeInterval(options.lookbackDays) * 86_400
        let earliest = options.from.addingTimeInterval(-lookback)
        let anchor: SQLQueryString = options.basis == .pipeline ? "o.opened_at" : "o.closed_at"
        let chosen: SQLQueryString = options.basis == .pipeline
            ? "o.opened_at >= \(bind: options.from) AND o.opened_at < \(bind: options.to)"
            : "o.status = 'won' AND o.closed_at >= \(bind: options.from) AND o.closed_at < \(bind: options.to)"
        let people: SQLQueryString = options.wholeAccount
            ? "JOIN persons p ON p.account_id = o.account_id JOIN touchpoints t ON t.person_id = p.id"
            : "JOIN contact_roles cr ON cr.opportunity_id = o.id JOIN touchpoints t ON t.person_id = cr.person_id"
        // Converting journeys, one opportunity after the other, touches in time order; the lookback is applied
        // per opportunity here (dates compare the same way on both databases; arithmetic on them does not).
        try await sql.raw("""
            SELECT o.id AS opportunity, o.amount_minor, o.currency, o.status, \(anchor) AS anchor, o.opened_at AS opened,
                   t.occurred_at, t.campaign_id, t.side, t.channel
            FROM opportunities o \(people)
            WHERE \(chosen) AND t.occurred_at <= \(anchor) AND t.occurred_at >= \(bind: earliest)
            ORDER BY o.id, t.occurred_at, t.id
            """).run { row in
            guard fold.failure == nil else { return }
            do {
                let opportunity = try row.decode(column: "opportunity", as: UUID.self)
                if fold.current?.opportunityID != opportunity {
                    fold.finishCurrent(leadCreated: created)
                    let anchorDate = try row.decode(column: "anchor", as: Date.self)
                    fold.currentAnchor = anchorDate
                    fold.currentOpened = try row.decode(column: "opened", as: Date.self)
                    fold.current = OpportunityJourney(
                        opportunityID: opportunity, amountMinor: try row.decode(column: "amount_minor", as: Int64.self),
                        currency: try row.decode(column: "currency", as: String.self),
                        won: try row.decode(column: "status", as: String.self) == OpportunityStatus.won.rawValue,
                        journey: TimedJourney(touches: [], conversions: 1, value: 0, convertedAt: anchorDate))
                    fold.current!.journey.value = Double(fold.current!.amountMinor)
                }
                let at = try row.decode(column: "occurred_at", as: Date.self)
                guard at >= fold.currentAnchor.addingTimeInterval(-lookback) else { return }
                let source = fold.source(campaign: try row.decode(column: "campaign_id", as: UUID?.self),
                                         side: try row.decode(column: "side", as: String.self),
                                         channel: try row.decode(column: "channel", as: String.self))
                fold.current!.journey.touches.append(TimedTouch(channel: source, at: at))
            } catch {
                fold.failure = error
            }
        }
        fold.finishCurrent(leadCreated: created)
        if let failure = fold.failure { throw failure }
        guard options.nonConverting else {
            return JourneySet(sources: fold.sources, opportunities: fold.opportunities, nonConverting: [])
        }
        // Everyone else touched in the period, in time order: the journeys that did not convert.
        let converted: SQLQueryString = options.wholeAccount
            ? """
              SELECT p.id FROM opportunities o JOIN persons p ON p.account_id = o.account_id WHERE \(chosen)
              """
            : "SELECT cr.person_id FROM opportunities o JOIN contact_roles cr ON cr.opportunity_id = o.id WHERE \(chosen)"
        try await sql.raw("""
            SELECT t.person_id, t.campaign_id, t.side, t.channel FROM touchpoints t
            WHERE t.occurred_at >= \(bind: earliest) AND t.occurred_at < \(bind: options.to)
              AND t.person_id NOT IN (\(converted))
            ORDER BY t.person_id, t.occurred_at, t.id
            """).run { row in
            guard fold.failure == nil else { return }
            do {
                let person = try row.decode(column: "person_id", as: UUID.self)
                let source = fold.source(campaign: try row.decode(column: "campaign_id", as: UUID?.self),
                                         side: try row.decode(column: "side", as: String.self),
                                         channel: try row.decode(column: "channel", as: String.self))
                fold.people[person, default: []].append(source)
            } catch {
                fold.failure = error
            }
        }
        if let failure = fold.failure { throw failure }
        return JourneySet(sources: fold.sources, opportunities: fold.opportunities,
                          nonConverting: fold.people.keys.sorted { $0.uuidString < $1.uuidString }.map { fold.people[$0]! })
    }
}
