import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
@testable import AccordServer

/// Outbound webhooks against a real local HTTP receiver that checks the Standard Webhooks signature itself.
@Suite struct WebhookTests {
    /// What the receiver saw: per path, the `webhook-id`s, whether each signature held, and the bodies.
    final class Receiver: Sendable {
        struct Hit: Sendable {
            var id: String
            var validSignature: Bool
            var body: String
        }

        let hits = NIOLockedValueBox<[String: [Hit]]>([:])
        let secrets = NIOLockedValueBox<[String: String]>([:])

        /// Standard Webhooks verification, written from the specification (not with Accord's code).
        func verify(_ request: Request, path: String) -> Bool {
            guard let secret = secrets.withLockedValue({ $0[path] }),
                  let id = request.headers.first(name: "webhook-id"),
                  let timestamp = request.headers.first(name: "webhook-timestamp"),
                  let signature = request.headers.first(name: "webhook-signature"),
                  let key = Data(base64Encoded: String(secret.dropFirst(6))),
                  let seconds = Double(timestamp), abs(Date().timeIntervalSince1970 - seconds) < 300 else { return false }
            let body = request.body.string ?? ""
            let expected = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8),
                                                           using: SymmetricKey(data: key))
            return signature.split(separator: " ").contains { $0 == "v1," + Data(expected).base64EncodedString() }
        }

        func record(_ request: Request, path: String) {
            let hit = Hit(id: request.headers.first(name: "webhook-id") ?? "", validSignature: verify(request, path: path),
                          body: request.body.string ?? "")
            hits.withLockedValue { $0[path, default: []].append(hit) }
        }

        func count(_ path: String) -> Int { hits.withLockedValue { $0[path]?.count ?? 0 } }
    }

    @Test("deliveries are signed, retried after a failure with the same id, logged; a 410 disables the endpoint")
    func deliveries() async throws {
        try await withAccordApp { app in
            // setup: the receiver on a free port; /hook fails once, then accepts; /gone is gone
            let receiver = Receiver()
            let server = try await Application.make(.testing)
            server.http.server.configuration.port = 0
            server.post("hook") { request -> HTTPStatus in
                receiver.record(request, path: "hook")
                return receiver.count("hook") == 1 ? .internalServerError : .noContent
            }
            server.post("gone") { request -> HTTPStatus in
                receiver.record(request, path: "gone")
                return .gone
            }
            try await server.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(server.http.server.shared.localAddress?.port)
            do {
                let admin = try await app.makeUser(role: .admin, scopes: [.admin]).token
                let hook = try await app.send(.POST, "/api/v1/webhooks",
                                              #"{"url": "http://127.0.0.1:\#(port)/hook", "events": ["lead.assigned", "lead.sla_breached"]}"#,
                                              token: admin)
                #expect(hook.status == .created, "\(hook.json)")
                let gone = try await app.send(.POST, "/api/v1/webhooks",
                                              #"{"url": "http://127.0.0.1:\#(port)/gone", "events": ["lead.assigned"]}"#,
                                              token: admin)
                receiver.secrets.withLockedValue {
                    $0["hook"] = hook.string("secret")
                    $0["gone"] = gone.string("secret")
                }
                #expect(hook.string("secret")?.hasPrefix("whsec_") == true)
                let bad = try await app.send(.POST, "/api/v1/webhooks", #"{"url": "ftp://x", "events": ["lead.exploded"]}"#,
                                             token: admin)
                #expect(Set(bad.problemFields) == ["url", "events[0]"])
                #expect(try await app.send(.GET, "/api/v1/webhooks").status == .forbidden, "a write token is not enough")
                // act: a lead is assigned, and the jobs run (the retry's time comes 10 s later)
                let rep = try await app.makeUser(role: .rep, team: "North")
                let person = try await app.create("/api/v1/persons", #"{"email": "w@hooks.example"}"#)
                let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(rep.id)"}"#)
                _ = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
                let runner = AccordJobs.runner(for: app)
                _ = try await runner.drain(kinds: [WebhookOutbox.jobKind])
                _ = try await runner.drain(kinds: [WebhookOutbox.jobKind], now: { Date().addingTimeInterval(10) })
                // check: two signed attempts with one id; the body is the event
                let hits = receiver.hits.withLockedValue { $0["hook"] ?? [] }
                #expect(hits.count == 2)
                let allSigned = hits.allSatisfy { $0.validSignature }
                #expect(allSigned)
                #expect(Set(hits.map(\.id)).count == 1 && hits[0].id.hasPrefix("msg_"))
                let body = try JSONDecoder().decode(JSONValue.self, from: Data(hits[0].body.utf8))
                guard case let .object(fields) = body, case let .object(data)? = fields["data"] else {
                    Issue.record("not an event body: \(hits[0].body)")
                    return
                }
                #expect(fields["type"] == .string("lead.assigned"))
                #expect(data["leadId"] == .string(lead.uppercased()) || data["leadId"] == .string(lead))
                let log = try await app.send(.GET, "/api/v1/webhooks/\(hook.string("id")!)/deliveries", token: admin)
                #expect(log.items.count == 1)
                if case let .object(entry)? = log.items.first {
                    #expect(entry["status"] == .string("delivered"))
                    #expect(entry["attempts"] == .integer(2))
                }
                // the 410 endpoint was disabled after its first answer and gets nothing more
                #expect(receiver.count("gone") == 1)
                let disabled = try await app.send(.GET, "/api/v1/webhooks/\(gone.string("id")!)", token: admin)
                #expect(disabled["isActive"] == .bool(false))
                #expect(disabled.string("disabledReason")?.hasPrefix("answered 410 Gone") == true)
            } catch {
                await server.server.shutdown()
                try? await server.asyncShutdown()
                throw error
            }
            await server.server.shutdown()
            try await server.asyncShutdown()
        }
    }

    /// The vector in docs/webhooks.md and Tests/Webhooks/receiver_test.py, signed by the Standard Webhooks Python
    /// library (`standardwebhooks` 1.1.0, `Webhook.sign`): Accord's signature must be the same bytes.
    static let vector = (secret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", id: "msg_0001", timestamp: 1_767_225_600,
                         body: #"{"data":{"leadId":"0F1E2D3C-0000-4000-8000-000000000001","stage":"mql"},"timestamp":"2026-01-01T00:00:00.000Z","type":"lead.assigned"}"#,
                         signature: "v1,Z4sKWwgUVyD6JEMEIMFxWTn6ynMdCacYG8ezF+d79po=")

    @Test("signatures equal the Standard Webhooks reference library's for the documented vector")
    func referenceVector() {
        let vector = Self.vector
        #expect(WebhookSender.signature(secret: vector.secret, id: vector.id, timestamp: vector.timestamp, body: vector.body) == vector.signature)
        #expect(WebhookSender.signature(secret: vector.secret, id: vector.id, timestamp: vector.timestamp + 1, body: vector.body) != vector.signature)
    }

    @Test("the retry schedule is the documented one")
    func schedule() {
        #expect(WebhookDelivery.outcome(attempt: 1, status: 500) == .retry(after: 5))
        #expect(WebhookDelivery.outcome(attempt: 2, status: nil) == .retry(after: 300))
        #expect(WebhookDelivery.outcome(attempt: 6, status: 503) == .retry(after: 36_000))
        #expect(WebhookDelivery.outcome(attempt: 7, status: 503) == .dead)
        #expect(WebhookDelivery.outcome(attempt: 3, status: 204) == .delivered)
        #expect(WebhookDelivery.outcome(attempt: 1, status: 410) == .endpointGone)
    }
}
