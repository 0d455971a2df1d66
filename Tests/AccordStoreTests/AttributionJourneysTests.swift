import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// Journeys from the database equal the ones computed from the generated demo company, with their milestones; every
/// model splits each journey's credit into shares that sum to one.
@Suite struct AttributionJourneysTests {
    static let asOf = CalendarDate.parse("2026-06-30")!

    @Test("pipeline journeys: the contact roles' touches in the 180 days before opening, sales touches as field_sales")
    func pipelineJourneys() async throws {
        try await withStore { store in try await Self.checkPipeline(store.database) }
    }

    static func checkPipeline(_ database: any Database) async throws {
        let company = DemoCompany.generate(scale: 0.2, seed: 3, asOf: Self.asOf)
        try await DemoWriter.write(company, to: database)
        let from = Self.asOf.addingTimeInterval(-365 * 86_400), to = Self.asOf.addingTimeInterval(86_400)
        // act
        let set = try await AttributionJourneys.load(.init(from: from, to: to), on: database)
        // check: the same journeys as computed from the generated records
        let touchesByPerson = Dictionary(grouping: company.touchpoints, by: \.personID)
        let campaigns = Dictionary(uniqueKeysWithValues: company.campaigns.map { ($0.id, $0) })
        var expected: [UUID: [String]] = [:]
        for opportunity in company.opportunities where opportunity.openedAt >= from && opportunity.openedAt < to {
            let people = company.contactRoles.filter { $0.opportunityID == opportunity.id }.map(\.personID)
            let touches = people.flatMap { touchesByPerson[$0] ?? [] }.filter {
                $0.occurredAt <= opportunity.openedAt && $0.occurredAt >= opportunity.openedAt.addingTimeInterval(-180 * 86_400)
            }.sorted { ($0.occurredAt, $0.id.uuidString) < ($1.occurredAt, $1.id.uuidString) }
            guard !touches.isEmpty else { continue }
            expected[opportunity.id] = touches.map { touch in
                touch.campaignID.flatMap { campaigns[$0]?.name }
                    ?? "(no campaign: \((touch.side == .sales ? Channel.fieldSales : touch.channel).rawValue.replacingOccurrences(of: "_", with: " ")))"
            }
        }
        #expect(set.opportunities.count == expected.count)
        #expect(expected.count > 10)
        for journey in set.opportunities {
            #expect(journey.journey.touches.map { set.sources[Int($0.channel)].name } == expected[journey.opportunityID])
            #expect(journey.journey.touches.filter(\.isOpportunityCreation).count == 1)
            #expect(journey.journey.touches.last?.isOpportunityCreation == true)
            #expect(journey.journey.touches.filter(\.isLeadCreation).count <= 1)
        }
        #expect(set.opportunities.contains { $0.journey.touches.contains(where: \.isLeadCreation) })
        #expect(set.sources.contains { $0.channel == "field_sales" && $0.campaignID == nil })
        #expect(!set.nonConverting.isEmpty)
        // every model splits every journey into shares summing to one
        for model in AttributionModelID.allCases {
            let shares = try JourneyShares.shares(model, journeys: set.opportunities.map(\.journey),
                                                  nonConverting: set.nonConverting, channelCount: set.sources.count)
            for split in shares { #expect(abs(split.values.reduce(0, +) - 1) < 1e-9, "\(model)") }
        }
    }

    @Test("revenue journeys: won deals closed in the period, up to the close; the opening touch is a milestone")
    func revenueJourneys() async throws {
        try await withStore { store in
            let company = DemoCompany.generate(scale: 0.2, seed: 3, asOf: Self.asOf)
            try await DemoWriter.write(company, to: store.database)
            let from = Self.asOf.addingTimeInterval(-365 * 86_400), to = Self.asOf.addingTimeInterval(86_400)
            let set = try await AttributionJourneys.load(.init(from: from, to: to, basis: .revenue), on: store.database)
            let won = Set(company.opportunities.filter { $0.status == .won && ($0.closedAt ?? .distantPast) >= from }.map(\.id))
            #expect(!set.opportunities.isEmpty)
            #expect(set.opportunities.allSatisfy { won.contains($0.opportunityID) && $0.won })
            #expect(set.opportunities.allSatisfy { $0.journey.touches.filter(\.isOpportunityCreation).count <= 1 })
        }
    }
}

/// Campaign economics on the demo: every model hands out exactly the pipeline and revenue there is, whatever the
/// grouping; costs are the period's monthly costs.
@Suite struct CampaignEconomicsTests {
    @Test("every model and grouping adds up to the journeys' pipeline and won revenue and to the period's costs")
    func totals() async throws {
        try await withStore { store in try await Self.checkTotals(store.database) }
    }

    static func checkTotals(_ database: any Database) async throws {
        let company = DemoCompany.generate(scale: 0.2, seed: 3, asOf: AttributionJourneysTests.asOf)
        try await DemoWriter.write(company, to: database)
        let to = AttributionJourneysTests.asOf.addingTimeInterval(86_400), from = to.addingTimeInterval(-365 * 86_400)
        let options = AttributionJourneys.Options(from: from, to: to)
        let pipeline = try await AttributionJourneys.load(options, on: database)
        var revenueOptions = options
        revenueOptions.basis = .revenue
        let revenue = try await AttributionJourneys.load(revenueOptions, on: database)
        let pipelineTotal = pipeline.opportunities.reduce(0.0) { $0 + Double($1.amountMinor) }
        let revenueTotal = revenue.opportunities.filter(\.won).reduce(0.0) { $0 + Double($1.amountMinor) }
        for model in AttributionModelID.allCases {
            for grouping in CampaignEconomicsData.Grouping.allCases {
                let report = try await CampaignEconomicsData.report(model: model, by: grouping, options: options, on: database)
                let pipelineSum = report.rows.reduce(0) { $0 + $1.pipelineMinor }
                let revenueSum = report.rows.reduce(0) { $0 + $1.revenueMinor }
                #expect(abs(pipelineSum - pipelineTotal) < 1e-6 * max(pipelineTotal, 1), "\(model) \(grouping)")
                #expect(abs(revenueSum - revenueTotal) < 1e-6 * max(revenueTotal, 1), "\(model) \(grouping)")
                #expect(report.rows.reduce(0) { $0 + $1.costMinor } > 0)
                let influence = Dictionary(grouping: report.influence, by: \.opportunityID)
                #expect(influence.count == pipeline.opportunities.count)
                #expect(influence.values.allSatisfy { abs($0.reduce(0) { $0 + $1.share } - 1) < 1e-9 })
            }
        }
        let byCampaign = try await CampaignEconomicsData.report(model: .linear, by: .campaign, options: options, on: database)
        let byChannel = try await CampaignEconomicsData.report(model: .linear, by: .channel, options: options, on: database)
        #expect(byCampaign.rows.reduce(0) { $0 + $1.costMinor } == byChannel.rows.reduce(0) { $0 + $1.costMinor })
        #expect(byCampaign.rows.reduce(0) { $0 + $1.mqls } == byChannel.rows.reduce(0) { $0 + $1.mqls })
        #expect(byCampaign.rows.contains { $0.roi != nil && $0.costPerMQL != nil })
    }
}

/// The truth test: on the demo company (scale 1, seed 42, a year), data-driven models rank the channels with the
/// strongest true lift (`accord demo --truth`) above those with the weakest, and last touch does not: the demo's
/// strong channels come early in journeys and its weak ones late.
@Suite struct AttributionTruthTests {
    /// Spearman's rank correlation (average ranks for ties).
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ values: [Double]) -> [Double] {
            let order = values.indices.sorted { values[$0] < values[$1] }
            var result = [Double](repeating: 0, count: values.count)
            var start = 0
            while start < order.count {
                var end = start
                while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
                for index in start...end { result[order[index]] = Double(start + end) / 2 + 1 }
                start = end + 1
            }
            return result
        }
        let x = ranks(a), y = ranks(b), n = Double(a.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let covariance = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let vx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, vy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        return covariance / (vx * vy).squareRoot()
    }

    @Test("data-driven models rank strong-lift channels above weak ones; last touch does not (rank correlations printed)")
    func truth() async throws {
        try await withStore { store in try await Self.check(store.database) }
    }

    static func check(_ database: any Database) async throws {
        let asOf = CalendarDate.parse("2026-06-30")!
        let company = DemoCompany.generate(scale: 1, seed: 42, asOf: asOf)
        try await DemoWriter.write(company, to: database)
        let to = asOf.addingTimeInterval(86_400), from = to.addingTimeInterval(-365 * 86_400)
        let truth = company.truth.channels.sorted { $0.lift > $1.lift }
        let strong = truth.prefix(3).map(\.channel.rawValue), weak = truth.suffix(3).map(\.channel.rawValue)
        var correlation: [AttributionModelID: Double] = [:]
        var gap: [AttributionModelID: Double] = [:]
        for model in [AttributionModelID.last, .markov, .shapley] {
            let report = try await CampaignEconomicsData.report(model: model, by: .channel, options: .init(from: from, to: to),
                                                                on: database)
            let credit = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key, $0.opportunities) })
            correlation[model] = spearman(truth.map(\.lift), truth.map { credit[$0.channel.rawValue] ?? 0 })
            let mean = { (channels: [String]) in channels.reduce(0) { $0 + (credit[$1] ?? 0) } / Double(channels.count) }
            gap[model] = mean(strong) - mean(weak)
        }
        print("attribution truth (demo scale 1, seed 42): Spearman ρ with the true lift: "
              + [AttributionModelID.last, .markov, .shapley].map { "\($0.rawValue) \(String(format: "%.2f", correlation[$0]!))" }
                .joined(separator: ", ")
              + "; strong − weak channels' attributed opportunities: "
              + [AttributionModelID.last, .markov, .shapley].map { "\($0.rawValue) \(String(format: "%.1f", gap[$0]!))" }
                .joined(separator: ", "))
        #expect(gap[.markov]! > 0 && gap[.shapley]! > 0, "data-driven models credit the strong channels more")
        #expect(gap[.last]! < 0, "last touch credits the weak, late channels more")
        #expect(correlation[.markov]! > 0.3 && correlation[.shapley]! > 0.3)
        #expect(correlation[.last]! < 0)
    }
}
