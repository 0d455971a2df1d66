import AccordCore
import AccordServer
import AccordStore
import FluentKit
import Foundation
import Testing
import Vapor

/// Requests from sales to marketing through the API: who may do what, the answers and their reasons, the paused
/// clock, appeals to both managers, escalation of an overdue request, and bad input that changes nothing.
@Suite struct RequestsAPITests {
    struct Cast {
        var ana: (id: UUID, token: String)
        var ben: (id: UUID, token: String)
        var sofia: (id: UUID, token: String)
        var marketer: (id: UUID, token: String)
        var mia: (id: UUID, token: String)
        var account: String
    }

    static func cast(_ app: Application) async throws -> Cast {
        let sofia = try await app.makeUser(role: .salesManager, team: "Sales UK")
        let ana = try await app.makeUser(role: .rep, team: "Sales UK")
        let ben = try await app.makeUser(role: .rep, team: "Sales North")
        try await UserModel.query(on: app.db).filter(\.$id == ana.id).set(\.$manager.$id, to: sofia.id).update()
        let marketer = try await app.makeUser(role: .marketer)
        let mia = try await app.makeUser(role: .marketingManager)
        let account = try await app.create("/api/v1/accounts", #"{"name": "Globex", "domain": "globex.example"}"#)
        return Cast(ana: ana, ben: ben, sofia: sofia, marketer: marketer, mia: mia, account: account)
    }

    static func body(_ account: String, wantedBy: String = "2099-01-15") -> String {
        """
        {"kind": "event", "title": "Customer dinner for Globex", "details": "Their renewal committee wants to meet our \
        product leads before March", "expectedPipeline": {"amountMinor": 700000000, "currency": "GBP"},
        "accountIds": ["\(account)"], "wantedBy": "\(wantedBy)"}
        """
    }

    static func move(_ app: Application, _ id: String, _ body: String, _ token: String) async throws -> APIResponse {
        try await app.send(.POST, "/api/v1/requests/\(id)/moves", body, token: token)
    }

    static func inbox(_ app: Application, _ user: UUID) async throws -> [String] {
        try await NotificationModel.query(on: app.db).filter(\.$user.$id == user).all().map(\.kind)
    }

    @Test("sales asks, marketing declines with a reason and an alternative, the rep appeals to both managers, a manager overturns, marketing accepts and delivers; every step audited")
    func lifecycle() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            // marketing cannot make a request; sales can
            #expect(try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.marketer.token).status == .forbidden)
            let made = try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.ana.token)
            #expect(made.status == .created, "\(made.json)")
            let id = try #require(made.string("id"))
            #expect(made.string("state") == "submitted" && made.string("wantedBy") == "2099-01-15")
            #expect(try await Self.inbox(app, cast.mia.id).contains("request.submitted"))
            #expect(try await JobModel.query(on: app.db).filter(\.$kind == Requests.jobKind).count() == 2)
            // a rep cannot answer; a decline without a reason changes nothing
            #expect(try await Self.move(app, id, #"{"move": "accept", "ownerId": "\#(cast.marketer.id)", "deliveryDate": "2099-01-10"}"#,
                                        cast.ana.token).status == .forbidden)
            let noReason = try await Self.move(app, id, #"{"move": "decline"}"#, cast.marketer.token)
            #expect(noReason.status == .unprocessableEntity && noReason.problemFields == ["reason"])
            #expect(try await app.send(.GET, "/api/v1/requests/\(id)", token: cast.ana.token).string("state") == "submitted")
            let declined = try await Self.move(app, id, #"{"move": "decline", "reason": "Against the brand guidelines", "alternative": "A co-branded webinar with Globex"}"#, cast.marketer.token)
            #expect(declined.status == .ok, "\(declined.json)")
            #expect(declined.string("state") == "declined" && declined.string("alternative") == "A co-branded webinar with Globex")
            #expect(try await Self.inbox(app, cast.ana.id).contains("request.declined"))
            // the rep appeals; both managers hear of it; a second appeal is refused later
            let appealed = try await Self.move(app, id, #"{"move": "appeal", "reason": "A £7m renewal depends on it"}"#, cast.ana.token)
            #expect(appealed.string("state") == "appealed")
            #expect(try await Self.inbox(app, cast.sofia.id).contains("request.appealed"))
            #expect(try await Self.inbox(app, cast.mia.id).contains("request.appealed"))
            // a marketer cannot decide an appeal; the sales manager of the requester's team can
            #expect(try await Self.move(app, id, #"{"move": "decide_appeal", "decision": "overturn", "reason": "worth it"}"#,
                                        cast.marketer.token).status == .forbidden)
            let overturned = try await Self.move(app, id, #"{"move": "decide_appeal", "decision": "overturn", "reason": "The renewal is worth a dinner"}"#, cast.sofia.token)
            #expect(overturned.string("state") == "submitted" && overturned.string("appealDecision") == "overturn")
            let reopened = try #require(try await RequestModel.find(UUID(uuidString: id), on: app.db))
            let key = RequestEscalationStep.overdue.uniqueKey(request: reopened.id!, respondBy: reopened.respondBy)
            #expect(try await JobModel.query(on: app.db).filter(\.$uniqueKey == key).count() == 1, "escalation of the fresh response time")
            // the owner must be a marketer
            let wrongOwner = try await Self.move(app, id, #"{"move": "accept", "ownerId": "\#(cast.ana.id)", "deliveryDate": "2099-01-10"}"#, cast.mia.token)
            #expect(wrongOwner.problemFields == ["ownerId"])
            let accepted = try await Self.move(app, id, #"{"move": "accept", "ownerId": "\#(cast.marketer.id)", "deliveryDate": "2099-01-10"}"#, cast.mia.token)
            #expect(accepted.string("state") == "accepted" && accepted.string("deliveryDate") == "2099-01-10")
            #expect(try await Self.move(app, id, #"{"move": "appeal", "reason": "again please"}"#, cast.ana.token).status == .conflict)
            let delivered = try await Self.move(app, id, #"{"move": "deliver", "note": "Booked at Le Bouchon"}"#, cast.marketer.token)
            #expect(delivered.string("state") == "delivered" && delivered.string("closedAt") != nil)
            // the audit trail has every step
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "request").sort(\.$occurredAt).all().map(\.action)
            #expect(actions == ["request:submit", "request:decline", "request:appeal", "request:decide_appeal", "request:accept", "request:deliver"])
            // webhooks were queued for subscribers only: none here; the outbox stays empty without endpoints
        }
    }

    @Test("a rep sees their own requests, a sales manager their team's, marketing all; another rep gets 404")
    func visibility() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let id = try #require(try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.ana.token).string("id"))
            _ = try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.ben.token)
            #expect(try await app.send(.GET, "/api/v1/requests", token: cast.ana.token).items.count == 1)
            #expect(try await app.send(.GET, "/api/v1/requests", token: cast.sofia.token).items.count == 1)
            #expect(try await app.send(.GET, "/api/v1/requests", token: cast.marketer.token).items.count == 2)
            #expect(try await app.send(.GET, "/api/v1/requests/\(id)", token: cast.ben.token).status == .notFound)
            #expect(try await Self.move(app, id, #"{"move": "withdraw"}"#, cast.ben.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/requests?state=declined", token: cast.marketer.token).items.isEmpty)
            #expect(try await app.send(.GET, "/api/v1/requests?state=lost", token: cast.marketer.token).problemFields == ["state"])
        }
    }

    @Test("bad input changes nothing: a past wanted-by day, an unknown account, a past delivery day, a move out of order")
    func badInput() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let past = try await app.send(.POST, "/api/v1/requests", Self.body(cast.account, wantedBy: "2020-01-01"), token: cast.ana.token)
            #expect(past.status == .unprocessableEntity && past.problemFields == ["wantedBy"])
            let unknown = try await app.send(.POST, "/api/v1/requests", Self.body(UUID().uuidString), token: cast.ana.token)
            #expect(unknown.status == .unprocessableEntity && unknown.problemFields == ["accountIds[0]"])
            #expect(try await RequestModel.query(on: app.db).count() == 0)
            let id = try #require(try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.ana.token).string("id"))
            let pastDelivery = try await Self.move(app, id, #"{"move": "accept", "ownerId": "\#(cast.marketer.id)", "deliveryDate": "2020-01-01"}"#, cast.marketer.token)
            #expect(pastDelivery.problemFields == ["deliveryDate"])
            let early = try await Self.move(app, id, #"{"move": "deliver"}"#, cast.marketer.token)
            #expect(early.status == .conflict && early.errorCode == "invalid_transition")
            #expect(try await Self.move(app, id, #"{"move": "provide_info", "answer": "unasked for"}"#, cast.ana.token).status == .conflict)
            #expect(try await app.send(.GET, "/api/v1/requests/\(id)", token: cast.ana.token).string("state") == "submitted")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$entityType == "request").count() == 1)
        }
    }

    @Test("asking for information pauses the clock; an overdue request reminds marketing, then escalates to the marketing managers, once")
    func pauseAndEscalation() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let id = try #require(try await app.send(.POST, "/api/v1/requests", Self.body(cast.account), token: cast.ana.token).string("id"))
            let asked = try await Self.move(app, id, #"{"move": "ask_info", "question": "Which product leads should come?"}"#, cast.marketer.token)
            #expect(asked.string("state") == "needs_info" && asked[ "clockPaused"] == .bool(true))
            #expect(try await Self.inbox(app, cast.ana.id).contains("request.info_requested"))
            // while paused, the scheduled steps do nothing even long after the due time
            try await JobModel.query(on: app.db).filter(\.$kind == Requests.jobKind).set(\.$runAt, to: Date().addingTimeInterval(-1)).update()
            let later = Date().addingTimeInterval(30 * 86_400)
            let runner = JobRunner(database: app.db, handlers: [Requests.jobKind: { job, database in
                try await Requests.run(job, now: later, on: database)
            }])
            #expect(try await runner.drain(kinds: [Requests.jobKind]) == 2)
            #expect(!(try await Self.inbox(app, cast.mia.id).contains("request.overdue")))
            // the answer resumes the clock with new steps; they remind the marketers, then escalate to the manager
            let answered = try await Self.move(app, id, #"{"move": "provide_info", "answer": "The CTO and the head of data"}"#, cast.ana.token)
            #expect(answered.string("state") == "submitted")
            try await JobModel.query(on: app.db).filter(\.$kind == Requests.jobKind).filter(\.$state == JobState.available.rawValue)
                .set(\.$runAt, to: Date().addingTimeInterval(-1)).update()
            #expect(try await runner.drain(kinds: [Requests.jobKind]) == 2)
            #expect(try await runner.drain(kinds: [Requests.jobKind]) == 0)
            #expect(try await Self.inbox(app, cast.marketer.id).contains("request.reminder"))
            #expect(try await Self.inbox(app, cast.mia.id).filter { $0 == "request.overdue" }.count == 1)
            let row = try #require(try await RequestModel.find(UUID(uuidString: id), on: app.db))
            #expect(row.escalatedAt != nil && row.state == "submitted")
            let link = try #require(try await NotificationModel.query(on: app.db).filter(\.$kind == "request.overdue").first()?.link)
            #expect(link == "/requests/\(id.lowercased())")
        }
    }
}

/// The request board and page in a signed-in browser: sales asks there, marketing answers there.
@Suite struct RequestPagesTests {
    @Test("a rep asks on the board, a marketer declines on the request page without a reason (refused) and with one, the rep sees it and appeals")
    func boardAndPage() async throws {
        try await withAccordApp { app in
            let team = try await app.makeUser(role: .salesManager, team: "Sales UK")
            let teamID = try #require(try await UserModel.find(team.id, on: app.db)?.$team.id)
            let rep = try await FeedbackPagesTests.member(app, "rep", team: teamID, manager: team.id)
            let marketer = try await FeedbackPagesTests.member(app, "marketer", team: nil)
            // the rep sees the form; the marketer does not
            let board = try await rep.browser.request(.GET, "/requests")
            #expect(board.status == .ok && board.body.string.contains("id=\"new-request\""))
            #expect(!(try await marketer.browser.request(.GET, "/requests")).body.string.contains("id=\"new-request\""))
            let past = try await rep.browser.request(.POST, "/requests", form: [
                "_csrf": try await rep.browser.csrf(on: "/requests"), "kind": "event", "title": "Dinner",
                "details": "A dinner for the renewal committee", "wantedBy": "2020-01-01"])
            #expect(past.headers.first(name: .location)?.contains("problem=wantedBy") == true)
            let sent = try await rep.browser.request(.POST, "/requests", form: [
                "_csrf": try await rep.browser.csrf(on: "/requests"), "kind": "event", "title": "Dinner for Globex",
                "details": "A dinner for the renewal committee", "wantedBy": "2099-03-01", "pipeline": "7,000,000",
                "currency": "GBP"])
            let location = try #require(sent.headers.first(name: .location))
            #expect(location.hasPrefix("/requests/") && location.contains("done="))
            let row = try #require(try await RequestModel.query(on: app.db).first())
            #expect(row.expectedPipeline == Money(amountMinor: 700_000_000, currency: "GBP"))
            let page = "/requests/\(row.id!.uuidString.lowercased())"
            // the marketer's page offers the answers; the rep's offers only withdrawing
            let marketing = try await marketer.browser.request(.GET, page)
            #expect(marketing.body.string.contains("name=\"do-decline\"") && marketing.body.string.contains("name=\"do-accept\""))
            let repView = try await rep.browser.request(.GET, page)
            #expect(!repView.body.string.contains("name=\"do-decline\"") && repView.body.string.contains("name=\"do-withdraw\""))
            let token = try await marketer.browser.csrf(on: page)
            let bare = try await marketer.browser.request(.POST, "\(page)/move", form: [
                "_csrf": token, "returnTo": page, "move": "decline"])
            #expect(bare.headers.first(name: .location)?.contains("problem=reason") == true)
            #expect(try await RequestModel.find(row.id, on: app.db)?.state == "submitted")
            let declined = try await marketer.browser.request(.POST, "\(page)/move", form: [
                "_csrf": token, "returnTo": page, "move": "decline", "reason": "Against the brand guidelines",
                "alternative": "A co-branded webinar"])
            #expect(declined.headers.first(name: .location)?.contains("done=") == true)
            let seen = try await rep.browser.request(.GET, page)
            #expect(seen.body.string.contains("A co-branded webinar") && seen.body.string.contains("name=\"do-appeal\""))
            #expect(seen.body.string.contains("<strong>decline</strong> — Against the brand guidelines"), "the history shows who declined and why")
            let boardAfter = try await rep.browser.request(.GET, "/requests")
            #expect(boardAfter.body.string.contains("Against the brand guidelines"))
        }
    }
}

/// Turnaround figures: nearest-rank median and 90th percentile of decision times, by person and team, silence counted.
@Suite struct TurnaroundTests {
    @Test("requests decided after 1, 2 and 10 hours: median 2 h, p90 10 h; reviews after 3 h plus one by silence")
    func figures() async throws {
        try await withAccordApp { app in
            let cast = try await RequestsAPITests.cast(app)
            let t0 = try #require(ISOTimestamp.parse("2026-11-02T09:00:00Z"))
            let marketer = try #require(try await UserModel.find(cast.marketer.id, on: app.db))
            let actor = AuditActor(userID: marketer.id, label: marketer.email)
            let requester = try #require(try await UserModel.find(cast.ana.id, on: app.db))
            let input = RequestInput(kind: .collateral, title: "One-pager", details: "For the renewal meetings",
                                     expectedPipeline: nil, accountIDs: [], wantedBy: t0.addingTimeInterval(30 * 86_400))
            for (index, hours) in [1.0, 10, 2].enumerated() {
                try await app.db.writeTransaction { database in
                    let request = try await Requests.submit(input, requester: requester, by: AuditActor(userID: requester.id, label: "ana"),
                                                            at: t0, on: database)
                    let move: RequestMove = index == 1 ? .decline(reason: "No budget this quarter", alternative: nil)
                        : .accept(ownerID: marketer.id!, deliveryDate: t0.addingTimeInterval(7 * 86_400), note: nil)
                    try await Requests.apply(move, to: request, by: actor, at: t0.addingTimeInterval(hours * 3_600), on: database)
                }
            }
            // a review decided 3 hours after it was asked, and one cleared by silence 50 hours after
            let reviewer = try #require(try await UserModel.find(cast.sofia.id, on: app.db))
            let asset = AssetModel(input: AssetInput(title: "Brochure", type: .brochure, dueAt: t0.addingTimeInterval(86_400),
                                                     reviewers: []), by: actor, at: t0)
            try await asset.create(on: app.db)
            let quick = AssetReviewModel(assetID: asset.id!, reviewerID: reviewer.id!, required: true, at: t0)
            quick.state = ReviewState.approved.rawValue
            quick.decidedAt = t0.addingTimeInterval(3 * 3_600)
            try await quick.create(on: app.db)
            let silent = AssetReviewModel(assetID: asset.id!, reviewerID: cast.ben.id, required: true, at: t0)
            silent.state = ReviewState.approvedOnSilence.rawValue
            silent.decidedAt = t0.addingTimeInterval(50 * 3_600)
            try await silent.create(on: app.db)
            // act
            let figures = try await app.send(.GET, "/api/v1/turnaround?from=2026-11-01&to=2026-11-05", token: cast.mia.token)
            // check
            #expect(figures.status == .ok, "\(figures.json)")
            guard case let .object(requests)? = figures["requests"], case let .object(overall)? = requests["overall"],
                  case let .object(reviews)? = figures["reviews"], case let .object(reviewOverall)? = reviews["overall"],
                  case let .array(people)? = requests["byPerson"] else {
                Issue.record("unexpected shape: \(figures.json)")
                return
            }
            #expect(overall["count"] == .integer(3) && overall["medianHours"] == .integer(2) && overall["p90Hours"] == .integer(10))
            #expect(people.count == 1)
            #expect(reviewOverall["count"] == .integer(2) && reviewOverall["silent"] == .integer(1))
            #expect(reviewOverall["medianHours"] == .integer(3) && reviewOverall["p90Hours"] == .integer(50))
            let empty = try await app.send(.GET, "/api/v1/turnaround?from=2026-10-01&to=2026-10-31", token: cast.mia.token)
            guard case let .object(none)? = empty["requests"], case let .object(noneOverall)? = none["overall"] else { return }
            #expect(noneOverall["count"] == .integer(0))
            #expect(try await app.send(.GET, "/api/v1/turnaround", token: cast.ana.token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/turnaround?from=2026-12-01&to=2026-11-01", token: cast.mia.token).problemFields == ["from"])
            #expect(try await app.send(.GET, "/api/v1/turnaround?period=week", token: cast.mia.token).problemFields == ["period"])
        }
    }
}

/// The demo's requests and collateral: made through the services, with the shapes the pages and figures need.
@Suite struct DemoWorkflowTests {
    @Test("the demo has requests in every state, a fast and a slow marketer, and a one-pager released on silence once its jobs run")
    func demo() async throws {
        try await withAccordApp { app in
            let asOf = try #require(ISOTimestamp.parse("2026-11-20T12:00:00Z"))
            let company = DemoCompany.generate(scale: 0.05, seed: 7, asOf: asOf)
            try await DemoWriter.write(company, to: app.db, intoEmpty: false)
            try await DemoWorkflows.write(company, asOf: asOf, seed: 7, on: app.db)
            let states = Set(try await RequestModel.query(on: app.db).all().map(\.state))
            #expect(states.isSuperset(of: ["submitted", "needs_info", "accepted", "declined", "delivered"]), "\(states)")
            #expect(try await RequestModel.query(on: app.db).filter(\.$appealDecision == "overturn").count() == 1)
            let report = try await Turnarounds.report(from: asOf.addingTimeInterval(-120 * 86_400), to: asOf, on: app.db)
            let noah = try #require(report.requests.byPerson.first { $0.name == "Noah Weber" }?.figures.medianHours)
            let olivia = try #require(report.requests.byPerson.first { $0.name == "Olivia Price" }?.figures.medianHours)
            #expect(noah < 8 && olivia > 24, "Noah \(noah) h, Olivia \(olivia) h")
            // the silent one-pager: its deadline steps run (they are due long ago) and it goes out on silence
            let runner = JobRunner(database: app.db, handlers: [Proofing.jobKind: { job, database in
                try await Proofing.run(job, now: asOf, on: database)
            }])
            _ = try await runner.drain(kinds: [Proofing.jobKind], now: { asOf })
            let silent = try await AssetReviewModel.query(on: app.db).filter(\.$state == ReviewState.approvedOnSilence.rawValue).count()
            #expect(silent == 2, "both required reviewers of the silent one-pager")
            #expect(try await AssetModel.query(on: app.db).filter(\.$state == AssetState.released.rawValue).count() == 6)
            let after = try await Turnarounds.report(from: asOf.addingTimeInterval(-120 * 86_400), to: asOf.addingTimeInterval(1), on: app.db)
            #expect(after.reviews.overall.silent == 2)
        }
    }
}

/// The contact-pressure policy through the API: the standard one until an admin replaces it; every problem named.
@Suite struct PressurePolicyAPITests {
    @Test("reading, replacing and refusing the policy")
    func policy() async throws {
        try await withAccordApp { app in
            let marketer = try await app.makeUser(role: .marketer)
            let standard = try await app.send(.GET, "/api/v1/pressure/policy", token: marketer.token)
            #expect(try PressurePolicy.read(standard.json) == .standard)
            #expect(try await app.send(.PUT, "/api/v1/pressure/policy", #"{"quietDaysAfterSalesMeeting": 5}"#,
                                       token: marketer.token).status == .forbidden)
            let bad = try await app.send(.PUT, "/api/v1/pressure/policy", """
                {"personCaps": [{"side": "nobody", "maximum": 3, "windowDays": 7}], "channelWeights": {"fax": 2}}
                """)
            #expect(bad.status == .unprocessableEntity && bad.problemFields == ["personCaps[0].side", "channelWeights.fax"])
            #expect(try await PressurePolicyModel.query(on: app.db).count() == 0, "nothing stored")
            let set = try await app.send(.PUT, "/api/v1/pressure/policy", """
                {"personCaps": [{"side": "marketing", "maximum": 1, "windowDays": 7}], "accountCap": null,
                 "channelWeights": {"email": 1}, "quietDaysAfterSalesMeeting": 5}
                """)
            #expect(set.status == .ok, "\(set.json)")
            let now = try PressurePolicy.read(try await app.send(.GET, "/api/v1/pressure/policy", token: marketer.token).json)
            #expect(now == PressurePolicy(personCaps: [PressureCap(side: .marketing, maximum: 1, windowDays: 7)], accountCap: nil,
                                          channelWeights: [.email: 1], quietDaysAfterSalesMeeting: 5))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$entityType == "pressure_policy").count() == 1)
        }
    }
}
