import AccordCore
import AccordStore
import Foundation

/// `accord-bench attribution --db PATH|postgres://…`: where the time of a year's campaign economics goes, in
/// process (no HTTP): reading the journeys of both bases with and without everyone else's, then each model's
/// whole report. The database must hold data (`accord demo --scale 20`).
enum AttributionStoreBench {
    static func run(_ arguments: [String]) async throws {
        var target = "/tmp/accord-bench.sqlite"
        var rest = arguments
        while rest.count >= 2 {
            if rest.removeFirst() == "--db" { target = rest.removeFirst() }
        }
        let store = try await Store.open(JobsBench.location(target))
        let to = Date(), from = to.addingTimeInterval(-365 * 86_400)
        var options = AttributionJourneys.Options(from: from, to: to)
        func time(_ work: () async throws -> Void) async throws -> Double {
            var samples: [Double] = []
            for _ in 0..<3 {
                let started = Date()
                try await work()
                samples.append(Date().timeIntervalSince(started))
            }
            return samples.sorted()[1]
        }
        var result: [String: Double] = [:]
        options.nonConverting = false
        var sets: [AttributionJourneys.JourneySet] = []
        result["journeysConverting"] = try await time { sets = try await AttributionJourneys.load([.pipeline, .revenue], options, on: store.database) }
        result["opportunities"] = Double(sets[0].opportunities.count + sets[1].opportunities.count)
        options.nonConverting = true
        result["journeysAll"] = try await time { sets = try await AttributionJourneys.load([.pipeline, .revenue], options, on: store.database) }
        result["nonConverting"] = Double(sets[0].nonConverting.count)
        for model in [AttributionModelID.last, .linear, .wShaped, .shapley, .markov] {
            result["shares." + model.rawValue] = try await time {
                for set in sets {
                    _ = try JourneyShares.shares(model, journeys: set.opportunities.map(\.journey), nonConverting: set.nonConverting,
                                                 channelCount: set.sources.count)
                }
            }
            result["report." + model.rawValue] = try await time {
                _ = try await CampaignEconomicsData.report(model: model, by: .campaign, options: options, on: store.database)
            }
        }
        await store.close()
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
