import AccordCore
import FluentKit
import Foundation
import SQLKit
@testable import AccordStore

/// The first journey reader, row by row from `touchpoints` with streamed SQL, kept here as the reference the
/// rollup-based `AttributionJourneys.load` is checked against (same journeys, same milestones).
enum ReferenceJourneys {
    typealias Options = AttributionJourneys.Options
    typealias Source = AttributionJourneys.Source
    typealias OpportunityJourney = AttributionJourneys.OpportunityJourney
    typealias JourneySet = AttributionJourneys.JourneySet

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
            // (The first reader kept an opportunity whose rows all fell before its own lookback as a journey with no
            // touches; the rollup reader leaves it out like every opportunity without touches, and so does this one.)
            guard var journey = current, !journey.journey.touches.isEmpty else { current = nil; return }
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

    static func load(_ options: Options, on database: any Database) async throws -> JourneySet {
        let sql = try Catalog.sqlDatabase(database)
        let fold = Fold()
        fold.campaigns = try await AttributionJourneys.campaigns(sql)
        let leadCreated = try await leadCreation(sql)
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

    /// The lead-creation milestone of each opportunity: when its first lead qualified.
    static func leadCreation(_ sql: any SQLDatabase) async throws -> [UUID: Date] {
        var created: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT opportunity_id, MIN(qualified_at) AS created FROM leads
            WHERE opportunity_id IS NOT NULL AND qualified_at IS NOT NULL GROUP BY opportunity_id
            """).all() {
            if let date = try row.decode(column: "created", as: Date?.self) {
                created[try row.decode(column: "opportunity_id", as: UUID.self)] = date
            }
        }
        return created
    }

}
