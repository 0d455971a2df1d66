import AccordCore
@testable import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing

/// Live scoring: a person becomes an MQL once, when their score crosses the threshold from below and they have
/// no open lead, under retries and concurrent arrivals; decay lowers scores; accounts qualify as buying groups;
/// and the backtest reads from the database exactly what the demo generated.
@Suite struct LiveScoringTests {
    /// Attended events count 15 each (decaying from the moment they happen), opened emails 1; just under 30 points
    /// make an MQL; no fit needed unless asked.
    static func activate(minimumEngagement: Double = 29.9, account: String = "", fit: Bool = false,
                         on database: any Database) async throws {
        let fitRules = fit ? #"{"id": "senior", "field": "person.seniority", "operator": "in", "value": ["vp", "c_level"], "points": 50}"# : ""
        let body = """
        {"fit": {"rules": [\(fitRules)]}, "engagement": {"halfLifeDays": 30, "rules": [
          {"id": "attended", "kind": "attended", "points": 15}, {"id": "opened", "kind": "opened", "points": 1}]},
         "mql": {"minimumFit": \(fit ? 50 : 0), "minimumEngagement": \(minimumEngagement)\(account)}}
        """
        let model = LeadDefinitionModel(version: 3, name: "Live", body: body, createdBy: nil)
        model.workflow = DefinitionWorkflow(state: .active, approvals: [.marketing, .sales], rejectionReason: nil)
        try await model.create(on: database)
        let team = TeamModel(name: "Sales", side: "sales")
        try await team.create(on: database)
        try await UserModel(email: "ana@x.example", name: "Ana", role: "rep", teamID: team.id).create(on: database)
        try await RoutingRuleModel(rule: RoutingRule(id: TimeOrderedID.make(), name: "All", position: 1,
                                                     teamID: team.id!)).create(on: database)
    }

    static func touch(_ event: String, _ email: String, _ kind: TouchpointKind = .attended, at: Date = Date())
        -> TouchpointIngestion.Item {
        TouchpointIngestion.Item(path: "[0]", input: TouchpointInput(
            eventID: event, person: .email(try! EmailAddress(email)), kind: kind, side: .marketing, channel: .event,
            occurredAt: at))
    }

    static func leads(_ email: String, on database: any Database) async throws -> [LeadModel] {
        let person = try #require(try await PersonModel.query(on: database).filter(\.$email == email).first())
        return try await LeadModel.query(on: database).filter(\.$person.$id == person.id!).all()
    }

    @Test("the touch that crosses the threshold makes one MQL lead, stamped and routed; replays and later touches make none")
    func crossing() async throws {
        try await withStore { store in
            let database = store.database
            try await Self.activate(on: database)
            // act: below, then across, then a replay of the same event, then more
            _ = try await TouchpointIngestion.ingest([Self.touch("e1", "kim@acme.example")], now: Date(), on: database)
            #expect(try await Self.leads("kim@acme.example", on: database).isEmpty)
            _ = try await TouchpointIngestion.ingest([Self.touch("e2", "kim@acme.example")], now: Date(), on: database)
            #expect(try await Self.leads("kim@acme.example", on: database).count == 1)
            _ = try await TouchpointIngestion.ingest([Self.touch("e2", "kim@acme.example")], now: Date(), on: database)
            _ = try await TouchpointIngestion.ingest([Self.touch("e3", "kim@acme.example")], now: Date(), on: database)
            // check
            let leads = try await Self.leads("kim@acme.example", on: database)
            #expect(leads.count == 1)
            let lead = try #require(leads.first)
            #expect(lead.stage == "mql")
            #expect(lead.definitionVersion == 3)
            #expect(lead.$owner.id != nil)
            #expect(lead.slaDueAt != nil)
            #expect(lead.engagementScore >= 29.9)
            let person = try #require(try await PersonModel.find(lead.$person.id, on: database))
            #expect(person.qualified == true)
            #expect(person.scoreVersion == 3)
            let audit = try await AuditEventModel.query(on: database).filter(\.$entityID == lead.id!)
                .filter(\.$action == "qualify").all()
            #expect(audit.count == 1)
            #expect(audit.first?.reason?.contains("crossed the MQL threshold of definition v3") == true)
        }
    }

    @Test("twelve concurrent arrivals on four connection pools, each crossing the threshold for one person, make exactly one lead")
    func concurrentArrivals() async throws {
        let isolated = try await IsolatedDatabase.make()
        var stores: [Store] = []
        for _ in 0..<4 { stores.append(try await Store.open(isolated.location)) }
        do {
            try await stores[0].migrate()
            try await Self.activate(minimumEngagement: 15, on: stores[0].database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    let store = stores[index % stores.count]
                    group.addTask {
                        _ = try await TouchpointIngestion.ingest([Self.touch("c\(index)", "lee@acme.example")],
                                                                 now: Date(), on: store.database)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.leads("lee@acme.example", on: stores[0].database).count == 1)
            #expect(try await TouchpointModel.query(on: stores[0].database).count() == 12)
        } catch {
            for store in stores { await store.close() }
            try? await isolated.destroy()
            throw error
        }
        for store in stores { await store.close() }
        try await isolated.destroy()
    }

    @Test("decay lowers a score below the threshold; crossing again while the lead is open makes no second lead")
    func decay() async throws {
        try await withStore { store in
            let database = store.database
            try await Self.activate(on: database)
            let now = Date()
            _ = try await TouchpointIngestion.ingest([Self.touch("d1", "max@acme.example"), Self.touch("d2", "max@acme.example")],
                                                     now: now, on: database)
            #expect(try await Self.leads("max@acme.example", on: database).count == 1)
            // two half-lives later the 30 points are 7.5
            let later = now.addingTimeInterval(60 * 86_400)
            let summary = try await LiveScoring.rescoreAll(now: later, onlyEngaged: true, on: database)
            #expect(summary.scored >= 1)
            let person = try #require(try await PersonModel.query(on: database).filter(\.$email == "max@acme.example").first())
            #expect(person.qualified == false)
            #expect(abs((person.engagementScore ?? 0) - 7.5) < 0.01)
            // crossing again (the first lead is still open): no second lead
            _ = try await TouchpointIngestion.ingest([Self.touch("d3", "max@acme.example", at: later),
                                                      Self.touch("d4", "max@acme.example", at: later)],
                                                     now: later, on: database)
            #expect(try await PersonModel.find(person.id, on: database)?.qualified == true)
            #expect(try await Self.leads("max@acme.example", on: database).count == 1)
        }
    }

    @Test("an account qualifies as a buying group: one lead for its most engaged person who fits, listing the others")
    func buyingGroup() async throws {
        try await withStore { store in
            let database = store.database
            try await Self.activate(minimumEngagement: 100, account: #", "account": {"minimumEngagement": 40, "perPersonCap": 20}"#,
                                    fit: true, on: database)
            let account = AccountModel(name: "Acme", domain: "acme.example")
            try await account.create(on: database)
            for (email, seniority) in [("a@acme.example", "vp"), ("b@acme.example", "individual"), ("c@acme.example", "c_level")] {
                try await PersonModel(email: email, seniority: seniority, accountID: account.id).create(on: database)
            }
            // b is the most engaged but does not fit; a and c fit, c more engaged
            _ = try await TouchpointIngestion.ingest([Self.touch("g1", "b@acme.example"), Self.touch("g2", "b@acme.example")],
                                                     now: Date(), on: database)
            _ = try await TouchpointIngestion.ingest([Self.touch("g3", "a@acme.example", .opened)], now: Date(), on: database)
            #expect(try await LeadModel.query(on: database).count() == 0)  // 20 + 1 < 40
            _ = try await TouchpointIngestion.ingest([Self.touch("g4", "c@acme.example")], now: Date(), on: database)
            _ = try await TouchpointIngestion.ingest([Self.touch("g5", "c@acme.example")], now: Date(), on: database)
            let leads = try await LeadModel.query(on: database).with(\.$person).all()
            #expect(leads.count == 1)
            let lead = try #require(leads.first)
            #expect(lead.person.email == "c@acme.example")
            #expect(lead.buyingGroup?.contains("b@acme.example") == true)
            #expect(lead.buyingGroup?.contains("a@acme.example") == true)
            #expect(try await AccountModel.find(account.id, on: database)?.qualified == true)
            // more engagement while the lead is open: still one lead
            _ = try await TouchpointIngestion.ingest([Self.touch("g6", "a@acme.example")], now: Date(), on: database)
            #expect(try await LeadModel.query(on: database).count() == 1)
        }
    }

    @Test("the backtest reads from the database exactly the subjects the demo generated: same figures")
    func backtestFromDatabase() async throws {
        try await withStore { store in
            let asOf = ISOTimestamp.parse("2026-06-01T00:00:00Z")!
            let company = DemoCompany.generate(scale: 0.2, seed: 11, asOf: asOf)
            try await DemoWriter.write(company, to: store.database)
            let scorer = LeadScorer(try LeadDefinition.parse(JSONDecoder().decode(
                JSONValue.self, from: Data(LeadDefinition.exampleJSON.utf8))))
            let from = asOf.addingTimeInterval(-365 * 86_400)
            let loaded = try await BacktestData.subjects(on: store.database)
            let fromDatabase = Backtest.run(scorer, subjects: loaded, from: from, to: asOf)
            let inMemory = Backtest.run(scorer, subjects: company.backtestSubjects(), from: from, to: asOf)
            #expect(loaded.count == company.persons.count)
            #expect(fromDatabase.totals.mqls > 0)
            #expect(fromDatabase.totals == inMemory.totals)
            #expect(fromDatabase.precision == inMemory.precision)
            #expect(fromDatabase.recall == inMemory.recall)
        }
    }
}
