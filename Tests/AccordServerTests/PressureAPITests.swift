import AccordCore
import AccordStore
import FluentKit
import Foundation
import Testing
import Vapor

@testable import AccordServer

/// The contact-pressure check, its reservations, and account protection with consent, on the configured database.
@Suite struct PressureAPITests {
    struct Cast {
        var marketer: (id: UUID, token: String)
        var owner: (id: UUID, token: String)
        var otherRep: (id: UUID, token: String)
        var campaign: String
    }

    static func cast(_ app: Application) async throws -> Cast {
        let cast = Cast(marketer: try await app.makeUser(role: .marketer), owner: try await app.makeUser(role: .rep, team: "North"),
                        otherRep: try await app.makeUser(role: .rep, team: "North"),
                        campaign: try await app.create("/api/v1/campaigns", #"{"name": "Autumn mailing", "channel": "email"}"#))
        // at most one marketing message per person per week
        let policy = try await app.send(.PUT, "/api/v1/pressure/policy", """
            {"personCaps": [{"side": "marketing", "maximum": 1, "windowDays": 7}], "accountCap": null}
            """)
        #expect(policy.status == .ok, "\(policy.json)")
        return cast
    }

    static func rules(_ response: APIResponse) -> [String] {
        guard case let .array(results)? = response.json["results"] else { return [] }
        return results.map { result in
            if case let .string(rule)? = result["rule"] { return rule }
            return result["allowed"] == .bool(true) ? "allowed" : "?"
        }
    }

    @Test("a check names the rule that blocks each person, reserves the rest, and confirms them as touchpoints")
    func checkAndConfirm() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let ana = try await app.create("/api/v1/persons", #"{"email": "ana@plain.example"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "ben@plain.example"}"#)
            let quiet = try await app.create("/api/v1/persons", #"{"email": "out@plain.example", "optedOut": true}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "gone@listed.example"}"#)
            #expect(try await app.send(.POST, "/api/v1/suppressions", #"{"domain": "listed.example"}"#,
                                       token: cast.marketer.token).status == .created)
            let body = """
                {"campaignId": "\(cast.campaign)", "persons": ["\(ana)", "BEN@plain.example", "\(quiet)", "gone@listed.example",
                 "nobody@plain.example", "ana@plain.example", "new@listed.example"]}
                """
            let first = try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token)
            #expect(first.status == .ok, "\(first.json)")
            #expect(Self.rules(first) == ["allowed", "allowed", "opt_out", "opt_out", "unknown_person", "duplicate", "suppressed"],
                    "listing a domain opts its people out; an unknown address on the list is named suppressed")
            #expect(first["allowed"] == .integer(2) && first["blocked"] == .integer(5))
            let timing = first.headers.first(name: "Server-Timing") ?? ""
            #expect(timing.hasPrefix("parse;dur=") && timing.contains(", persons;dur=") && timing.contains(", reserve;dur=")
                    && timing.contains(", check;dur="), "the check says where its time went, the total last: \(timing)")
            if case let .array(results)? = first.json["results"] { #expect(results[1]["person"] == .string("BEN@plain.example"), "as given") }
            let reservation = try #require(first.string("reservationId"))
            // the reservation counts: a second campaign checking at once finds no room left
            let second = try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token)
            #expect(Self.rules(second).prefix(2) == ["person_cap:marketing:1/7d", "person_cap:marketing:1/7d"])
            // a dry run reserves nothing
            let look = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(cast.campaign)", "persons": ["\#(ana)"], "dryRun": true}"#,
                                          token: cast.marketer.token)
            #expect(look["reservationId"] == .null && Self.rules(look) == ["person_cap:marketing:1/7d"])
            let confirmed = try await app.send(.POST, "/api/v1/pressure/reservations/\(reservation)/confirm", token: cast.marketer.token)
            #expect(confirmed.status == .ok && confirmed["recorded"] == .integer(2), "\(confirmed.json)")
            #expect(try await TouchpointModel.query(on: app.db).filter(\.$kind == "sent").count() == 2)
            #expect(try await app.send(.POST, "/api/v1/pressure/reservations/\(reservation)/confirm",
                                       token: cast.marketer.token).status == .conflict, "only once")
            #expect(try await app.send(.POST, "/api/v1/pressure/reservations/\(UUID())/confirm",
                                       token: cast.marketer.token).status == .notFound)
            // after the send the caps hold through the touchpoints
            let after = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(cast.campaign)", "persons": ["\#(ana)"], "dryRun": true}"#,
                                           token: cast.marketer.token)
            #expect(Self.rules(after) == ["person_cap:marketing:1/7d"])
            // a sales check is not held to marketing's cap
            let sales = try await app.send(.POST, "/api/v1/pressure/check",
                                           #"{"campaignId": "\#(cast.campaign)", "persons": ["\#(ana)"], "side": "sales", "dryRun": true}"#,
                                           token: cast.marketer.token)
            #expect(Self.rules(sales) == ["allowed"])
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action ~~ ["pressure:check", "pressure:confirm"]).count() == 3)
        }
    }

    @Test("a large audience (read by scanning persons and the window) is answered like a small one")
    func largeAudience() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let account = try await app.create("/api/v1/accounts", #"{"name": "Guarded AG", "ownerId": "\#(cast.owner.id)"}"#)
            _ = try await app.create("/api/v1/opportunities", #"{"accountId": "\#(account)", "name": "Deal", "amount": {"amountMinor": 1, "currency": "EUR"}, "stage": "Proposal", "ownerId": "\#(cast.owner.id)"}"#)
            var known: [String] = []
            for index in 0..<12 {
                let body = index < 3 ? #"{"email": "k\#(index)@big.example", "accountId": "\#(account)"}"#
                    : #"{"email": "k\#(index)@big.example", "optedOut": \#(index == 3)}"#
                known.append(try await app.create("/api/v1/persons", body))
            }
            // the first check reserves for the people at k4..k11 (small audience, looked up one by one)
            let small = try await app.send(.POST, "/api/v1/pressure/check",
                                           #"{"campaignId": "\#(cast.campaign)", "persons": [\#(known[4...].map { "\"\($0)\"" }.joined(separator: ","))]}"#,
                                           token: cast.marketer.token)
            #expect(small["allowed"] == .integer(8))
            var persons = (0..<12).map { "\"k\($0)@big.example\"" } + ["\"\(known[5])\""]
            persons += (0..<5_000).map { "\"stranger\($0)@big.example\"" }
            let large = try await app.send(.POST, "/api/v1/pressure/check",
                                           #"{"campaignId": "\#(cast.campaign)", "persons": [\#(persons.joined(separator: ","))], "dryRun": true}"#,
                                           token: cast.marketer.token)
            let rules = Self.rules(large)
            #expect(Array(rules.prefix(13)) == ["protected_account", "protected_account", "protected_account", "opt_out"]
                + Array(repeating: "person_cap:marketing:1/7d", count: 8) + ["duplicate"], "\(rules.prefix(13))")
            #expect(Set(rules.dropFirst(13)) == ["unknown_person"] && rules.count == 5_013)
            // the same for real, read inside the check's write transaction, and the next check finds k4..k11 held
            let real = try await app.send(.POST, "/api/v1/pressure/check",
                                          #"{"campaignId": "\#(cast.campaign)", "persons": [\#(persons.joined(separator: ","))]}"#,
                                          token: cast.marketer.token)
            #expect(Self.rules(real) == rules)
            let persons2 = (0..<12).map { "\"k\($0)@big.example\"" } + (0..<5_000).map { "\"stranger\($0)@big.example\"" }
            let again = try await app.send(.POST, "/api/v1/pressure/check",
                                           #"{"campaignId": "\#(cast.campaign)", "persons": [\#(persons2.joined(separator: ","))], "dryRun": true}"#,
                                           token: cast.marketer.token)
            #expect(Array(Self.rules(again).prefix(12)) == Array(rules.prefix(12)) && again["blocked"] == .integer(5_012))
        }
    }

    @Test("an expired reservation neither counts nor confirms")
    func expiry() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let ana = try #require(UUID(uuidString: try await app.create("/api/v1/persons", #"{"email": "ana@plain.example"}"#)))
            let campaign = try #require(try await CampaignModel.find(UUID(uuidString: cast.campaign), on: app.db))
            let old = try await PressureChecks.check(campaign: campaign, targets: [.id(ana)], dryRun: false, by: .system,
                                                     at: Date().addingTimeInterval(-16 * 60), on: app.db)
            #expect(old.decisions == [.allow])
            let now = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(cast.campaign)", "persons": ["\#(ana)"]}"#,
                                         token: cast.marketer.token)
            #expect(Self.rules(now) == ["allowed"], "the lapsed reservation holds nothing")
            let late = try await app.send(.POST, "/api/v1/pressure/reservations/\(old.reservationID!)/confirm", token: cast.marketer.token)
            #expect(late.status == .conflict && (late.errorMessage ?? "").contains("expired"))
            #expect(try await TouchpointModel.query(on: app.db).count() == 0)
        }
    }

    @Test("checks made at the same moment cannot both pass a cap of one")
    func concurrentChecks() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            var persons: [String] = []
            for index in 0..<20 { persons.append(try await app.create("/api/v1/persons", #"{"email": "p\#(index)@plain.example"}"#)) }
            let body = #"{"campaignId": "\#(cast.campaign)", "persons": [\#(persons.map { "\"\($0)\"" }.joined(separator: ","))]}"#
            let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<6 { group.addTask { try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token) } }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .ok })
            #expect(answers.map { $0["allowed"] } .filter { $0 == .integer(20) }.count == 1, "one check got everyone")
            #expect(answers.compactMap { if case let .integer(n)? = $0.json["allowed"] { n } else { nil } }.reduce(0, +) == 20)
        }
    }

    @Test("bad checks are refused, naming the field, and change nothing")
    func badChecks() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let bad = try await app.send(.POST, "/api/v1/pressure/check",
                                         #"{"campaignId": "\#(cast.campaign)", "persons": ["ok@plain.example", "not an address", 7], "dry": true}"#,
                                         token: cast.marketer.token)
            #expect(bad.status == .unprocessableEntity && Set(bad.problemFields) == ["dry", "persons"], "\(bad.problemFields)")
            let named = try await app.send(.POST, "/api/v1/pressure/check",
                #"{"campaignId": "\#(cast.campaign)", "persons": ["ok@plain.example", "not an address"]}"#, token: cast.marketer.token)
            guard case let .array(fields)? = named.json["error"]?["fields"] else { Issue.record("no fields"); return }
            #expect(fields.first?["problem"]?.stringValue == "[1] 'not an address' is neither a person id nor an email address")
            let none = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(UUID())", "persons": ["a@b.example"]}"#,
                                          token: cast.marketer.token)
            #expect(none.status == .unprocessableEntity && none.problemFields == ["campaignId"])
            let many = "[" + Array(repeating: "\"a@b.example\"", count: 100_001).joined(separator: ",") + "]"
            let tooMany = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(cast.campaign)", "persons": \#(many)}"#,
                                             token: cast.marketer.token)
            #expect(tooMany.status == .unprocessableEntity && tooMany.problemFields == ["persons"])
            #expect(try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(cast.campaign)", "persons": ["a@b.example"]}"#,
                                       token: cast.owner.token).status == .forbidden, "reps do not check audiences")
            #expect(try await PressureReservationModel.query(on: app.db).count() == 0)
        }
    }

    @Test("a protected account needs its owner's consent, answered with a reason before the due time")
    func protection() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let admin = try await app.makeUser(role: .admin, scopes: [.admin]).token
            _ = try await app.send(.POST, "/api/v1/webhooks", #"{"url": "http://127.0.0.1:9/hook", "events": ["consent.requested", "consent.answered"]}"#,
                                   token: admin)
            let dealing = try await app.create("/api/v1/accounts", #"{"name": "Dealing AG", "domain": "dealing.example", "ownerId": "\#(cast.owner.id)"}"#)
            let key = try await app.create("/api/v1/accounts", #"{"name": "Key AG", "domain": "key.example", "ownerId": "\#(cast.owner.id)"}"#)
            _ = try await app.create("/api/v1/opportunities", #"{"accountId": "\#(dealing)", "name": "Renewal", "amount": {"amountMinor": 100, "currency": "EUR"}, "stage": "Proposal", "ownerId": "\#(cast.owner.id)"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "dora@dealing.example", "accountId": "\#(dealing)"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "kai@key.example", "accountId": "\#(key)"}"#)
            // only the owner (or their manager) flags a key account
            #expect(try await app.send(.PUT, "/api/v1/accounts/\(key)/protection", #"{"keyAccount": true}"#,
                                       token: cast.marketer.token).status == .forbidden)
            #expect(try await app.send(.PUT, "/api/v1/accounts/\(key)/protection", #"{"keyAccount": true}"#,
                                       token: cast.otherRep.token).status == .notFound)
            let flagged = try await app.send(.PUT, "/api/v1/accounts/\(key)/protection", #"{"keyAccount": true, "reason": "board-level talks"}"#,
                                             token: cast.owner.token)
            #expect(flagged.status == .ok && flagged["protected"] == .bool(true), "\(flagged.json)")
            let body = #"{"campaignId": "\#(cast.campaign)", "persons": ["dora@dealing.example", "kai@key.example"]}"#
            let check = try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token)
            #expect(Self.rules(check) == ["protected_account", "protected_account"])
            // the owner is asked once per campaign and account (a webhook each), in one message naming both accounts
            // (inbox and email)
            _ = try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token)
            #expect(try await ConsentRequestModel.query(on: app.db).count() == 2)
            let told = try await NotificationModel.query(on: app.db).filter(\.$user.$id == cast.owner.id)
                .filter(\.$kind == "consent.requested").all()
            #expect(told.count == 1 && told.first?.title.hasSuffix("→ 2 of your accounts") == true, "\(told.map(\.title))")
            #expect(told.first.map { $0.body.contains("Dealing AG") && $0.body.contains("Key AG") } == true)
            let mails = try await JobModel.query(on: app.db).filter(\.$kind == Mailbox.jobKind).all()
                .compactMap { StoredJSON.decode(Mailbox.Message.self, $0.payload) }.filter { $0.subject.hasPrefix("Consent asked") }
            #expect(mails.count == 1, "\(mails.map(\.subject))")
            #expect(try await WebhookDeliveryModel.query(on: app.db).filter(\.$eventType == "consent.requested").count() == 2)
            #expect(try await JobModel.query(on: app.db).filter(\.$kind == Consents.jobKind).count() == 2)
            // the owner sees them, another rep does not
            let mine = try await app.send(.GET, "/api/v1/pressure/consents", token: cast.owner.token)
            #expect(mine.items.count == 2)
            #expect(try await app.send(.GET, "/api/v1/pressure/consents", token: cast.otherRep.token).items.isEmpty)
            let dealingConsent = try #require(mine.items.first { $0["account"] == .string("Dealing AG") }?["id"]).stringValue!
            let keyConsent = try #require(mine.items.first { $0["account"] == .string("Key AG") }?["id"]).stringValue!
            #expect(try await app.send(.POST, "/api/v1/pressure/consents/\(dealingConsent)/answer", #"{"decision": "grant", "reason": "fine"}"#,
                                       token: cast.otherRep.token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/pressure/consents/\(dealingConsent)/answer", #"{"decision": "grant", "reason": "fine"}"#,
                                       token: cast.marketer.token).status == .forbidden)
            let noReason = try await app.send(.POST, "/api/v1/pressure/consents/\(dealingConsent)/answer", #"{"decision": "deny"}"#,
                                              token: cast.owner.token)
            #expect(noReason.status == .unprocessableEntity && noReason.problemFields == ["reason"])
            let granted = try await app.send(.POST, "/api/v1/pressure/consents/\(dealingConsent)/answer",
                                             #"{"decision": "grant", "reason": "the renewal is signed in spirit"}"#, token: cast.owner.token)
            #expect(granted.string("state") == "granted" && granted["validUntil"] != .null, "\(granted.json)")
            #expect(try await app.send(.POST, "/api/v1/pressure/consents/\(dealingConsent)/answer",
                                       #"{"decision": "deny", "reason": "changed my mind"}"#, token: cast.owner.token).status == .conflict)
            let again = try await app.send(.POST, "/api/v1/pressure/check", body, token: cast.marketer.token)
            #expect(Self.rules(again) == ["allowed", "protected_account"])
            // silence past the due time follows the policy (deny by default), recorded by the job
            try await JobModel.query(on: app.db).filter(\.$kind == Consents.jobKind).set(\.$runAt, to: Date().addingTimeInterval(-1)).update()
            let later = Date().addingTimeInterval(3 * 86_400)
            let runner = JobRunner(database: app.db, handlers: [Consents.jobKind: { job, database in
                try await Consents.run(job, now: later, on: database)
            }])
            #expect(try await runner.drain(kinds: [Consents.jobKind]) >= 1)
            let silent = try #require(try await ConsentRequestModel.find(UUID(uuidString: keyConsent), on: app.db))
            #expect(silent.state == "denied" && silent.onSilence)
            #expect(try await WebhookDeliveryModel.query(on: app.db).filter(\.$eventType == "consent.answered").count() == 2)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$entityType == "consent").count() == 4)
            // asking explicitly for an unprotected account is refused
            let open = try await app.create("/api/v1/accounts", #"{"name": "Open GmbH"}"#)
            let refused = try await app.send(.POST, "/api/v1/pressure/consents", #"{"campaignId": "\#(cast.campaign)", "accountId": "\#(open)"}"#,
                                             token: cast.marketer.token)
            #expect(refused.status == .conflict)
        }
    }
}
