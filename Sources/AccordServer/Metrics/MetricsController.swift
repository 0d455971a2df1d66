import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Prometheus
import SQLKit
import Vapor

/// `GET /metrics` in Prometheus' text format: requests by route and status with their durations (counted by
/// `RequestMetricsMiddleware`), and, read from the database at each scrape so every instance reports the same,
/// the job queue's depth by state and the age of the oldest due job, and open leads by SLA state.
/// Needs an admin token unless `ACCORD_METRICS_PUBLIC=1`.
struct MetricsController: RouteCollection {
    let isPublic: Bool

    func boot(routes: any RoutesBuilder) throws {
        let route = routes.get("metrics", use: Self.scrape)
        if isPublic { route.access(.open) } else { route.requires(.manage, .users) }
        route.openAPI(.init(
            tags: ["system"], summary: "Prometheus metrics",
            description: "Text exposition format. Needs an admin token unless ACCORD_METRICS_PUBLIC=1.",
            operationId: "metrics",
            responses: [200: .b(OpenAPI.Response(description: "Metrics", content: [.txt: .init(schema: .string)])),
                        401: APISchemas.problem("No token"), 403: APISchemas.problem("Not an admin token")]))
    }

    @Sendable static func scrape(_ request: Request) async throws -> Response {
        let metrics = request.application.accordMetrics
        let now = Date()
        let jobs = try await JobQueue.stats(now: now, on: request.db)
        for state in JobState.allCases {
            metrics.registry.makeGauge(name: "accord_jobs", labels: [("state", state.rawValue)],
                                       help: "Background jobs by state (dead: out of attempts)")
                .set(Double(jobs.counts[state] ?? 0))
        }
        metrics.registry.makeGauge(name: "accord_job_oldest_due_seconds",
                                   help: "How long the oldest due job has waited to be claimed").set(jobs.oldestDueSeconds)
        let deliveries = try await Catalog.sqlDatabase(request.db).raw("""
            SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status
            """).all()
        var byStatus: [String: Int] = ["pending": 0, "delivered": 0, "dead": 0, "disabled": 0]
        for row in deliveries { byStatus[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        for (status, count) in byStatus {
            metrics.registry.makeGauge(name: "accord_webhook_deliveries", labels: [("status", status)],
                                       help: "Webhook deliveries by status (dead and disabled are failures)")
                .set(Double(count))
        }
        let failing = try await WebhookDeliveryModel.query(on: request.db).filter(\.$status == "pending")
            .filter(\.$attempts > 0).count()
        metrics.registry.makeGauge(name: "accord_webhook_deliveries_failing",
                                   help: "Pending deliveries whose last attempt failed (waiting for a retry)")
            .set(Double(failing))
        for (state, count) in try await openLeadsBySLAState(now: now, on: request.db) {
            metrics.registry.makeGauge(name: "accord_open_leads", labels: [("sla_state", state)],
                                       help: "Open leads: waiting (due later), overdue, or answered").set(Double(count))
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4",
                                                                                         "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: metrics.registry.emitToString()))
    }

    /// `waiting`, `overdue` and `answered` counts of leads in open stages, aggregated in SQL.
    static func openLeadsBySLAState(now: Date, on database: any Database) async throws -> [(String, Int)] {
        let open = LeadStage.allCases.filter(\.isOpen).map(\.rawValue)
        let row = try await Catalog.sqlDatabase(database).raw("""
            SELECT
              SUM(CASE WHEN stage = \(bind: LeadStage.mql.rawValue) AND first_action_at IS NULL
                        AND (sla_due_at IS NULL OR sla_due_at >= \(bind: now)) THEN 1 ELSE 0 END) AS waiting,
              SUM(CASE WHEN stage = \(bind: LeadStage.mql.rawValue) AND first_action_at IS NULL
                        AND sla_due_at < \(bind: now) THEN 1 ELSE 0 END) AS overdue,
              SUM(CASE WHEN NOT (stage = \(bind: LeadStage.mql.rawValue) AND first_action_at IS NULL) THEN 1 ELSE 0 END)
                AS answered
            FROM leads WHERE stage IN (\(binds: open))
            """).first()
        return try ["waiting", "overdue", "answered"].map { name in
            (name, try row?.decode(column: name, as: Int?.self) ?? 0)
        }
    }
}

/// The process's metrics registry.
final class AccordMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let durationBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                              .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                              .seconds(2.5), .seconds(5), .seconds(10)]

    /// Counts one request and its duration under its route pattern (never the raw path: ids would explode it).
    func record(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(name: "accord_http_requests_total", labels: labels, help: "HTTP requests").increment()
        registry.makeDurationHistogram(name: "accord_http_request_duration_seconds",
                                       labels: [("method", method), ("route", route)],
                                       buckets: Self.durationBuckets, help: "HTTP request durations").record(duration)
    }
}

private struct MetricsKey: StorageKey {
    typealias Value = AccordMetrics
}

extension Application {
    var accordMetrics: AccordMetrics {
        get {
            if let metrics = storage[MetricsKey.self] { return metrics }
            let metrics = AccordMetrics()
            storage[MetricsKey.self] = metrics
            return metrics
        }
        set { storage[MetricsKey.self] = newValue }
    }
}

/// Times every request and counts it by method, route pattern and status.
struct RequestMetricsMiddleware: AsyncMiddleware {
    let metrics: AccordMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next.respond(to: request)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code,
                       duration: clock.now - start)
        return response
    }
}
