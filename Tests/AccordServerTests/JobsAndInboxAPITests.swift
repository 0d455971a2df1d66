import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The admin's view of background jobs, and everyone's own inbox.
@Suite struct JobsAndInboxAPITests {
    @Test("admins list jobs by state and retry a dead one; nobody else sees the queue")
    func jobs() async throws {
        try await withAccordApp { app in
            // setup: a job that dies at its first failure
            try await JobQueue.enqueue("mail.send", maxAttempts: 1, on: app.db)
            let job = try #require(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, on: app.db).first)
            #expect(try await JobQueue.fail(job, worker: "w", error: "connection refused", on: app.db) == .dead)
            let rep = try await app.makeUser(role: .rep, team: "North")
            // act + check
            let dead = try await app.send(.GET, "/api/v1/jobs?state=dead")
            #expect(dead.status == .ok)
            #expect(dead.items.count == 1)
            #expect(try await app.send(.GET, "/api/v1/jobs", token: rep.token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/jobs?state=sleeping").status == .unprocessableEntity)
            let retried = try await app.send(.POST, "/api/v1/jobs/\(job.id)/retry")
            #expect(retried.status == .ok, "\(retried.json)")
            #expect(retried.string("state") == "available")
            #expect(retried.string("lastError") == "connection refused")
            #expect(try await app.send(.POST, "/api/v1/jobs/\(job.id)/retry").status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/jobs/\(UUID())/retry").status == .notFound)
        }
    }

    @Test("the inbox shows only the caller's notifications, and marks them read")
    func inbox() async throws {
        try await withAccordApp { app in
            let ana = try await app.makeUser(role: .rep, team: "North")
            let ben = try await app.makeUser(role: .rep, team: "North")
            for title in ["one", "two"] {
                try await NotificationModel(userID: ana.id, kind: "lead.sla_warning", title: title, body: "b", leadID: nil,
                                            at: Date()).create(on: app.db)
            }
            try await NotificationModel(userID: ben.id, kind: "lead.sla_breached", title: "Ben's", body: "b", leadID: nil,
                                        at: Date()).create(on: app.db)
            let mine = try await app.send(.GET, "/api/v1/inbox?unread=true", token: ana.token)
            #expect(mine.items.count == 2)
            let first = try #require(mine.items.first.flatMap { if case let .object(o) = $0, case let .string(id)? = o["id"] { id } else { nil } })
            let bens = try #require(try await NotificationModel.query(on: app.db).filter(\.$user.$id == ben.id).first())
            #expect(try await app.send(.POST, "/api/v1/inbox/\(bens.id!)/read", token: ana.token).status == .notFound)
            let read = try await app.send(.POST, "/api/v1/inbox/\(first)/read", token: ana.token)
            #expect(read.status == .ok && read.string("readAt") != nil)
            #expect(try await app.send(.GET, "/api/v1/inbox?unread=true", token: ana.token).items.count == 1)
            let all = try await app.send(.POST, "/api/v1/inbox:read-all", token: ana.token)
            #expect(all["marked"] == .integer(1))
            #expect(try await app.send(.GET, "/api/v1/inbox?unread=true", token: ben.token).items.count == 1)
        }
    }
}
