import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing

/// Escalation steps as jobs: each happens once, late steps after downtime happen once, and a sweep
/// repeats nothing.
@Suite struct SLAEscalationTests {
    /// A team of two reps and a manager on a round-the-clock calendar (business time = wall time), a catch-all
    /// rule, the standard policy (A: 1 h, remind halfway, reassign 4 h after a miss, 14 days of shelf life).
    static func setUp(_ database: any Database) async throws -> (team: UUID, ana: UserModel, ben: UserModel, sofia: UserModel) {
        let week = Array(repeating: [WorkingHours(start: 0, end: 1_440)], count: 7)
        try await BusinessCalendarModel(name: "Always", calendar: BusinessCalendar(timeZone: .gmt, week: week),
                                        isDefault: true).create(on: database)
        try await SLAPolicyModel(name: "Standard", policy: .standard, isDefault: true).create(on: database)
        let team = TeamModel(name: "Sales", side: "sales")
        try await team.create(on: database)
        let sofia = UserModel(email: "sofia@x.example", name: "Sofia", role: "sales_manager", teamID: team.id)
        try await sofia.create(on: database)
        let ana = UserModel(email: "ana@x.example", name: "Ana", role: "rep", teamID: team.id, managerID: sofia.id)
        let ben = UserModel(email: "ben@x.example", name: "Ben", role: "rep", teamID: team.id, managerID: sofia.id)
        try await ana.create(on: database)
        try await ben.create(on: database)
        try await RoutingRuleModel(rule: RoutingRule(id: TimeOrderedID.make(), name: "All", position: 1, teamID: team.id!))
            .create(on: database)
        return (team.id!, ana, ben, sofia)
    }

    /// A lead of Ana's, qualified `hoursAgo` hours ago.
    static func lead(_ database: any Database, owner: UUID, hoursAgo: Double) async throws -> LeadModel {
        let person = PersonModel(email: "p\(UUID().uuidString.prefix(6))@gmail.com", firstName: "Pat", lastName: "Lee")
        try await person.create(on: database)
        let lead = LeadModel(personID: person.id!, ownerID: owner, stage: .mql, stageChangedAt: Date())
        lead.priority = "A"
        try await lead.create(on: database)
        try await database.writeTransaction { database in
            try await LeadHandoff.qualify(lead, at: Date().addingTimeInterval(-hoursAgo * 3_600), on: database)
            try await lead.save(on: database)
        }
        return lead
    }

    static func runner(_ database: any Database) -> JobRunner {
        JobRunner(database: database, handlers: [SLAEscalation.jobKind: { job, database in
            try await SLAEscalation.run(job, on: database)
        }])
    }

    static func inbox(_ user: UserModel, on database: any Database) async throws -> [String] {
        try await NotificationModel.query(on: database).filter(\.$user.$id == user.id!).sort(\.$createdAt).all().map(\.kind)
    }

    @Test("steps missed while nothing ran happen once when work resumes: breach (owner and manager), then reassignment")
    func lateStepsOnce() async throws {
        try await withStore { store in
            let database = store.database
            let (_, ana, ben, sofia) = try await Self.setUp(database)
            // setup: qualified 10 hours ago, due 9 hours ago, reassignment due 5 hours ago
            let lead = try await Self.lead(database, owner: ana.id!, hoursAgo: 10)
            #expect(try await JobModel.query(on: database).count() == 4)
            // act
            let ran = try await Self.runner(database).drain(kinds: [SLAEscalation.jobKind])
            // check
            #expect(ran == 3)  // remind (skipped: too late to remind), breach, reassign; expiry is 14 days away
            let after = try #require(try await LeadModel.find(lead.id!, on: database))
            #expect(after.$owner.id == ben.id)
            #expect(after.routingReason?.hasPrefix("Ana, owner of") == false)
            #expect(after.routingReason?.contains("Ana did not act on it in time") == true
                    || after.routingReason?.contains("routed to Ben") == true)
            #expect(after.slaReassignedAt != nil && after.slaBreachedAt == nil && after.slaRemindedAt == nil)
            #expect(abs(after.slaDueAt!.timeIntervalSinceNow - 3_600) < 60, "a fresh hour for Ben")
            // (when the reassignment ran first it told the breach itself, in the same instant: compare as a sorted list)
            #expect(try await Self.inbox(ana, on: database).sorted() == ["lead.reassigned", "lead.sla_breached"])
            #expect(try await Self.inbox(sofia, on: database) == ["lead.sla_breached"])
            #expect(try await Self.inbox(ben, on: database) == ["lead.assigned"])
            // one audit event per step that acted (the breach is inside the reassignment when that ran first)
            let audit = try await AuditEventModel.query(on: database).filter(\.$entityID == lead.id!).all().map(\.action)
            #expect(audit.filter { $0 == "sla:reassign" }.count == 1)
            #expect(audit.filter { $0 == "sla:breach" }.count <= 1)

            // a second pass and a sweep repeat nothing; Ben's new steps wait for their time
            #expect(try await Self.runner(database).drain(kinds: [SLAEscalation.jobKind]) == 0)
            #expect(try await SLAEscalation.scheduleWaiting(on: database) == 1)
            _ = try await Self.runner(database).drain(kinds: [SLAEscalation.jobKind])
            // the breach emails wait for the mail worker: owner and manager want them
            let mail = try await JobModel.query(on: database).filter(\.$kind == Mailbox.jobKind).all()
            let recipients = Set(mail.compactMap { StoredJSON.decode(Mailbox.Message.self, $0.payload)?.to })
            #expect(recipients == ["ana@x.example", "sofia@x.example"])
            #expect(try await NotificationModel.query(on: database).count() == 4)
            let pending = try await JobModel.query(on: database).filter(\.$state == "available")
                .filter(\.$kind == SLAEscalation.jobKind).all()
            #expect(Set(pending.compactMap { $0.uniqueKey?.split(separator: ":")[2] }) == ["remind", "breach", "expire"])
        }
    }

    @Test("an acted-on lead escalates no further; an untouched one is recycled at the end of its shelf life")
    func actionAndExpiry() async throws {
        try await withStore { store in
            let database = store.database
            let (_, ana, _, _) = try await Self.setUp(database)
            let answered = try await Self.lead(database, owner: ana.id!, hoursAgo: 10)
            try await database.writeTransaction { database in
                try await LeadHandoff.recordFirstAction(answered, at: Date().addingTimeInterval(-9.5 * 3_600), on: database)
                try await answered.save(on: database)
            }
            let forgotten = try await Self.lead(database, owner: ana.id!, hoursAgo: 15 * 24)
            // act
            _ = try await Self.runner(database).drain(kinds: [SLAEscalation.jobKind])
            // check
            let untouched = try #require(try await LeadModel.find(answered.id!, on: database))
            #expect(untouched.$owner.id == ana.id && untouched.slaBreachedAt == nil)
            let recycled = try #require(try await LeadModel.find(forgotten.id!, on: database))
            #expect(recycled.stage == "recycled")
            #expect(recycled.recycleReason == "expired")
            // it had also been missed and reassigned on the way; whoever held it last hears it was recycled
            let holder = try #require(try await UserModel.find(recycled.$owner.id, on: database))
            #expect(try await Self.inbox(holder, on: database).contains("lead.recycled"))
            let steps = try await AuditEventModel.query(on: database).filter(\.$entityID == forgotten.id!).all().map(\.action)
            #expect(steps.filter { $0 == "sla:expire" }.count == 1)
        }
    }
}
