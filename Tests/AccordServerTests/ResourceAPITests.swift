import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Create, read, update and list through the API, on SQLite and (with DATABASE_URL) PostgreSQL.
@Suite struct ResourceAPITests {
    @Test("an account round-trips: create, read, patch, list by filter, with an audit trail")
    func accountRoundTrip() async throws {
        try await withAccordApp { app in
            // act
            let created = try await app.send(.POST, "/api/v1/accounts",
                                             #"{"name": "Acme", "domain": "https://www.ACME.com/", "country": "de", "employeeCount": 250}"#)
            let id = try #require(created.string("id"))
            let read = try await app.send(.GET, "/api/v1/accounts/\(id)")
            let patched = try await app.send(.PATCH, "/api/v1/accounts/\(id)", #"{"industry": "Software", "country": null}"#)
            let listed = try await app.send(.GET, "/api/v1/accounts?domain=acme.com")
            let none = try await app.send(.GET, "/api/v1/accounts?domain=other.com")
            // check
            #expect(created.status == .created)
            #expect(created.headers.first(name: .location) == "/api/v1/accounts/\(id)")
            #expect(read.string("domain") == "acme.com")
            #expect(read.string("country") == "DE")
            #expect(patched.status == .ok)
            #expect(patched.string("industry") == "software")
            #expect(patched["country"] == nil, "null clears an optional field")
            #expect(patched.string("name") == "Acme", "fields left out stay")
            #expect(listed.items.count == 1)
            #expect(none.items.isEmpty)
            #expect(listed["nextCursor"] == .null)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "account").all()
            #expect(events.map(\.action).sorted() == ["create", "update"])
            #expect(events.first { $0.action == "update" }?.changes.contains("\"industry\"") == true)
        }
    }

    @Test("bad input is refused with every problem listed, and nothing is written", arguments: [
        (#"{"email": "not-an-email"}"#, "/api/v1/persons", ["email"]),
        (#"{"name": "Spring", "channel": "carrier_pigeon"}"#, "/api/v1/campaigns", ["channel"]),
        (#"{"channel": "webinar"}"#, "/api/v1/campaigns", ["name"]),
        (#"{"name": "X", "channel": "event", "costs": [{"month": "2026-03", "amount": {"amountMinor": -100, "currency": "EUR"}}]}"#,
         "/api/v1/campaigns", ["costs[0].amount.amountMinor"]),
        (#"{"name": "", "domain": "nodot", "employeeCount": -1, "ownerId": "x", "color": "red"}"#, "/api/v1/accounts",
         ["name", "domain", "employeeCount", "ownerId", "color"]),
        (#"{"accountId": "00000000-0000-0000-0000-000000000000", "name": "Deal", "amount": {"amountMinor": 5, "currency": "EUR"}, "stage": "Won", "status": "won"}"#,
         "/api/v1/opportunities", ["accountId"]),
        (#"{"personId": "00000000-0000-0000-0000-000000000000", "stage": "won"}"#, "/api/v1/leads", ["stage"]),
    ])
    func badInput(body: String, path: String, fields: [String]) async throws {
        try await withAccordApp { app in
            let before = try await app.count(path)
            let eventsBefore = try await AuditEventModel.query(on: app.db).count()
            let response = try await app.send(.POST, path, body)
            #expect(response.status == .unprocessableEntity, "\(response.json)")
            #expect(response.errorCode == "validation_failed")
            for field in fields { #expect(response.problemFields.contains(field), "\(field) in \(response.problemFields)") }
            #expect(try await app.count(path) == before)
            #expect(try await AuditEventModel.query(on: app.db).count() == eventsBefore)
        }
    }

    @Test("a body that is not JSON is a 400, and a body of another type a 415")
    func malformedBodies() async throws {
        try await withAccordApp { app in
            let broken = try await app.send(.POST, "/api/v1/accounts", #"{"name": "#)
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == "malformed_request")
            let form = try await app.send(.POST, "/api/v1/accounts", "name=Acme", contentType: .urlEncodedForm)
            #expect(form.status == .unsupportedMediaType)
            let array = try await app.send(.POST, "/api/v1/accounts", "[1, 2]")
            #expect(array.status == .unprocessableEntity)
            #expect(array.problemFields == ["body"])
        }
    }

    @Test("an unknown id is a 404 problem")
    func unknownID() async throws {
        try await withAccordApp { app in
            let missing = try await app.send(.GET, "/api/v1/leads/\(UUID())")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
            let garbage = try await app.send(.PATCH, "/api/v1/persons/not-a-uuid", "{}")
            #expect(garbage.status == .notFound)
        }
    }

    @Test("persons are matched to accounts by email domain, subdomains included, free mail never")
    func domainMatching() async throws {
        try await withAccordApp { app in
            let acme = try await app.create("/api/v1/accounts", #"{"name": "Acme", "domain": "acme.com"}"#)
            let direct = try await app.send(.POST, "/api/v1/persons", #"{"email": "Ana@Acme.com"}"#)
            let sub = try await app.send(.POST, "/api/v1/persons", #"{"email": "bo@eu.mail.acme.com"}"#)
            let free = try await app.send(.POST, "/api/v1/persons", #"{"email": "cy@gmail.com"}"#)
            let unknown = try await app.send(.POST, "/api/v1/persons", #"{"email": "di@other.example"}"#)
            #expect(direct.string("email") == "ana@acme.com")
            #expect(direct.string("accountId") == acme)
            #expect(sub.string("accountId") == acme)
            #expect(free["accountId"] == nil)
            #expect(unknown["accountId"] == nil)
        }
    }

    @Test("a second person with the same normalized email is a conflict")
    func duplicateEmail() async throws {
        try await withAccordApp { app in
            _ = try await app.create("/api/v1/persons", #"{"email": "ana@acme.com"}"#)
            let again = try await app.send(.POST, "/api/v1/persons", #"{"email": " ANA@acme.com "}"#)
            #expect(again.status == .unprocessableEntity || again.status == .conflict)
            #expect(again.problemFields == ["email"] || again.errorCode == "conflict")
            #expect(try await app.count("/api/v1/persons") == 1)
        }
    }

    static let racers = 8

    @Test("concurrent batches naming the same unknown email create exactly one person")
    func concurrentPersonCreation() async throws {
        try await withAccordApp { app in
            let body = #"[{"email": "race@acme.com", "kind": "visited", "side": "marketing", "channel": "website", "occurredAt": "2026-03-02T10:00:00Z"}]"#
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                // As many as the pool holds on these 2-core machines (4 connections per event loop): more would also
                // test how long a request waits for a connection, and with the whole suite running, 20 of them waited
                // past the pool's 30 s (each transaction waits for the person's row lock in turn).
                for _ in 0..<Self.racers {
                    group.addTask {
                        let response = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == .created }, "\(answers.filter { $0.0 != .created })")
            let persons = try await PersonModel.query(on: app.db).filter(\.$email == "race@acme.com").count()
            #expect(persons == 1)
            #expect(try await app.count("/api/v1/touchpoints") == Self.racers)
        }
    }

    @Test("lists page with a cursor, in creation order, and end with a null cursor")
    func paging() async throws {
        try await withAccordApp { app in
            var created: [String] = []
            for index in 0..<7 { created.append(try await app.create("/api/v1/accounts", #"{"name": "Account \#(index)"}"#)) }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await app.send(.GET, "/api/v1/accounts?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += page.items.compactMap { if case let .object(item) = $0, case let .string(id)? = item["id"] { id } else { nil } }
                cursor = page.string("nextCursor")
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == created)
            let bad = try await app.send(.GET, "/api/v1/accounts?limit=501&cursor=bogus&colour=red")
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["limit", "cursor", "colour"])
        }
    }

    @Test("an opportunity keeps its contact roles; a closed one needs a close date")
    func opportunityWithRoles() async throws {
        try await withAccordApp { app in
            let account = try await app.create("/api/v1/accounts", #"{"name": "Acme", "domain": "acme.com"}"#)
            let ana = try await app.create("/api/v1/persons", #"{"email": "ana@acme.com"}"#)
            let bo = try await app.create("/api/v1/persons", #"{"email": "bo@acme.com"}"#)
            let created = try await app.send(.POST, "/api/v1/opportunities", """
                {"accountId": "\(account)", "name": "Platform", "amount": {"amountMinor": 9007199254740993, "currency": "EUR"},
                 "stage": "Proposal", "openedAt": "2026-03-01T00:00:00Z",
                 "contactRoles": [{"personId": "\(ana)", "role": "champion", "isPrimary": true}, {"personId": "\(bo)"}]}
                """)
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.string("id"))
            #expect(created["amount"] == .object(["amountMinor": .integer(9_007_199_254_740_993), "currency": .string("EUR")]))
            if case let .array(roles)? = created["contactRoles"] { #expect(roles.count == 2) } else { Issue.record("no roles") }
            let wonWithoutDate = try await app.send(.PATCH, "/api/v1/opportunities/\(id)", #"{"status": "won"}"#)
            #expect(wonWithoutDate.status == .unprocessableEntity)
            #expect(wonWithoutDate.problemFields == ["closedAt"])
            let won = try await app.send(.PATCH, "/api/v1/opportunities/\(id)",
                                         #"{"status": "won", "closedAt": "2026-04-01T00:00:00Z", "contactRoles": []}"#)
            #expect(won.string("status") == "won")
            #expect(won["contactRoles"] == .array([]))
            let unknownPerson = try await app.send(.PATCH, "/api/v1/opportunities/\(id)",
                                                   #"{"contactRoles": [{"personId": "\#(UUID())"}]}"#)
            #expect(unknownPerson.problemFields == ["contactRoles[0].personId"])
        }
    }

    @Test("a lead moves only through the lifecycle, with reasons, and the first action stops the SLA clock")
    func leadMoves() async throws {
        try await withAccordApp { app in
            let person = try await app.create("/api/v1/persons", #"{"email": "ana@acme.com"}"#)
            let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "priority": "A"}"#)
            let second = try await app.send(.POST, "/api/v1/leads", #"{"personId": "\#(person)"}"#)
            #expect(second.status == .conflict, "one open lead per person")
            let qualified = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
            #expect(qualified.string("stage") == "mql")
            #expect(qualified["firstActionAt"] == nil)
            let noReason = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "reject"}"#)
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["reason"])
            let skip = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "win"}"#)
            #expect(skip.status == .conflict)
            #expect(skip.errorCode == "invalid_transition")
            let rejected = try await app.send(.POST, "/api/v1/leads/\(lead)/moves",
                                              #"{"move": "reject", "reason": "no_budget", "note": "next year"}"#)
            #expect(rejected.string("stage") == "rejected")
            #expect(rejected.string("rejectionReason") == "no_budget")
            #expect(rejected["firstActionAt"] != nil)
            let stageByPatch = try await app.send(.PATCH, "/api/v1/leads/\(lead)", #"{"stage": "mql"}"#)
            #expect(stageByPatch.status == .unprocessableEntity)
            let moves = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "lead").all()
            #expect(moves.map(\.action).sorted() == ["create", "move:qualify", "move:reject"])
            #expect(moves.first { $0.action == "move:reject" }?.reason == "no_budget: next year")
        }
    }
}
