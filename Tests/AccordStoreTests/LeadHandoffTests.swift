import AccordCore
@testable import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing

/// Routing in the database: the round-robin position is shared by every instance, and the clock uses the
/// team's calendar and policy.
@Suite struct LeadHandoffTests {
    @Test("four connection pools routing at the same time share one rotation: an exact 2:1 split, no lost update")
    func sharedRoundRobin() async throws {
        let isolated = try await IsolatedDatabase.make()
        let first = try await Store.open(isolated.location)
        var stores = [first]
        for _ in 0..<3 { stores.append(try await Store.open(isolated.location)) }
        do {
            try await first.migrate()
            // setup: a team with a catch-all rule, Ana (weight 2) and Ben (weight 1), 60 new leads
            let database = first.database
            let team = TeamModel(name: "Sales", side: "sales")
            try await team.create(on: database)
            let ana = UserModel(email: "ana@x.example", name: "Ana", role: "rep", teamID: team.id)
            ana.routingWeight = 2
            let ben = UserModel(email: "ben@x.example", name: "Ben", role: "rep", teamID: team.id)
            try await ana.create(on: database)
            try await ben.create(on: database)
            try await RoutingRuleModel(rule: RoutingRule(id: TimeOrderedID.make(), name: "All", position: 1,
                                                         teamID: team.id!)).create(on: database)
            var leads: [UUID] = []
            for index in 0..<120 {
                let person = PersonModel(email: "p\(index)@gmail.com")
                try await person.create(on: database)
                let lead = LeadModel(personID: person.id!, stage: .mql, stageChangedAt: Date())
                lead.priority = "B"
                try await lead.create(on: database)
                leads.append(lead.id!)
            }
            // act: each pool routes half, interleaved
            let now = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    let mine = leads.enumerated().filter { $0.offset % stores.count == index }.map(\.element)
                    group.addTask {
                        for id in mine {
                            try await store.database.writeTransaction { database in
                                let lead = try await LeadModel.find(id, on: database)!
                                try await LeadHandoff.qualify(lead, at: now, on: database)
                                try await lead.save(on: database)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // check
            let owners = try await LeadModel.query(on: database).all().map { $0.$owner.id }
            #expect(owners.filter { $0 == ana.id }.count == 80)
            #expect(owners.filter { $0 == ben.id }.count == 40)
            let position = try #require(try await RoutingPositionModel.find(team.id, on: database))
            #expect(position.assigned == 120)
            let due = try #require(try await LeadModel.query(on: database).first()?.slaDueAt)
            // the defaults without settings; a time read back from SQLite's REAL seconds may differ in the last bits
            #expect(abs(due.timeIntervalSince(BusinessCalendar.officeHours(.gmt).add(4 * 3_600, to: now))) < 0.001)
        } catch {
            for store in stores { await store.close() }
            try? await isolated.destroy()
            throw error
        }
        for store in stores { await store.close() }
        try await isolated.destroy()
    }

    @Test("on PostgreSQL a team's position is locked while a lead is routed: a second instance waits for it")
    func positionIsLocked() async throws {
        guard IsolatedDatabase.postgresURL != nil else { return }  // SQLite has one writer at a time by construction
        let isolated = try await IsolatedDatabase.make()
        let first = try await Store.open(isolated.location)
        let second = try await Store.open(isolated.location)
        do {
            try await first.migrate()
            let team = TeamModel(name: "Sales", side: "sales")
            try await team.create(on: first.database)
            let teamID = try team.requireID()
            // the position exists already (a first lead was routed), so only the row lock can make others wait
            try await first.database.writeTransaction { _ = try await LeadHandoff.lockPosition(of: teamID, on: $0) }
            try await first.database.writeTransaction { database in
                _ = try await LeadHandoff.lockPosition(of: teamID, on: database)
                // act: the other instance tries to take the same position while this transaction holds it
                let waited: Bool
                do {
                    try await second.database.transaction { other in
                        try await (other as! any SQLDatabase).raw("SET LOCAL lock_timeout = '300ms'").run()
                        _ = try await LeadHandoff.lockPosition(of: teamID, on: other)
                    }
                    waited = false
                } catch {
                    waited = "\(String(reflecting: error))".contains("lock")
                }
                // check
                #expect(waited, "the second instance read the position while it was locked")
            }
            // once released, it can
            try await second.database.transaction { _ = try await LeadHandoff.lockPosition(of: teamID, on: $0) }
        } catch {
            await first.close()
            await second.close()
            try? await isolated.destroy()
            throw error
        }
        await first.close()
        await second.close()
        try await isolated.destroy()
    }
}
