import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// `Idempotency-Key` on creating POSTs (DESIGN.md): replay, 422 on another body, 409 while the first runs,
/// per-client scope, kept 24 hours; twenty parallel requests with one key run once.
@Suite struct IdempotencyTests {
    static func key(_ value: String) -> HTTPHeaders { ["Idempotency-Key": value] }

    static let touch = #"[{"email": "idem@acme.example", "kind": "visited", "side": "marketing", "channel": "website", "occurredAt": "2026-01-05T10:00:00Z"}]"#

    @Test("the same key and body replays; another body is refused; another client has its own keys; a failure gives the key back")
    func replay() async throws {
        try await withAccordApp { app in
            let first = try await app.send(.POST, "/api/v1/persons", #"{"email": "ida@acme.example"}"#, headers: Self.key("k-1"))
            #expect(first.status == .created)
            let again = try await app.send(.POST, "/api/v1/persons", #"{"email": "ida@acme.example"}"#, headers: Self.key("k-1"))
            #expect(again.status == .ok && again.string("id") == first.string("id") && again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.headers.contentType == .json)
            let other = try await app.send(.POST, "/api/v1/persons", #"{"email": "otto@acme.example"}"#, headers: Self.key("k-1"))
            #expect(other.status == .unprocessableEntity && other.problemFields == ["Idempotency-Key"])
            #expect(try await PersonModel.query(on: app.db).count() == 1)
            // another client's key of the same name is theirs
            let marketer = try await app.makeUser(role: .marketer)
            let theirs = try await app.send(.POST, "/api/v1/persons", #"{"email": "otto@acme.example"}"#, token: marketer.token, headers: Self.key("k-1"))
            #expect(theirs.status == .created)
            // a request that fails keeps nothing: the corrected request may use the key
            let bad = try await app.send(.POST, "/api/v1/leads", #"{"personId": "nope"}"#, headers: Self.key("k-2"))
            #expect(bad.status == .unprocessableEntity)
            let good = try await app.send(.POST, "/api/v1/leads", #"{"personId": "\#(first.string("id")!)"}"#, headers: Self.key("k-2"))
            #expect(good.status == .created, "\(good.json)")
            // batches: a replay stores nothing new
            let batch = try await app.send(.POST, "/api/v1/touchpoints:batch", Self.touch, headers: Self.key("b-1"))
            let replayed = try await app.send(.POST, "/api/v1/touchpoints:batch", Self.touch, headers: Self.key("b-1"))
            #expect(batch.status == .created && replayed.status == .ok && replayed["ids"] == batch["ids"])
            #expect(try await TouchpointModel.query(on: app.db).count() == 1)
            // a key must be sensible
            let blank = try await app.send(.POST, "/api/v1/persons", #"{"email": "x@acme.example"}"#, headers: Self.key(String(repeating: "k", count: 300)))
            #expect(blank.problemFields == ["Idempotency-Key"])
        }
    }

    @Test("twenty parallel requests with one key: one execution, the others wait (409) or replay it")
    func parallel() async throws {
        try await withAccordApp { app in
            // touchpoints without an event id: without the key every request would store one
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await app.send(.POST, "/api/v1/touchpoints:batch", Self.touch, headers: Self.key("parallel-1")).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(try await TouchpointModel.query(on: app.db).count() == 1)
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { [.created, .ok, .conflict].contains($0) }, "\(statuses)")
            let after = try await app.send(.POST, "/api/v1/touchpoints:batch", Self.touch, headers: Self.key("parallel-1"))
            #expect(after.status == .ok && after.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }

    @Test("a running claim answers 409; keys replay for 24 hours, then the key is free again")
    func lifetime() async throws {
        try await withStore { store in
            let database = store.database
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            guard case let .proceed(owner) = try await IdempotencyKeys.claim(scope: "user:a", key: "k", fingerprint: "f1", now: start, on: database) else {
                Issue.record("the first claim did not proceed"); return
            }
            #expect(try await IdempotencyKeys.claim(scope: "user:a", key: "k", fingerprint: "f1", now: start, on: database) == .inProgress)
            #expect(try await IdempotencyKeys.claim(scope: "user:a", key: "k", fingerprint: "f2", now: start, on: database) == .mismatch)
            let stored = IdempotencyKeys.Stored(status: 201, contentType: "application/json", location: nil, body: "{}")
            try await IdempotencyKeys.finish(scope: "user:a", key: "k", owner: owner, response: stored, on: database)
            #expect(try await IdempotencyKeys.claim(scope: "user:a", key: "k", fingerprint: "f1", now: start.addingTimeInterval(23 * 3600), on: database) == .replay(stored))
            if case .proceed = try await IdempotencyKeys.claim(scope: "user:a", key: "k", fingerprint: "f2", now: start.addingTimeInterval(25 * 3600), on: database) {} else {
                Issue.record("an expired key was not free")
            }
        }
    }
}
