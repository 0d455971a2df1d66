import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// `POST /api/v1/touchpoints:batch`: all or nothing, idempotent by event id, bounded.
@Suite struct BatchIngestionTests {
    static func touch(_ index: Int, email: String = "p@acme.com", extra: String = "") -> String {
        #"{"eventId": "evt-\#(index)", "email": "\#(email)", "kind": "clicked", "side": "marketing", "channel": "email", "occurredAt": "2026-03-02T10:00:00Z"\#(extra)}"#
    }

    @Test("one bad element refuses the whole batch, naming every bad element by index")
    func allOrNothing() async throws {
        try await withAccordApp { app in
            let body = "[" + [Self.touch(0), #"{"email": "x@acme.com", "kind": "clicked", "side": "marketing", "channel": "email", "occurredAt": "soon"}"#,
                              Self.touch(2), #"{"personId": "\#(UUID())", "kind": "teleport", "side": "marketing", "channel": "email", "occurredAt": "2026-03-02T10:00:00Z"}"#]
                .joined(separator: ",") + "]"
            let response = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
            #expect(response.status == .unprocessableEntity)
            #expect(Set(response.problemFields) == ["[1].occurredAt", "[3].kind"])
            #expect(try await app.count("/api/v1/touchpoints") == 0)
            #expect(try await app.count("/api/v1/persons") == 0, "no person is created by a refused batch")
        }
    }

    @Test("references that do not exist are listed too, and nothing is written")
    func unknownReferences() async throws {
        try await withAccordApp { app in
            let body = "[" + [Self.touch(0), Self.touch(1, extra: #", "campaignExternalId": "nope""#),
                              #"{"personId": "\#(UUID())", "kind": "clicked", "side": "marketing", "channel": "email", "occurredAt": "2026-03-02T10:00:00Z"}"#]
                .joined(separator: ",") + "]"
            let response = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
            #expect(response.status == .unprocessableEntity)
            #expect(Set(response.problemFields) == ["[1].campaignExternalId", "[2].personId"])
            #expect(try await app.count("/api/v1/touchpoints") == 0)
        }
    }

    @Test("a batch sent twice stores its touchpoints once; the replay reports duplicates with the same ids")
    func idempotentByEventID() async throws {
        try await withAccordApp { app in
            let campaign = try await app.create("/api/v1/campaigns", #"{"name": "Spring", "channel": "webinar", "utmCampaign": "spring-26"}"#)
            let body = "[" + (0..<50).map { Self.touch($0, email: "p\($0 % 7)@acme.com") }.joined(separator: ",") + ","
                + #"{"email": "w@acme.com", "utm": {"campaign": "Spring-26"}, "kind": "attended", "side": "marketing", "occurredAt": "2026-03-02T10:00:00Z"}"# + "]"
            let first = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
            let second = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
            #expect(first.status == .created)
            #expect(first["created"] == .integer(51))
            #expect(second["duplicates"] == .integer(50))
            #expect(second["created"] == .integer(1), "the element without an event id is not deduplicated")
            if case let .array(firstIDs)? = first["ids"], case let .array(secondIDs)? = second["ids"] {
                #expect(Array(firstIDs.prefix(50)) == Array(secondIDs.prefix(50)))
            } else {
                Issue.record("no ids")
            }
            #expect(try await app.count("/api/v1/touchpoints") == 52)
            #expect(try await app.count("/api/v1/persons") == 8)
            let webinar = try await app.send(.GET, "/api/v1/touchpoints?campaignId=\(campaign)")
            #expect(webinar.items.count == 2)
            if case let .object(item)? = webinar.items.first { #expect(item["channel"] == .string("webinar")) }
        }
    }

    @Test("more than 10,000 elements is a 413; an empty batch or a non-array a 422 or 400")
    func bounds() async throws {
        try await withAccordApp { app in
            let tooMany = "[" + Array(repeating: "{}", count: 10_001).joined(separator: ",") + "]"
            let response = try await app.send(.POST, "/api/v1/touchpoints:batch", tooMany)
            #expect(response.status == .payloadTooLarge)
            #expect(response.errorCode == "payload_too_large")
            #expect(try await app.send(.POST, "/api/v1/touchpoints:batch", "[]").status == .unprocessableEntity)
            #expect(try await app.send(.POST, "/api/v1/touchpoints:batch", #"{"a": 1}"#).status == .badRequest)
        }
    }

    @Test("a full batch of 10,000 is written in one go")
    func fullBatch() async throws {
        try await withAccordApp { app in
            let body = "[" + (0..<10_000).map { Self.touch($0, email: "p\($0 % 500)@acme.com") }.joined(separator: ",") + "]"
            let response = try await app.send(.POST, "/api/v1/touchpoints:batch", body)
            #expect(response.status == .created)
            #expect(response["created"] == .integer(10_000))
            let count = try await TouchpointModel.query(on: app.db).count()
            #expect(count == 10_000)
            #expect(try await PersonModel.query(on: app.db).count() == 500)
        }
    }
}

/// NDJSON event streams: one touchpoint per line, bad lines reported by number and the rest written; the way event
/// and webinar platforms push attendance with an ingest-only token.
@Suite struct NDJSONIngestionTests {
    static let ndjson = HTTPMediaType(type: "application", subType: "x-ndjson")

    @Test("bad lines are named by line number, the good ones are written; an ingest token may push but not read")
    func lines() async throws {
        try await withAccordApp { app in
            let platform = try await app.makeUser(role: .marketer, scopes: [.ingest])
            let body = """
                {"eventId": "webinar-7:ann", "email": "ann@acme.example", "kind": "attended", "side": "marketing", "channel": "webinar", "occurredAt": "2026-03-01T15:00:00Z"}
                {"eventId": "webinar-7:bob", "email": "bob@acme.example", "kind": "attended", "side": "marketing", "channel": "webinar", "occurredAt": "yesterday"}
                not json at all

                {"eventId": "webinar-7:cat", "email": "cat@acme.example", "kind": "registered", "side": "marketing", "channel": "webinar", "occurredAt": "2026-03-01T14:00:00Z"}

                """
            let response = try await app.send(.POST, "/api/v1/touchpoints:batch", body, contentType: Self.ndjson, token: platform.token)
            #expect(response.status == .created, "\(response.json)")
            #expect(response["created"] == .integer(2) && response["rejected"] == .integer(2))
            guard case let .array(errors)? = response["errors"], case let .array(ids)? = response["ids"] else { Issue.record("\(response.json)"); return }
            let fields = errors.compactMap { if case let .object(error) = $0, case let .string(field)? = error["field"] { field } else { nil } }
            #expect(fields == ["line 2: occurredAt", "line 3"])
            #expect(ids.count == 2)
            if case let .object(last)? = ids.last { #expect(last["line"] == .integer(5)) }
            #expect(try await TouchpointModel.query(on: app.db).count() == 2)
            // sending the same stream again: duplicates by event id, nothing new
            let again = try await app.send(.POST, "/api/v1/touchpoints:batch", body, contentType: Self.ndjson, token: platform.token)
            #expect(again.status == .ok && again["duplicates"] == .integer(2))
            // nothing good at all: 422 with every line's problem
            let hopeless = try await app.send(.POST, "/api/v1/touchpoints:batch", "{}\n[1]\n", contentType: Self.ndjson, token: platform.token)
            #expect(hopeless.status == .unprocessableEntity && hopeless.problemFields.contains("line 1: personId"))
            // the ingest scope feeds touchpoints and reads nothing
            #expect(try await app.send(.GET, "/api/v1/persons", token: platform.token).status == .forbidden)
        }
    }
}
