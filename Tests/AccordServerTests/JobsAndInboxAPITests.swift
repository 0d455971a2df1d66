import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import NIOCore
import VaporTesting
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

    @Test("the jobs page shows dead jobs to admins, whose retry button makes them available again")
    func jobsPage() async throws {
        try await withAccordApp { app in
            // setup
            try await JobQueue.enqueue("email.send", maxAttempts: 1, on: app.db)
            let job = try #require(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, on: app.db).first)
            _ = try await JobQueue.fail(job, worker: "w", error: "SMTP said 550 mailbox unavailable", on: app.db)
            let admin = try await DefinitionPagesTests.signedIn(app, "admin")
            let rep = try await DefinitionPagesTests.signedIn(app, "rep")
            // act + check
            let page = try await admin.request(.GET, "/jobs")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("SMTP said 550 mailbox unavailable"))
            #expect(page.body.string.contains(#"<td data-state="dead">1</td>"#))
            #expect(try await rep.request(.GET, "/jobs").status == .forbidden)
            let retried = try await admin.request(.POST, "/jobs/\(job.id)/retry",
                                                  form: ["_csrf": try await admin.csrf(on: "/jobs")])
            #expect(retried.status == .seeOther)
            #expect(try await JobModel.find(job.id, on: app.db)?.state == "available")
            let after = try await admin.request(.GET, "/jobs")
            #expect(after.body.string.contains("No dead jobs."))
            // without the form's token nothing happens
            _ = try await JobQueue.claim(worker: "w", limit: 1, lease: 30, on: app.db)
            #expect(try await admin.request(.POST, "/jobs/\(job.id)/retry", form: [:]).status == .forbidden)
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

/// `/metrics`: Prometheus text for admins (or everyone when configured), with requests, jobs and leads.
@Suite struct MetricsTests {
    @Test("metrics need an admin token and report requests, the job queue and open leads by SLA state")
    func metrics() async throws {
        try await withAccordApp { app in
            // setup: one overdue lead, one due job, some requests
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            let rep = try await app.makeUser(role: .rep, team: "North")
            let person = try await app.create("/api/v1/persons", #"{"email": "m@metrics.example"}"#)
            let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(rep.id)"}"#)
            _ = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
            try await LeadModel.query(on: app.db).set(\.$slaDueAt, to: Date().addingTimeInterval(-60)).update()
            try await JobQueue.enqueue("mail.send", on: app.db)
            _ = try await app.send(.GET, "/api/v1/leads/\(UUID())")
            // check: who may scrape
            #expect(try await app.send(.GET, "/metrics", token: nil).status == .unauthorized)
            #expect(try await app.send(.GET, "/metrics", token: rep.token).status == .forbidden)
            #expect(try await app.send(.GET, "/metrics").status == .forbidden, "a write token is not an admin token")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: admin.token)
            let response = try await app.testing().performTest(request: TestingHTTPRequest(
                method: .GET, url: URI(path: "/metrics"), headers: headers, body: ByteBuffer()))
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("text/plain") == true)
            let text = response.body.string
            // check: what it says
            #expect(text.contains(#"accord_http_requests_total{method="GET",route="/api/v1/leads/:leadId",status="404"} 1"#))
            #expect(text.contains(#"accord_jobs{state="available"} "#))
            #expect(text.contains("accord_job_oldest_due_seconds "))
            #expect(text.contains(#"accord_open_leads{sla_state="overdue"} 1"#))
            #expect(text.contains("accord_http_request_duration_seconds_bucket"))
            #expect(text.contains(#"accord_webhook_deliveries{status="dead"} 0"#))
            #expect(text.contains("accord_webhook_deliveries_failing 0"))
        }
    }
}
