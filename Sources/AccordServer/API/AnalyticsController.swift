import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `GET /api/v1/analytics/lead-quality` (acceptance, rejection reasons, objections and feedback completeness by
/// campaign, channel, definition version, rep, team, month or priority) and `GET /api/v1/analytics/stale-persons`
/// (persons whose data is flagged wrong or old, by source).
struct AnalyticsController: RouteCollection {
    struct QualityDTO: Content {
        var by: String
        var from: Date
        var to: Date
        var groups: [Group]
        var total: Counts

        struct Group: Content {
            var key: String
            var label: String
            var counts: Counts
        }

        struct Counts: Content {
            var leads: Int
            var accepted: Int
            var rejected: Int
            var undecided: Int
            var acceptanceRate: Double?
            var due: Int
            var decidedInTime: Int
            var feedbackCompleteness: Double?
            var reasons: [String: Int]
            var objections: [String: Int]
        }
    }

    struct StaleDTO: Content {
        var olderThanDays: Int
        var olderThan: Date
        var totalFlagged: Int
        var totalStale: Int
        var sources: [Source]
        var items: [Person]

        struct Source: Content {
            var source: String
            var persons: Int
            var flagged: Int
            var stale: Int
        }

        struct Person: Content {
            var id: UUID
            var email: String
            var name: String
            var source: String
            var flaggedAt: Date?
            var flagReason: String?
            var updatedAt: Date?
        }
    }

    static let countsSchema: JSONSchema = .object(properties: [
        "leads": .integer, "accepted": .integer, "rejected": .integer, "undecided": .integer,
        "acceptanceRate": .number(required: false, nullable: true), "due": .integer, "decidedInTime": .integer,
        "feedbackCompleteness": .number(required: false, nullable: true),
        "reasons": .object(additionalProperties: .init(.integer)), "objections": .object(additionalProperties: .init(.integer)),
    ])

    func boot(routes: any RoutesBuilder) throws {
        let analytics = routes.grouped("api", "v1", "analytics")
        analytics.get("lead-quality", use: Self.leadQuality).requires(.read, .analytics).openAPI(.init(
            tags: ["analytics"], summary: "Lead quality by campaign, channel, definition, rep, team, month or priority",
            description: "For leads qualified in [from, to): handed over, accepted, rejected, acceptance rate, rejection "
                + "reasons and objections; feedback completeness is the share of due leads decided within their SLA.",
            operationId: "leadQuality",
            parameters: [
                .b(OpenAPI.Parameter(name: "by", context: .query(required: false), schema: APISchemas.choice(QualityDimension.self),
                                     description: "The grouping (default campaign)")),
                .b(OpenAPI.Parameter(name: "from", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "First day (default: a year before to)")),
                .b(OpenAPI.Parameter(name: "to", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "Last day, included (default: now); an ISO 8601 time is exclusive")),
            ],
            responses: [200: APISchemas.json("The report", .object(properties: [
                "by": APISchemas.choice(QualityDimension.self), "from": .string(format: .dateTime),
                "to": .string(format: .dateTime),
                "groups": .array(items: .object(properties: ["key": .string, "label": .string, "counts": Self.countsSchema])),
                "total": Self.countsSchema,
            ])), 403: APISchemas.problem("Reps do not see analytics"), 422: APISchemas.problem("A parameter is invalid")]))
        analytics.get("stale-persons", use: Self.stalePersons).requires(.read, .analytics).openAPI(.init(
            tags: ["analytics"], summary: "Persons whose data is flagged wrong or older than an age, by source",
            operationId: "stalePersons",
            parameters: [.b(OpenAPI.Parameter(name: "olderThanDays", context: .query(required: false),
                                              schema: .integer(maximum: (3_650, exclusive: false), minimum: (1, exclusive: false)),
                                              description: "Data not updated for this many days is stale (default 365)"))],
            responses: [200: APISchemas.json("The report", .object(properties: [
                "olderThanDays": .integer, "olderThan": .string(format: .dateTime), "totalFlagged": .integer,
                "totalStale": .integer,
                "sources": .array(items: .object(properties: ["source": .string, "persons": .integer, "flagged": .integer,
                                                              "stale": .integer])),
                "items": .array(items: .object(properties: [
                    "id": APISchemas.uuid(), "email": .string, "name": .string, "source": .string,
                    "flaggedAt": .string(format: .dateTime, required: false, nullable: true),
                    "flagReason": .string(required: false, nullable: true),
                    "updatedAt": .string(format: .dateTime, required: false, nullable: true),
                ])),
            ])), 403: APISchemas.problem("Reps do not see data reports"), 422: APISchemas.problem("olderThanDays is invalid")]))
    }

    /// The period and grouping of a quality request.
    static func qualityParameters(_ request: Request) throws -> (QualityDimension, Date, Date) {
        var report = ValidationReport()
        let by = report.check("by") { () throws(FieldError) -> QualityDimension in
            try QualityDimension.parse(request.query[String.self, at: "by"] ?? "campaign")
        } ?? .campaign
        let (from, to) = period(request, into: &report)
        try report.throwIfInvalid()
        return (by, from, to)
    }

    /// `?from=&to=`: dates (or ISO 8601 times); a date for `to` means that whole day (the pages show and send the
    /// last day included); by default the `defaultDays` (a year) up to now.
    static func period(_ request: Request, into report: inout ValidationReport, defaultDays: Double = 365) -> (Date, Date) {
        let toText = request.query[String.self, at: "to"] ?? ""
        let to = request.queryDay("to", into: &report).map { toText.contains("T") ? $0 : $0.addingTimeInterval(86_400) } ?? Date()
        let from = request.queryDay("from", into: &report) ?? to.addingTimeInterval(-defaultDays * 86_400)
        if from >= to { report.add("from", "must be before to") }
        return (from, to)
    }

    @Sendable static func leadQuality(_ request: Request) async throws -> QualityDTO {
        let (by, from, to) = try qualityParameters(request)
        return dto(try await LeadQualityQuery.report(by: by, from: from, to: to, on: request.db))
    }

    static func dto(_ report: QualityReport) -> QualityDTO {
        func counts(_ counts: QualityCounts) -> QualityDTO.Counts {
            .init(leads: counts.leads, accepted: counts.accepted, rejected: counts.rejected, undecided: counts.undecided,
                  acceptanceRate: counts.acceptanceRate, due: counts.due, decidedInTime: counts.decidedInTime,
                  feedbackCompleteness: counts.feedbackCompleteness, reasons: counts.reasons, objections: counts.objections)
        }
        return QualityDTO(by: report.dimension.rawValue, from: report.from, to: report.to,
                          groups: report.groups.map { .init(key: $0.key, label: $0.label, counts: counts($0.counts)) },
                          total: counts(report.total))
    }

    static func staleParameters(_ request: Request) throws -> Int {
        guard let raw = request.query[String.self, at: "olderThanDays"] else { return 365 }
        guard let days = Int(raw), (1...3_650).contains(days) else {
            throw AccordError.validation([FieldError(field: "olderThanDays", problem: "must be a whole number of days from 1 to 3650")])
        }
        return days
    }

    static func source(_ row: DataQuality.SourceRow) -> StaleDTO.Source {
        StaleDTO.Source(source: row.source, persons: row.persons, flagged: row.flagged, stale: row.stale)
    }

    @Sendable static func stalePersons(_ request: Request) async throws -> StaleDTO {
        let days = try staleParameters(request)
        let report = try await DataQuality.report(olderThanDays: days, on: request.db)
        return StaleDTO(olderThanDays: days, olderThan: report.olderThan, totalFlagged: report.totalFlagged,
                        totalStale: report.totalStale,
                        sources: report.sources.map(source),
                        items: report.persons.map { .init(id: $0.id, email: $0.email, name: $0.name, source: $0.source,
                                                          flaggedAt: $0.flaggedAt, flagReason: $0.flagReason,
                                                          updatedAt: $0.updatedAt) })
    }
}
