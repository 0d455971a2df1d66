import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// A small handoff setup made through the API: a calendar, a policy, a sales team using both, a rule, a target.
enum HandoffFixture {
    static let berlinHours = #"{"monday": ["09:00-17:00"], "tuesday": ["09:00-17:00"], "wednesday": ["09:00-17:00"], "thursday": ["09:00-17:00"], "friday": ["09:00-17:00"]}"#

    /// Ids of one record per settings page kind, by the page's slug.
    static func settingIDs(_ app: Application) async throws -> [String: String] {
        let calendar = try await app.create("/api/v1/calendars", #"{"name": "Berlin", "timeZone": "Europe/Berlin", "hours": \#(berlinHours), "holidays": [{"date": "2026-12-25", "name": "Christmas"}]}"#)
        let policy = try await app.create("/api/v1/sla-policies", #"{"name": "Fast", "responseHours": {"A": 1, "B": 4, "C": 8, "D": 24}, "shelfLifeDays": 14}"#)
        let team = try await app.create("/api/v1/teams", #"{"name": "Sales DACH", "side": "sales", "calendarId": "\#(calendar)", "slaPolicyId": "\#(policy)"}"#)
        let rule = try await app.create("/api/v1/routing-rules", #"{"name": "DACH", "teamId": "\#(team)", "countries": ["de", "AT"]}"#)
        let target = try await app.create("/api/v1/mql-targets", #"{"teamId": "\#(team)", "month": "2026-11", "mqlVolume": 40, "acceptanceRate": 0.7}"#)
        let rep = try await app.makeUser(role: .rep, team: "Sales DACH")
        let form = try await app.create("/api/v1/web-forms", #"{"name": "Contact us"}"#)
        return ["calendars": calendar, "sla-policies": policy, "teams": team, "routing-rules": rule, "mql-targets": target,
                "members": rep.id.uuidString, "forms": form]
    }
}

/// Routing, the SLA clock and speed to lead through the API, and the settings that drive them.
@Suite struct HandoffAPITests {
    /// Leads in the DACH territory for new persons at an unowned account in `country`.
    static func newLead(_ app: Application, country: String = "DE", owner: UUID? = nil, priority: String = "A")
        async throws -> String {
        let domain = "c\(UUID().uuidString.prefix(8).lowercased()).de"
        let ownerField = owner.map { #", "ownerId": "\#($0)""# } ?? ""
        _ = try await app.create("/api/v1/accounts", #"{"name": "Firm \#(domain)", "domain": "\#(domain)", "country": "\#(country)"\#(ownerField)}"#)
        let person = try await app.create("/api/v1/persons", #"{"email": "x@\#(domain)"}"#)
        return try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "priority": "\#(priority)"}"#)
    }

    static func qualify(_ app: Application, _ lead: String) async throws -> APIResponse {
        let response = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
        #expect(response.status == .ok, "\(response.json)")
        return response
    }

    @Test("qualifying routes at once: account owner first, with the reason and a due time on the team calendar")
    func accountOwnerAndDueTime() async throws {
        try await withAccordApp { app in
            // setup
            let ids = try await HandoffFixture.settingIDs(app)
            let ana = try await app.makeUser(role: .rep, team: "Sales DACH")
            try await UserModel.query(on: app.db).filter(\.$id == ana.id).set(\.$name, to: "Ana Keller").update()
            let lead = try await Self.newLead(app, owner: ana.id)
            // act
            let before = Date()
            let qualified = try await Self.qualify(app, lead)
            // check
            #expect(qualified.string("ownerId") == ana.id.uuidString)
            #expect(qualified.string("routingMethod") == "account_owner")
            #expect(qualified.string("routingReason")?.hasPrefix("routed to Ana Keller: owner of the account Firm ") == true)
            #expect(qualified.string("teamId") == ids["teams"])
            let qualifiedAt = try #require(qualified.string("qualifiedAt").flatMap(ISOTimestamp.parse))
            let due = try #require(qualified.string("slaDueAt").flatMap(ISOTimestamp.parse))
            let berlin = BusinessCalendar.officeHours(TimeZone(identifier: "Europe/Berlin")!,
                                                      holidays: [Holiday(date: "2026-12-25")])
            #expect(abs(due.timeIntervalSince(berlin.add(3_600, to: qualifiedAt))) < 0.01)
            #expect(qualifiedAt >= before.addingTimeInterval(-1))
            let expires = try #require(qualified.string("expiresAt").flatMap(ISOTimestamp.parse))
            #expect(abs(expires.timeIntervalSince(qualifiedAt) - 14 * 86_400) < 0.01)

            // the owner accepts: the clock stops and speed to lead is recorded
            let accepted = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "accept"}"#, token: ana.token)
            #expect(accepted.status == .ok, "\(accepted.json)")
            #expect(accepted.string("firstActionAt") != nil)
            #expect(accepted["speedToLeadSeconds"] != nil && accepted["speedToLeadSeconds"] != .null)
            #expect(accepted["speedToLeadBusinessSeconds"] != nil && accepted["speedToLeadBusinessSeconds"] != .null)
            #expect(accepted["slaMet"] == .bool(true))
        }
    }

    @Test("weighted round robin through the API: a 2:1 split, skipping an away owner and a rep at capacity; the position is stored")
    func roundRobin() async throws {
        try await withAccordApp { app in
            // setup: Ana weight 2, Ben weight 1, Clara away (and owner of one account)
            let ids = try await HandoffFixture.settingIDs(app)
            let member = try #require(UUID(uuidString: ids["members"]!))
            try await UserModel.query(on: app.db).filter(\.$id == member).set(\.$isAway, to: true).update()
            let ana = try await app.makeUser(role: .rep, team: "Sales DACH")
            let ben = try await app.makeUser(role: .rep, team: "Sales DACH")
            let admin = try await app.makeUser(role: .admin, scopes: [.admin]).token
            let weight = try await app.send(.PATCH, "/api/v1/users/\(ana.id)", #"{"routingWeight": 2}"#, token: admin)
            #expect(weight.status == .ok, "\(weight.json)")
            #expect(weight["routingWeight"] == .integer(2))
            // act
            var owners: [String] = []
            for _ in 0..<6 {
                owners.append(try await Self.qualify(app, try await Self.newLead(app)).string("ownerId") ?? "none")
            }
            // check
            #expect(owners.filter { $0 == ana.id.uuidString }.count == 4)
            #expect(owners.filter { $0 == ben.id.uuidString }.count == 2)
            let position = try #require(try await RoutingPositionModel.find(UUID(uuidString: ids["teams"]!), on: app.db))
            #expect(position.assigned == 6)

            // an away account owner is skipped, and the explanation says so
            let awayOwned = try await Self.qualify(app, try await Self.newLead(app, owner: member))
            #expect(awayOwned.string("routingMethod") == "round_robin")
            #expect(awayOwned.string("routingReason")?.contains(", is away; routed to ") == true)

            // at capacity: Ana has 5 waiting leads now at most; a capacity of 1 takes her out
            _ = try await app.send(.PATCH, "/api/v1/users/\(ana.id)", #"{"capacity": 1}"#, token: admin)
            for _ in 0..<3 {
                let owner = try await Self.qualify(app, try await Self.newLead(app)).string("ownerId")
                #expect(owner == ben.id.uuidString)
            }
            // nobody left: the team's manager gets it; with no rule matching, the lead waits unassigned
            _ = try await app.send(.PATCH, "/api/v1/users/\(ben.id)", #"{"isAway": true}"#, token: admin)
            let manager = try await app.makeUser(role: .salesManager, team: "Sales DACH")
            let toManager = try await Self.qualify(app, try await Self.newLead(app))
            #expect(toManager.string("ownerId") == manager.id.uuidString)
            #expect(toManager.string("routingMethod") == "team_manager")
            let nowhere = try await Self.qualify(app, try await Self.newLead(app, country: "JP"))
            #expect(nowhere["ownerId"] == nil || nowhere["ownerId"] == .null)
            #expect(nowhere.string("routingMethod") == "unassigned")
            #expect(nowhere.string("routingReason")?.hasPrefix("no territory rule matches (country JP)") == true)

            // the manager sees the unassigned lead of their team only if it was routed to the team; this one was
            // not: an admin routes it again after adding a catch-all rule
            let team = ids["teams"]!
            _ = try await app.create("/api/v1/routing-rules", #"{"name": "Rest", "teamId": "\#(team)", "position": 999}"#)
            _ = try await app.send(.PATCH, "/api/v1/users/\(ben.id)", #"{"isAway": false}"#, token: admin)
            let leadID = try #require(nowhere.string("id"))
            let refused = try await app.send(.POST, "/api/v1/leads/\(leadID)/route", token: ben.token)
            #expect(refused.status == .forbidden)
            let rerouted = try await app.send(.POST, "/api/v1/leads/\(leadID)/route")
            #expect(rerouted.status == .ok, "\(rerouted.json)")
            #expect(rerouted.string("ownerId") == ben.id.uuidString)
        }
    }

    @Test("a logged call stops the clock, from the lead's activities or from a sales touchpoint; others' leads are out of reach")
    func activitiesStopTheClock() async throws {
        try await withAccordApp { app in
            // setup
            _ = try await HandoffFixture.settingIDs(app)
            let ana = try await app.makeUser(role: .rep, team: "Sales DACH")
            let other = try await app.makeUser(role: .rep, team: "Sales DACH")
            let marketer = try await app.makeUser(role: .marketer)
            let first = try await Self.newLead(app, owner: ana.id)
            let second = try await Self.newLead(app, owner: ana.id)
            _ = try await Self.qualify(app, first)
            let qualifiedSecond = try await Self.qualify(app, second)
            // act + check: bad input names the field and changes nothing
            let bad = try await app.send(.POST, "/api/v1/leads/\(first)/activities", #"{"kind": "downloaded", "colour": 1}"#,
                                         token: ana.token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["kind", "colour"])
            #expect(try await app.send(.POST, "/api/v1/leads/\(first)/activities", #"{"kind": "call"}"#,
                                       token: other.token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/leads/\(first)/activities", #"{"kind": "call"}"#,
                                       token: marketer.token).status == .forbidden)
            let unchanged = try await app.send(.GET, "/api/v1/leads/\(first)")
            #expect(unchanged["firstActionAt"] == nil || unchanged["firstActionAt"] == .null)

            let logged = try await app.send(.POST, "/api/v1/leads/\(first)/activities", #"{"kind": "call", "note": "left a voicemail"}"#,
                                            token: ana.token)
            #expect(logged.status == .created, "\(logged.json)")
            #expect(logged.string("firstActionAt") != nil)
            #expect(logged["slaMet"] == .bool(true))
            #expect(logged.string("stage") == "mql")  // a call is an action, not an acceptance
            let calls = try await TouchpointModel.query(on: app.db).filter(\.$side == "sales").filter(\.$kind == "call").count()
            #expect(calls == 1)

            // a sales email sent through the touchpoint API stops the other lead's clock too
            let person = try #require(qualifiedSecond.string("personId"))
            let now = ISOTimestamp.format(Date())
            _ = try await app.create("/api/v1/touchpoints", #"{"personId": "\#(person)", "kind": "email", "side": "sales", "occurredAt": "\#(now)"}"#)
            let stopped = try await app.send(.GET, "/api/v1/leads/\(second)")
            #expect(stopped.string("firstActionAt") != nil)
            #expect(stopped["speedToLeadBusinessSeconds"] != nil && stopped["speedToLeadBusinessSeconds"] != .null)
            // the audit trail has the activity with its note
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "log:call").first()
            #expect(audit?.reason == "left a voicemail")
        }
    }

    @Test("settings are validated like any input, admin-only to change, audited, and a calendar in use cannot be deleted")
    func settings() async throws {
        try await withAccordApp { app in
            // setup
            let ids = try await HandoffFixture.settingIDs(app)
            let rep = try await app.makeUser(role: .rep, team: "Sales DACH")
            // check: bad calendars list every problem and store nothing
            let before = try await app.count("/api/v1/calendars")
            let bad = try await app.send(.POST, "/api/v1/calendars",
                                         #"{"name": "", "timeZone": "Mars/Olympus", "hours": {"monday": ["17:00-09:00"], "noday": []}, "holidays": ["2026-13-01"]}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["name", "timeZone", "hours.monday[0]", "hours.noday", "holidays[0]"])
            #expect(try await app.count("/api/v1/calendars") == before)
            let badRule = try await app.send(.POST, "/api/v1/routing-rules",
                                             #"{"name": "x", "teamId": "\#(UUID())", "minEmployees": 10, "maxEmployees": 5}"#)
            #expect(badRule.status == .unprocessableEntity)
            #expect(Set(badRule.problemFields) == ["teamId", "maxEmployees"])
            let badPolicy = try await app.send(.PATCH, "/api/v1/sla-policies/\(ids["sla-policies"]!)",
                                               #"{"responseHours": {"A": 0, "B": "fast"}}"#)
            #expect(Set(badPolicy.problemFields) == ["responseHours.A", "responseHours.B", "responseHours.C", "responseHours.D"])
            let duplicate = try await app.send(.POST, "/api/v1/mql-targets",
                                               #"{"teamId": "\#(ids["teams"]!)", "month": "2026-11", "mqlVolume": 1, "acceptanceRate": 0.5}"#)
            #expect(duplicate.status == .conflict)
            // only admins change settings; everyone reads them
            #expect(try await app.send(.GET, "/api/v1/routing-rules", token: rep.token).status == .ok)
            let refused = try await app.send(.PATCH, "/api/v1/routing-rules/\(ids["routing-rules"]!)", #"{"isActive": false}"#,
                                             token: rep.token)
            #expect(refused.status == .forbidden)
            // one default at a time
            let other = try await app.create("/api/v1/calendars", #"{"name": "London", "timeZone": "Europe/London", "hours": \#(HandoffFixture.berlinHours), "isDefault": true}"#)
            _ = try await app.send(.PATCH, "/api/v1/calendars/\(ids["calendars"]!)", #"{"isDefault": true}"#)
            #expect(try await app.send(.GET, "/api/v1/calendars/\(other)")["isDefault"] == .bool(false))
            // in use: refused with a conflict that names the team; a rule can go
            let inUse = try await app.send(.DELETE, "/api/v1/calendars/\(ids["calendars"]!)")
            #expect(inUse.status == .conflict)
            let deleted = try await app.send(.DELETE, "/api/v1/routing-rules/\(ids["routing-rules"]!)")
            #expect(deleted.status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/routing-rules/\(ids["routing-rules"]!)").status == .notFound)
            // every change is in the audit trail
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$entityType ~~ ["routing rule", "calendar"]).all()
                .map { "\($0.entityType) \($0.action)" }
            #expect(actions.contains("routing rule delete"))
            #expect(actions.contains("calendar update"))
        }
    }
}
