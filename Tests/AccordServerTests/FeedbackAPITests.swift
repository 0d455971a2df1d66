import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The feedback loop through the API: reasons from the configured lists, objections, disputes decided by the rep's
/// manager, the lead's story, lead-quality analytics and the stale-data report, each refused outside its role.
@Suite struct FeedbackAPITests {
    struct Cast {
        var ana: (id: UUID, token: String)
        var ben: (id: UUID, token: String)
        var sofia: (id: UUID, token: String)
        var marketer: (id: UUID, token: String)
        var lead: String
    }

    /// A DACH team with reps Ana and Ben under Sofia, a marketer, and one MQL of Ana's.
    static func cast(_ app: Application) async throws -> Cast {
        _ = try await HandoffFixture.settingIDs(app)
        let sofia = try await app.makeUser(role: .salesManager, team: "Sales DACH")
        let ana = try await app.makeUser(role: .rep, team: "Sales DACH")
        let ben = try await app.makeUser(role: .rep, team: "Sales DACH")
        try await UserModel.query(on: app.db).filter(\.$id ~~ [ana.id, ben.id]).set(\.$manager.$id, to: sofia.id).update()
        try await UserModel.query(on: app.db).filter(\.$id == ana.id).set(\.$name, to: "Ana").update()
        let marketer = try await app.makeUser(role: .marketer)
        let lead = try await HandoffAPITests.newLead(app, owner: ana.id)
        _ = try await HandoffAPITests.qualify(app, lead)
        return Cast(ana: ana, ben: ben, sofia: sofia, marketer: marketer, lead: lead)
    }

    static func move(_ app: Application, _ lead: String, _ body: String, _ token: String) async throws -> APIResponse {
        try await app.send(.POST, "/api/v1/leads/\(lead)/moves", body, token: token)
    }

    @Test("a rejection needs a configured reason (and a note for other); the reason list is the admins' to change")
    func rejectionReasons() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            // unknown reason, missing note: 422 naming the field, nothing changes
            let unknown = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "astrology"}"#, cast.ana.token)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.problemFields == ["reason"])
            let noNote = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "other"}"#, cast.ana.token)
            #expect(noNote.problemFields == ["note"])
            #expect(try await LeadModel.find(UUID(uuidString: cast.lead)!, on: app.db)?.stage == "mql")
            // admins add a reason and retire one; reps may not
            let byRep = try await app.send(.POST, "/api/v1/feedback-codes",
                                           #"{"kind": "rejection", "code": "wrong_region", "label": "Wrong region"}"#,
                                           token: cast.ana.token)
            #expect(byRep.status == .forbidden)
            let badCode = try await app.send(.POST, "/api/v1/feedback-codes", #"{"kind": "rejection", "code": "Wrong Region!", "label": "x"}"#)
            #expect(badCode.problemFields == ["code"])
            _ = try await app.create("/api/v1/feedback-codes", #"{"kind": "rejection", "code": "wrong_region", "label": "Wrong region"}"#)
            let duplicate = try await app.send(.POST, "/api/v1/feedback-codes", #"{"kind": "rejection", "code": "wrong_region", "label": "Again"}"#)
            #expect(duplicate.status == .conflict)
            let noBudget = try #require(try await FeedbackCodeModel.query(on: app.db).filter(\.$code == "no_budget").first())
            let retired = try await app.send(.PATCH, "/api/v1/feedback-codes/\(noBudget.id!)", #"{"isActive": false}"#)
            #expect(retired.status == .ok, "\(retired.json)")
            let kindChange = try await app.send(.PATCH, "/api/v1/feedback-codes/\(noBudget.id!)", #"{"kind": "objection"}"#)
            #expect(kindChange.problemFields == ["kind"])
            let retiredUse = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "no_budget"}"#, cast.ana.token)
            #expect(retiredUse.problemFields == ["reason"])
            // the new reason works
            let rejected = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "wrong_region"}"#, cast.ana.token)
            #expect(rejected.status == .ok, "\(rejected.json)")
            #expect(rejected.string("rejectionReason") == "wrong_region")
        }
    }

    @Test("objections on own leads only; a wrong-data rejection flags the person for the stale-data report")
    func objectionsAndWrongData() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let path = "/api/v1/leads/\(cast.lead)/objections"
            // Ben cannot see Ana's lead at all; a marketer may see it but not record objections
            #expect(try await app.send(.POST, path, #"{"code": "price_too_high"}"#, token: cast.ben.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/leads/\(cast.lead)/story", token: cast.ben.token).status == .notFound)
            #expect(try await app.send(.POST, path, #"{"code": "price_too_high"}"#, token: cast.marketer.token).status == .forbidden)
            let bad = try await app.send(.POST, path, #"{"code": "too_blue", "extra": 1}"#, token: cast.ana.token)
            #expect(Set(bad.problemFields) == ["code", "extra"])
            let noNote = try await app.send(.POST, path, #"{"code": "other"}"#, token: cast.ana.token)
            #expect(noNote.problemFields == ["note"])
            #expect(try await LeadObjectionModel.query(on: app.db).count() == 0)
            let heard = try await app.send(.POST, path, #"{"code": "price_too_high", "note": "wants 20% off"}"#, token: cast.ana.token)
            #expect(heard.status == .created)
            #expect(heard.string("label") == "Price too high")
            #expect(try await app.send(.GET, path, token: cast.ana.token).items.count == 1)
            // reject for wrong data: the person is flagged and listed by source
            let rejected = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "contact_data_wrong", "note": "number is a fax"}"#,
                                               cast.ana.token)
            #expect(rejected.status == .ok)
            let lead = try #require(try await LeadModel.find(UUID(uuidString: cast.lead)!, on: app.db))
            let person = try #require(try await PersonModel.find(lead.$person.id, on: app.db))
            #expect(person.dataFlaggedAt != nil && person.dataFlagReason == "number is a fax")
            #expect(lead.decidedAt != nil)
            let stale = try await app.send(.GET, "/api/v1/analytics/stale-persons?olderThanDays=30", token: cast.marketer.token)
            #expect(stale.status == .ok)
            #expect(stale["totalFlagged"] == .integer(1))
            #expect(stale.items.first.flatMap { if case let .object(row) = $0 { row["email"] } else { nil } } == .string(person.email))
            #expect(try await app.send(.GET, "/api/v1/analytics/stale-persons", token: cast.ana.token).status == .forbidden)
            let zero = try await app.send(.GET, "/api/v1/analytics/stale-persons?olderThanDays=0", token: cast.marketer.token)
            #expect(zero.problemFields == ["olderThanDays"])
            // the person answers with its source and flag; fixing the person clears the flag
            let shown = try await app.send(.GET, "/api/v1/persons/\(person.id!)", token: cast.marketer.token)
            #expect(shown.string("source") == "api" && shown.string("dataFlagReason") == "number is a fax")
            let fixed = try await app.send(.PATCH, "/api/v1/persons/\(person.id!)", #"{"title": "Head of IT"}"#, token: cast.marketer.token)
            #expect(fixed.status == .ok, "\(fixed.json)")
            #expect(fixed["dataFlaggedAt"] == nil || fixed["dataFlaggedAt"] == .null)
            let after = try await app.send(.GET, "/api/v1/analytics/stale-persons?olderThanDays=30", token: cast.marketer.token)
            #expect(after["totalFlagged"] == .integer(0))
            // persons that arrive with touchpoints say so
            _ = try await app.send(.POST, "/api/v1/touchpoints", #"{"email": "new@fresh.example", "kind": "visited", "side": "marketing", "channel": "website", "occurredAt": "2026-01-05T10:00:00Z"}"#)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "new@fresh.example").first()?.source == "touchpoints")
        }
    }

    @Test("marketing disputes a rejection; only the rep's manager decides, once; overturning puts it back in the rep's queue")
    func disputes() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let disputePath = "/api/v1/leads/\(cast.lead)/disputes"
            // not rejected yet: nothing to dispute
            let early = try await app.send(.POST, disputePath, #"{"reason": "they are a perfect fit"}"#, token: cast.marketer.token)
            #expect(early.status == .conflict && early.errorCode == "invalid_transition")
            _ = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "not_target_profile"}"#, cast.ana.token)
            // sales cannot dispute; a reason is required
            #expect(try await app.send(.POST, disputePath, #"{"reason": "mine"}"#, token: cast.ana.token).status == .forbidden)
            #expect(try await app.send(.POST, disputePath, #"{}"#, token: cast.marketer.token).problemFields == ["reason"])
            let opened = try await app.send(.POST, disputePath, #"{"reason": "500 employees in Munich: our profile"}"#,
                                            token: cast.marketer.token)
            #expect(opened.status == .created, "\(opened.json)")
            #expect(opened.string("state") == "open")
            #expect(opened.string("managerId") == cast.sofia.id.uuidString)
            let due = try #require(opened.string("dueAt").flatMap(ISOTimestamp.parse))
            #expect(due > Date())
            #expect(try await app.send(.POST, disputePath, #"{"reason": "again"}"#, token: cast.marketer.token).status == .conflict)
            // the manager was told, and two escalation steps wait
            let sofiaInbox = try await NotificationModel.query(on: app.db).filter(\.$user.$id == cast.sofia.id).all().map(\.kind)
            #expect(sofiaInbox.contains("dispute.opened"))
            #expect(try await JobModel.query(on: app.db).filter(\.$kind == Disputes.jobKind).count() == 2)
            // the rep may not decide; the manager must say why
            let id = try #require(opened.string("id"))
            let decisionPath = "/api/v1/disputes/\(id)/decision"
            #expect(try await app.send(.POST, decisionPath, #"{"decision": "uphold", "reason": "no"}"#, token: cast.ana.token).status == .forbidden)
            let noReason = try await app.send(.POST, decisionPath, #"{"decision": "overturn"}"#, token: cast.sofia.token)
            #expect(noReason.problemFields == ["reason"])
            let badDecision = try await app.send(.POST, decisionPath, #"{"decision": "maybe", "reason": "hmm"}"#, token: cast.sofia.token)
            #expect(badDecision.problemFields == ["decision"])
            let overturned = try await app.send(.POST, decisionPath, #"{"decision": "overturn", "reason": "Munich is our core market"}"#,
                                                token: cast.sofia.token)
            #expect(overturned.status == .ok, "\(overturned.json)")
            #expect(overturned.string("state") == "overturned")
            let again = try await app.send(.POST, decisionPath, #"{"decision": "uphold", "reason": "changed my mind"}"#, token: cast.sofia.token)
            #expect(again.status == .conflict)
            // back in Ana's queue as an MQL with a fresh clock
            let lead = try #require(try await LeadModel.find(UUID(uuidString: cast.lead)!, on: app.db))
            #expect(lead.stage == "mql" && lead.$owner.id == cast.ana.id)
            #expect(lead.rejectionReason == nil && lead.decidedAt == nil && lead.firstActionAt == nil)
            #expect(try #require(lead.slaDueAt) > Date())
            let anaInbox = try await NotificationModel.query(on: app.db).filter(\.$user.$id == cast.ana.id).all().map(\.kind)
            #expect(anaInbox.contains("dispute.decided"))
            let open = try await app.send(.GET, "/api/v1/disputes?state=open", token: cast.sofia.token)
            #expect(open.items.isEmpty)
            #expect(try await app.send(.GET, "/api/v1/disputes?state=overturned&limit=1", token: cast.sofia.token).items.count == 1)
            #expect(try await app.send(.GET, "/api/v1/disputes?state=overturned", token: cast.ben.token).items.isEmpty,
                    "Ben does not see disputes of Ana's leads")
            #expect(try await app.send(.GET, "/api/v1/disputes?state=pending", token: cast.sofia.token).problemFields == ["state"])
            // the story tells it all, in order
            let story = try await app.send(.GET, "/api/v1/leads/\(cast.lead)/story", token: cast.ana.token)
            #expect(story.status == .ok)
            let kinds = story.items.compactMap { item -> String? in
                if case let .object(fields) = item, case let .string(kind)? = fields["kind"] { kind } else { nil }
            }
            let titles = story.items.compactMap { item -> String? in
                if case let .object(fields) = item, case let .string(title)? = fields["title"] { title } else { nil }
            }
            for kind in ["routing", "feedback", "dispute", "notification"] { #expect(kinds.contains(kind), "\(kind) in \(kinds)") }
            #expect(titles.contains("Rejection disputed by marketing"))
            #expect(titles.contains("Dispute decided: rejection overturned"))
            let times = story.items.compactMap { item -> Date? in
                if case let .object(fields) = item, case let .string(at)? = fields["at"] { ISOTimestamp.parse(at) } else { nil }
            }
            #expect(times == times.sorted())
        }
    }

    @Test("an overdue dispute reminds the manager, then tells the manager, the marketer and the admins, once each")
    func disputeEscalation() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            _ = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "no_need"}"#, cast.ana.token)
            _ = try await app.create("/api/v1/leads/\(cast.lead)/disputes", #"{"reason": "they asked for a demo"}"#)
            // act: both steps fall due (the job's due time has passed) and run, twice over
            try await JobModel.query(on: app.db).filter(\.$kind == Disputes.jobKind).set(\.$runAt, to: Date().addingTimeInterval(-1)).update()
            let runner = JobRunner(database: app.db, handlers: [Disputes.jobKind: { job, database in
                try await Disputes.run(job, now: Date().addingTimeInterval(30 * 86_400), on: database)
            }])
            #expect(try await runner.drain(kinds: [Disputes.jobKind]) == 2)
            #expect(try await runner.drain(kinds: [Disputes.jobKind]) == 0)
            // check
            let kinds = try await NotificationModel.query(on: app.db).filter(\.$kind ~~ ["dispute.reminder", "dispute.overdue"]).all()
            #expect(kinds.filter { $0.kind == "dispute.reminder" }.map(\.$user.id) == [cast.sofia.id])
            let overdue = Set(kinds.filter { $0.kind == "dispute.overdue" }.map(\.$user.id))
            #expect(overdue.contains(cast.sofia.id))
            #expect(overdue.count >= 2, "the manager and the admin who disputed (the default token's user)")
            let dispute = try #require(try await DisputeModel.query(on: app.db).first())
            #expect(dispute.remindedAt != nil && dispute.overdueAt != nil && dispute.state == "open")
        }
    }

    @Test("convert creates the opportunity at the lead's account, or links one; not both")
    func convertCreatesOpportunity() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            _ = try await Self.move(app, cast.lead, #"{"move": "accept"}"#, cast.ana.token)
            _ = try await Self.move(app, cast.lead, #"{"move": "qualify_for_sales"}"#, cast.ana.token)
            let both = try await Self.move(app, cast.lead, #"{"move": "convert", "opportunityId": "\#(UUID())", "opportunity": {"name": "x", "amount": {"amountMinor": 1, "currency": "EUR"}}}"#, cast.ana.token)
            #expect(both.problemFields == ["opportunity"])
            let badAmount = try await Self.move(app, cast.lead, #"{"move": "convert", "opportunity": {"name": "Deal", "amount": {"amountMinor": 5}}}"#, cast.ana.token)
            #expect(badAmount.problemFields == ["opportunity.amount.currency"])
            let converted = try await Self.move(app, cast.lead, #"{"move": "convert", "opportunity": {"name": "Firm deal", "amount": {"amountMinor": 1250000, "currency": "EUR"}}}"#, cast.ana.token)
            #expect(converted.status == .ok, "\(converted.json)")
            #expect(converted.string("stage") == "opportunity")
            let opportunity = try #require(try await OpportunityModel.find(UUID(uuidString: converted.string("opportunityId") ?? ""), on: app.db))
            #expect(opportunity.name == "Firm deal" && opportunity.amountMinor == 1_250_000 && opportunity.$owner.id == cast.ana.id)
            #expect(try await ContactRoleModel.query(on: app.db).filter(\.$opportunity.$id == opportunity.id!).count() == 1)
        }
    }

    @Test("lead quality: by rep and month for marketing, refused to reps, bad parameters named")
    func qualityAPI() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            _ = try await Self.move(app, cast.lead, #"{"move": "reject", "reason": "bad_timing"}"#, cast.ana.token)
            _ = try await app.send(.POST, "/api/v1/leads/\(cast.lead)/objections", #"{"code": "no_time_now"}"#, token: cast.ana.token)
            let second = try await HandoffAPITests.newLead(app, owner: cast.ana.id)
            _ = try await HandoffAPITests.qualify(app, second)
            _ = try await Self.move(app, second, #"{"move": "accept"}"#, cast.ana.token)
            // check
            #expect(try await app.send(.GET, "/api/v1/analytics/lead-quality", token: cast.ana.token).status == .forbidden)
            let byRep = try await app.send(.GET, "/api/v1/analytics/lead-quality?by=rep", token: cast.marketer.token)
            #expect(byRep.status == .ok, "\(byRep.json)")
            guard case let .object(counts)? = byRep["total"] else { Issue.record("no total in \(byRep.json)"); return }
            guard case let .array(groups)? = byRep["groups"], case let .object(first)? = groups.first,
                  case let .object(firstCounts)? = first["counts"] else { Issue.record("no groups"); return }
            #expect(first["label"] == .string("Ana"))
            #expect(firstCounts["leads"] == .integer(2) && firstCounts["accepted"] == .integer(1) && firstCounts["rejected"] == .integer(1))
            #expect(firstCounts["acceptanceRate"] == .number(0.5))
            #expect(firstCounts["feedbackCompleteness"] == .number(1) || firstCounts["feedbackCompleteness"] == .integer(1))
            #expect(counts["reasons"] == .object(["bad_timing": .integer(1)]))
            #expect(counts["objections"] == .object(["no_time_now": .integer(1)]))
            let today = String(ISOTimestamp.format(Date()).prefix(10))
            let throughToday = try await app.send(.GET, "/api/v1/analytics/lead-quality?by=team&from=\(today)&to=\(today)",
                                                  token: cast.marketer.token)
            guard case let .object(todayTotal)? = throughToday["total"] else { Issue.record("no total"); return }
            #expect(todayTotal["leads"] == .integer(2), "a date for to includes that whole day")
            let byMonth = try await app.send(.GET, "/api/v1/analytics/lead-quality?by=month", token: cast.marketer.token)
            guard case let .array(months)? = byMonth["groups"], case let .object(month)? = months.first else { Issue.record("no months"); return }
            #expect(month["key"] == .string(String(ISOTimestamp.format(Date()).prefix(7))))
            let bad = try await app.send(.GET, "/api/v1/analytics/lead-quality?by=colour&from=yesterday", token: cast.marketer.token)
            #expect(Set(bad.problemFields) == ["by", "from"])
        }
    }
}
