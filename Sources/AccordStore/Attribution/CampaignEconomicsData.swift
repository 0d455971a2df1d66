import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Campaign economics from the database: pipeline journeys (opportunities opened in the period) and revenue
/// journeys (deals won in it) credited by a model, rolled up by campaign, channel or supplier, beside the period's
/// campaign costs and the MQLs and accepted leads each campaign sourced.
public enum CampaignEconomicsData {
    public enum Grouping: String, Vocabulary {
        case campaign, channel, supplier
    }

    public struct Report: Sendable {
        public var rows: [SourceEconomics]
        /// The currency of the opportunities (the most common one when they differ) and of the costs.
        public var currency: String
        /// One row per opportunity × source with a share: the influence export.
        public var influence: [Influence]
    }

    public struct Influence: Sendable, Equatable {
        public var opportunityID: UUID
        public var source: AttributionJourneys.Source
        public var share: Double
        public var amountMinor: Double
        public var currency: String
        public var won: Bool
    }

    public static func report(model: AttributionModelID, by grouping: Grouping, options: AttributionJourneys.Options,
                              order: Int = 1, on database: any Database) async throws -> Report {
        try await reports(models: [model], by: grouping, options: options, order: order, on: database)[0]
    }

    /// The economics under several models, in the order given, from one read of the journeys.
    public static func reports(models: [AttributionModelID], by grouping: Grouping, options: AttributionJourneys.Options,
                               order: Int = 1, on database: any Database) async throws -> [Report] {
        var options = options
        // Only the Markov chain uses the journeys that did not convert (Shapley's game counts conversions only).
        options.nonConverting = models.contains(.markov)
        let sets = try await AttributionJourneys.load([.pipeline, .revenue], options, on: database)
        let pipeline = sets[0], revenue = sets[1]
        let sql = try Catalog.sqlDatabase(database)
        // Every campaign is a row even without credit (its cost still counts).
        var campaigns: [AttributionJourneys.Source] = []
        for row in try await sql.raw("SELECT id, name, channel, supplier FROM campaigns ORDER BY name, id").all() {
            campaigns.append(.init(campaignID: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                                   channel: try row.decode(column: "channel", as: String.self),
                                   supplier: try row.decode(column: "supplier", as: String?.self)))
        }
        func group(_ source: AttributionJourneys.Source) -> (key: String, label: String) {
            switch grouping {
            case .campaign: (source.campaignID?.uuidString ?? "channel:" + source.channel, source.name)
            case .channel: (source.channel, source.channel.replacingOccurrences(of: "_", with: " "))
            case .supplier: (source.supplier ?? "none", source.supplier ?? "(no supplier)")
            }
        }
        var groups: [(key: String, label: String)] = []
        var groupIndex: [String: Int] = [:]
        func index(_ source: AttributionJourneys.Source) -> Int {
            let group = group(source)
            if let known = groupIndex[group.key] { return known }
            groupIndex[group.key] = groups.count
            groups.append(group)
            return groups.count - 1
        }
        for campaign in campaigns { _ = index(campaign) }
        let pipelineGroups = pipeline.sources.map(index), revenueGroups = revenue.sources.map(index)
        // Shares per journey, then the journeys re-keyed to groups.
        func shares(_ model: AttributionModelID, _ set: AttributionJourneys.JourneySet) throws -> [[Int32: Double]] {
            try JourneyShares.shares(model, journeys: set.opportunities.map(\.journey), nonConverting: set.nonConverting,
                                     channelCount: set.sources.count, order: order)
        }
        func credited(_ set: AttributionJourneys.JourneySet, _ splits: [[Int32: Double]], groupsOf: [Int]) -> [CreditedJourney] {
            zip(set.opportunities, splits).map { journey, split in
                var byGroup: [Int32: Double] = [:]
                for (source, share) in split { byGroup[Int32(groupsOf[Int(source)]), default: 0] += share }
                return CreditedJourney(shares: byGroup, amountMinor: journey.amountMinor, won: journey.won)
            }
        }
        // Costs of the period's months, MQLs and accepted leads, per campaign, then per group.
        var costs = [Int64](repeating: 0, count: groups.count), mqls = [Int](repeating: 0, count: groups.count)
        var accepted = [Int](repeating: 0, count: groups.count)
        let byID = Dictionary(uniqueKeysWithValues: campaigns.map { ($0.campaignID!, $0) })
        let firstMonth = String(ISOTimestamp.format(options.from).prefix(7))
        let lastMonth = String(ISOTimestamp.format(options.to.addingTimeInterval(-1)).prefix(7))
        for row in try await sql.raw("""
            SELECT campaign_id, CAST(SUM(amount_minor) AS BIGINT) AS cost FROM campaign_costs
            WHERE month >= \(bind: firstMonth) AND month <= \(bind: lastMonth) GROUP BY campaign_id
            """).all() {
            if let campaign = byID[try row.decode(column: "campaign_id", as: UUID.self)] {
                costs[index(campaign)] += try row.decode(column: "cost", as: Int64?.self) ?? 0
            }
        }
        for row in try await sql.raw("""
            SELECT campaign_id, COUNT(*) AS mqls,
                   SUM(CASE WHEN decided_at IS NOT NULL AND stage <> 'rejected' THEN 1 ELSE 0 END) AS accepted
            FROM leads WHERE campaign_id IS NOT NULL AND stage <> 'new'
              AND qualified_at >= \(bind: options.from) AND qualified_at < \(bind: options.to)
            GROUP BY campaign_id
            """).all() {
            if let campaign = byID[try row.decode(column: "campaign_id", as: UUID.self)] {
                mqls[index(campaign)] += try LeadQualityQuery.number(row, "mqls")
                accepted[index(campaign)] += try LeadQualityQuery.number(row, "accepted")
            }
        }
        let currencies = Dictionary(grouping: pipeline.opportunities + revenue.opportunities, by: \.currency).mapValues(\.count)
        let currency = currencies.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }?.key ?? "EUR"
        return try models.map { model in
            let pipelineShares = try shares(model, pipeline), revenueShares = try shares(model, revenue)
            var influence: [Influence] = []
            for (journey, split) in zip(pipeline.opportunities, pipelineShares) {
                for (source, share) in split.sorted(by: { $0.key < $1.key }) {
                    influence.append(Influence(opportunityID: journey.opportunityID, source: pipeline.sources[Int(source)],
                                               share: share, amountMinor: share * Double(journey.amountMinor),
                                               currency: journey.currency, won: journey.won))
                }
            }
            return Report(rows: CampaignEconomics.compute(
                groups: groups, pipeline: credited(pipeline, pipelineShares, groupsOf: pipelineGroups),
                revenue: credited(revenue, revenueShares, groupsOf: revenueGroups), costs: costs, mqls: mqls, accepted: accepted),
                          currency: currency, influence: influence)
        }
    }
}
