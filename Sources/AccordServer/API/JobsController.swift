import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `GET /api/v1/jobs` (filter by `state`, `kind`), `GET /api/v1/jobs/{jobId}` and
/// `POST /api/v1/jobs/{jobId}/retry` (a dead job gets new attempts): background jobs, for admins.
struct JobsController: RouteCollection {
    struct DTO: Content {
        var id: UUID
        var kind: String
        var payload: String
        var uniqueKey: String?
        var state: String
        var runAt: Date
        var attempt: Int
        var maxAttempts: Int
        var leaseOwner: String?
        var leaseExpiresAt: Date?
        var lastError: String?
        var createdAt: Date
        var completedAt: Date?
    }

    static let filters: [ListFilter<JobModel>] = [
        .choice("state", column: "state", JobState.self, "Jobs in these states (dead: out of attempts)"),
        .text("kind", column: "kind", "Jobs of this kind"),
    ]

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "kind": .string, "payload": .string, "uniqueKey": .string(required: false),
            "state": APISchemas.choice(JobState.self), "runAt": .string(format: .dateTime), "attempt": .integer,
            "maxAttempts": .integer, "leaseOwner": .string(required: false),
            "leaseExpiresAt": .string(format: .dateTime, required: false), "lastError": .string(required: false),
            "createdAt": .string(format: .dateTime), "completedAt": .string(format: .dateTime, required: false),
        ])
    }

    func boot(routes: any RoutesBuilder) throws {
        let jobs = routes.grouped("api", "v1", "jobs")
        jobs.get(use: Self.list).requires(.read, .jobs).openAPI(.init(
            tags: ["jobs"], summary: "List background jobs", operationId: "listJobs",
            parameters: ListFilter.parameters(Self.filters),
            responses: [200: APISchemas.json("A page of jobs", APISchemas.list(of: Self.schema)),
                        422: APISchemas.problem("A filter, limit or cursor is invalid")]))
        jobs.get(":jobId", use: Self.read).requires(.read, .jobs).openAPI(.init(
            tags: ["jobs"], summary: "Read a background job", operationId: "getJob",
            responses: [200: APISchemas.json("The job", Self.schema), 404: APISchemas.problem("No such job")]))
        jobs.post(":jobId", "retry", use: Self.retry).requires(.update, .jobs).openAPI(.init(
            tags: ["jobs"], summary: "Retry a dead job", description: "Gives a dead job three more attempts, from now.",
            operationId: "retryJob",
            responses: [200: APISchemas.json("The job, available again", Self.schema),
                        404: APISchemas.problem("No such job"), 409: APISchemas.problem("The job is not dead")]))
        routes.get("jobs", use: Self.page).webPage().requires(.read, .jobs)
        routes.post("jobs", ":jobId", "retry", use: Self.pageRetry).webPage().requires(.update, .jobs)
    }

    static func dto(_ job: JobModel) -> DTO {
        DTO(id: job.id!, kind: job.kind, payload: job.payload, uniqueKey: job.uniqueKey, state: job.state,
            runAt: job.runAt, attempt: job.attempt, maxAttempts: job.maxAttempts, leaseOwner: job.leaseOwner,
            leaseExpiresAt: job.leaseExpiresAt, lastError: job.lastError, createdAt: job.createdAt,
            completedAt: job.completedAt)
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let builder = JobModel.query(on: request.db)
        let page = try request.listPage(filters: filters, on: builder, entity: "jobs")
        let result = try await builder.page(page)
        return ListDTO(items: result.items.map(dto), nextCursor: result.nextCursor)
    }

    static func find(_ request: Request) async throws -> JobModel {
        try await request.record(JobModel.self, parameter: "jobId", entity: "job")
    }

    @Sendable static func read(_ request: Request) async throws -> DTO {
        dto(try await find(request))
    }

    @Sendable static func retry(_ request: Request) async throws -> DTO {
        dto(try await retried(request))
    }

    /// Gives the dead job named in the path new attempts, audited; 409 when it is not dead.
    static func retried(_ request: Request) async throws -> JobModel {
        let job = try await find(request)
        guard try await JobQueue.retry(job.id!, on: request.db) else {
            throw AccordError.conflict("Job \(job.id!) is \(job.state), not dead; only dead jobs are retried.")
        }
        try await AuditTrail.record(request.auditActor, entity: "job", id: job.id!, action: "retry",
                                    changes: ["state": .init(before: .string(job.state), after: .string("available"))],
                                    requestID: request.id, on: request.db)
        return try await find(request)
    }

    struct Page: Encodable {
        struct Count: Encodable {
            var state: String
            var count: Int
        }

        struct Dead: Encodable {
            var id: String
            var kind: String
            var attempts: Int
            var lastError: String
            var created: String
        }

        struct Delivery: Encodable {
            var endpoint: String
            var event: String
            var status: String
            var attempts: Int
            var lastError: String
            var next: String
        }

        var shell: Shell
        var counts: [Count]
        var oldest: String
        var dead: [Dead]
        var mayRetry: Bool
        var deliveries: [Delivery]
    }

    /// `/jobs`: the queue at a glance, the dead jobs with a retry button, and webhook deliveries that failed.
    @Sendable static func page(_ request: Request) async throws -> View {
        let now = Date()
        let stats = try await JobQueue.stats(now: now, on: request.db)
        let dead = try await JobModel.query(on: request.db).filter(\.$state == JobState.dead.rawValue)
            .sort(\.$updatedAt, .descending).limit(200).all()
        let failed = try await WebhookDeliveryModel.query(on: request.db).filter(\.$status != "delivered")
            .filter(\.$attempts > 0).with(\.$endpoint).sort(\.$createdAt, .descending).limit(200).all()
        func ago(_ date: Date) -> String { RelativeTime.span(now.timeIntervalSince(date)) + " ago" }
        let principal = try request.principal()
        return try await request.view.render("jobs", Page(
            shell: Shell(title: "Jobs", request: request),
            counts: JobState.allCases.map { .init(state: $0.rawValue, count: stats.counts[$0] ?? 0) },
            oldest: stats.oldestDueSeconds > 0 ? RelativeTime.span(stats.oldestDueSeconds) : "none",
            dead: dead.map { job in
                .init(id: job.id!.uuidString, kind: job.kind, attempts: job.attempt, lastError: job.lastError ?? "",
                      created: ago(job.createdAt))
            },
            mayRetry: { if case .allowed = AccessPolicy.decide(principal, .update, .jobs) { true } else { false } }(),
            deliveries: failed.map { delivery in
                .init(endpoint: delivery.endpoint.url, event: delivery.eventType, status: delivery.status,
                      attempts: delivery.attempts,
                      lastError: delivery.lastError ?? delivery.responseStatus.map { "HTTP \($0)" } ?? "",
                      next: delivery.nextAttemptAt.map { RelativeTime.describe($0, now: now) } ?? "none")
            }))
    }

    @Sendable static func pageRetry(_ request: Request) async throws -> Response {
        _ = try await retried(request)
        return request.redirect(to: "/jobs", redirectType: .normal)
    }
}
