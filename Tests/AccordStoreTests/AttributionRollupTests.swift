import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing
@testable import AccordStore

/// The per-person journey rollups the database keeps (M0031) stay equal to the touchpoints through every kind of
/// write, and journeys read from them equal the ones read row by row from `touchpoints` (the reference reader).
@Suite struct AttributionRollupTests {
    static let asOf = CalendarDate.parse("2026-06-30")!

    @Test("journeys from the rollups equal the row-by-row reference: pipeline, revenue, whole account, non-converting")
    func sameJourneys() async throws {
        try await withStore { store in try await Self.checkSameJourneys(store.database) }
    }

    static func checkSameJourneys(_ database: any Database) async throws {
        try await DemoWriter.write(DemoCompany.generate(scale: 0.2, seed: 5, asOf: asOf), to: database)
        let from = asOf.addingTimeInterval(-200 * 86_400), to = asOf.addingTimeInterval(86_400)
        var variants: [AttributionJourneys.Options] = []
        for basis in AttributionJourneys.Basis.allCases {
            for whole in [false, true] {
                variants.append(.init(from: from, to: to, basis: basis, lookbackDays: whole ? 90 : 180, wholeAccount: whole))
            }
        }
        for options in variants {
            let fast = try await AttributionJourneys.load(options, on: database)
            let reference = try await ReferenceJourneys.load(options, on: database)
            let label = "\(options.basis) wholeAccount=\(options.wholeAccount)"
            #expect(fast.opportunities.count == reference.opportunities.count, "\(label)")
            #expect(fast.opportunities.count > 5, "\(label)")
            for (mine, theirs) in zip(fast.opportunities, reference.opportunities) {
                #expect(mine.opportunityID == theirs.opportunityID && mine.amountMinor == theirs.amountMinor
                    && mine.won == theirs.won && mine.currency == theirs.currency, "\(label)")
                // The reference's times went through `Date` (a millisecond may round the other way); names,
                // order and milestones are exact.
                #expect(describe(mine.journey, fast.sources) == describe(theirs.journey, reference.sources), "\(label)")
                #expect(zip(mine.journey.touches, theirs.journey.touches).allSatisfy { abs($0.at.timeIntervalSince($1.at)) < 0.002 })
            }
            let paths = { (set: AttributionJourneys.JourneySet) in
                set.nonConverting.map { $0.map { set.sources[Int($0)].name }.joined(separator: ">") }.sorted()
            }
            #expect(paths(fast) == paths(reference), "\(label)")
            #expect(!fast.nonConverting.isEmpty, "\(label)")
        }
    }

    /// A journey as text: each touch's source name and milestones.
    static func describe(_ journey: TimedJourney, _ sources: [AttributionJourneys.Source]) -> [String] {
        journey.touches.map {
            sources[Int($0.channel)].name + ($0.isLeadCreation ? " lead" : "") + ($0.isOpportunityCreation ? " opportunity" : "")
        }
    }

    @Test("the rollup follows inserts, updates, deletes, a deleted campaign and an erased person")
    func followsEveryChange() async throws {
        try await withStore { store in try await Self.checkFollows(store.database) }
    }

    static func checkFollows(_ database: any Database) async throws {
        try await DemoWriter.write(DemoCompany.generate(scale: 0.05, seed: 9, asOf: asOf), to: database)
        let sql = try Catalog.sqlDatabase(database)
        try await expectConsistent(sql, "after the demo")
        // inserts through the ingestion path: a known person and a new one
        let campaign = try #require(try await CampaignModel.query(on: database).first())
        let person = try #require(try await PersonModel.query(on: database).first())
        let items = [
            TouchpointInput(person: .id(try person.requireID()), campaign: .id(try campaign.requireID()), kind: .attended,
                            side: .marketing, occurredAt: asOf.addingTimeInterval(-3_600)),
            TouchpointInput(person: .email(try EmailAddress("rollup.new@acme.example")), kind: .call, side: .sales,
                            channel: .fieldSales, occurredAt: asOf.addingTimeInterval(-7_200.25)),
            TouchpointInput(person: .email(try EmailAddress("rollup.new@acme.example")), kind: .visited, side: .marketing,
                            channel: .website, occurredAt: asOf.addingTimeInterval(-10_000)),
        ].enumerated().map { TouchpointIngestion.Item(path: "[\($0.offset)]", input: $0.element) }
        _ = try await TouchpointIngestion.ingest(items, now: asOf, on: database)
        try await expectConsistent(sql, "after ingestion")
        // an update of time and campaign, and one of an unrelated column
        let touch = try #require(try await TouchpointModel.query(on: database).filter(\.$campaign.$id != nil).first())
        try await sql.raw("""
            UPDATE touchpoints SET occurred_at = \(bind: asOf.addingTimeInterval(-99_999)), campaign_id = NULL
            WHERE id = \(bind: try touch.requireID())
            """).run()
        try await sql.raw("UPDATE touchpoints SET kind = 'opened' WHERE person_id = \(bind: try person.requireID())").run()
        try await expectConsistent(sql, "after updates")
        // a deleted touchpoint
        let other = try #require(try await TouchpointModel.query(on: database).sort(\.$occurredAt).first())
        try await other.delete(on: database)
        try await expectConsistent(sql, "after a delete")
        // a deleted campaign: its touches lose it (ON DELETE SET NULL) and become channel touches
        let unused = try #require(try await sql.raw("""
            SELECT c.id FROM campaigns c WHERE EXISTS (SELECT 1 FROM touchpoints t WHERE t.campaign_id = c.id) ORDER BY c.id
            """).first()?.decode(column: "id", as: UUID.self))
        try await sql.raw("UPDATE leads SET campaign_id = NULL WHERE campaign_id = \(bind: unused)").run()
        try await sql.raw("DELETE FROM campaign_costs WHERE campaign_id = \(bind: unused)").run()
        try await sql.raw("DELETE FROM campaigns WHERE id = \(bind: unused)").run()
        let mentions = try await sql.raw("SELECT COUNT(*) AS n FROM journey_rollups WHERE touches LIKE \(bind: "%" + unused.uuidString.lowercased() + "%") OR touches LIKE \(bind: "%" + unused.uuidString + "%")").first()?.decode(column: "n", as: Int.self)
        #expect(mentions == 0)
        try await expectConsistent(sql, "after a deleted campaign")
        // an erased person: their touchpoints cascade away, and so does their rollup
        let erased = try #require(try await sql.raw("""
            SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM touchpoints t WHERE t.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM contact_roles r WHERE r.person_id = p.id) ORDER BY p.id
            """).first()?.decode(column: "id", as: UUID.self))
        try await sql.raw("DELETE FROM persons WHERE id = \(bind: erased)").run()
        let left = try await sql.raw("SELECT COUNT(*) AS n FROM journey_rollups WHERE person_id = \(bind: erased)").first()?
            .decode(column: "n", as: Int.self)
        #expect(left == 0)
        try await expectConsistent(sql, "after an erased person")
    }

    /// Every person's rollup holds exactly their touchpoints' tokens, and nobody without touchpoints has a row.
    static func expectConsistent(_ sql: any SQLDatabase, _ step: String) async throws {
        var expected: [UUID: [String]] = [:]
        let ms = M0031_AddJourneyRollups.epochMilliseconds("occurred_at", dialect: sql.dialect.name)
        for row in try await sql.raw("SELECT person_id, \(unsafeRaw: ms) AS ms, campaign_id, side, channel FROM touchpoints").all() {
            let at = try row.decode(column: "ms", as: Int64.self)
            let source = try row.decode(column: "campaign_id", as: UUID?.self)?.uuidString
                ?? (try row.decode(column: "side", as: String.self) == "sales" ? "field_sales" : try row.decode(column: "channel", as: String.self))
            expected[try row.decode(column: "person_id", as: UUID.self), default: []]
                .append("\(at),\(source)")
        }
        var stored: [UUID: [String]] = [:]
        for row in try await sql.raw("SELECT person_id, touches FROM journey_rollups").all() {
            let tokens = try row.decode(column: "touches", as: String.self).split(separator: ";").map { token in
                let parts = token.split(separator: ",", maxSplits: 1)
                let source = UUID(uuidString: String(parts[1]))?.uuidString ?? String(parts[1])
                return "\(parts[0]),\(source)"
            }
            stored[try row.decode(column: "person_id", as: UUID.self)] = tokens
        }
        #expect(stored.count == expected.count, "\(step)")
        var differing = 0
        for (person, tokens) in expected where stored[person]?.sorted() != tokens.sorted() { differing += 1 }
        #expect(differing == 0, "\(step): \(differing) persons differ")
    }
}
