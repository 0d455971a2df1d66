import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `GET /api/v1/turnaround` and the page `/turnaround`: how long requests wait for marketing's decision and assets
/// for their reviewers, by person and by team, with the decisions that took the silence path.
struct TurnaroundController: RouteCollection {
    struct GroupDTO: Content {
        var name: String
        var count: Int
        var medianHours: Double?
        var p90Hours: Double?
        var silent: Int
    }

    struct FiguresDTO: Content {
        var overall: GroupDTO
        var byPerson: [GroupDTO]
        var byTeam: [GroupDTO]
    }

    struct DTO: Content {
        var from: Date
        var to: Date
        var requests: FiguresDTO
        var reviews: FiguresDTO
    }

    static var groupSchema: JSONSchema {
        .object(properties: ["name": .string, "count": .integer, "medianHours": .number(required: false),
                             "p90Hours": .number(required: false), "silent": .integer])
    }

    static var schema: JSONSchema {
        let figures = JSONSchema.object(properties: ["overall": groupSchema, "byPerson": .array(items: groupSchema),
                                                     "byTeam": .array(items: groupSchema)])
        return .object(properties: ["from": .string(format: .dateTime), "to": .string(format: .dateTime),
                                    "requests": figures, "reviews": figures])
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").get("turnaround", use: Self.figures).requires(.read, .analytics).openAPI(.init(
            tags: ["requests"], summary: "Time to decision for requests and reviews",
            description: "Decisions taken in [from, to): requests from submission to marketing's accept or decline, "
                + "reviews from the reviewer being asked (for the current version) to their decision; overall, by the "
                + "person who decided and by their team; nearest-rank median and 90th percentile in hours; silent: "
                + "reviews that cleared by the approve_on_silence policy.",
            operationId: "turnaround",
            parameters: [
                .b(OpenAPI.Parameter(name: "from", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "First day (default: 90 days before to)")),
                .b(OpenAPI.Parameter(name: "to", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "Last day, included (default: now); an ISO 8601 time is exclusive")),
            ],
            responses: [200: APISchemas.json("The figures", Self.schema),
                        403: APISchemas.problem("Reps do not see analytics"),
                        422: APISchemas.problem("A date is wrong, or from is not before to")]))
        routes.get("turnaround", use: Self.page).webPage().requires(.read, .analytics)
    }

    static func report(_ request: Request) async throws -> Turnarounds.Report {
        var problems = ValidationReport()
        let (from, to) = AnalyticsController.period(request, into: &problems, defaultDays: 90)
        for name in request.url.queryParameterNames where name != "from" && name != "to" {
            problems.add(name, "is not a parameter of turnaround; parameters: from, to")
        }
        try problems.throwIfInvalid()
        return try await Turnarounds.report(from: from, to: to, on: request.db)
    }

    @Sendable static func figures(_ request: Request) async throws -> DTO {
        let report = try await report(request)
        return DTO(from: report.from, to: report.to, requests: dto(report.requests), reviews: dto(report.reviews))
    }

    static func dto(_ figures: Turnarounds.Figures) -> FiguresDTO {
        func group(_ name: String, _ value: Turnaround) -> GroupDTO {
            GroupDTO(name: name, count: value.count, medianHours: value.medianHours, p90Hours: value.p90Hours, silent: value.silent)
        }
        return FiguresDTO(overall: group("everyone", figures.overall),
                          byPerson: figures.byPerson.map { group($0.name, $0.figures) },
                          byTeam: figures.byTeam.map { group($0.name, $0.figures) })
    }

    // MARK: Page

    struct Row: Encodable {
        var name: String
        var count: Int
        var median: String
        var p90: String
        var silent: Int
    }

    struct Section: Encodable {
        var id: String
        var title: String
        var overall: Row
        var people: [Row]
        var teams: [Row]
        var chart: String
    }

    struct Page: Encodable {
        var shell: Shell
        var from: String
        var to: String
        var sections: [Section]
    }

    @Sendable static func page(_ request: Request) async throws -> View {
        let report = try await report(request)
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f h", $0) } ?? "–" }
        func row(_ name: String, _ value: Turnaround) -> Row {
            Row(name: name, count: value.count, median: hours(value.medianHours), p90: hours(value.p90Hours), silent: value.silent)
        }
        func section(_ id: String, _ title: String, _ figures: Turnarounds.Figures) -> Section {
            let longest = figures.byPerson.compactMap(\.figures.p90Hours).max() ?? 0
            let bars = figures.byPerson.prefix(15).map { group in
                BarChart.Bar(label: group.name, share: longest > 0 ? (group.figures.medianHours ?? 0) / longest : 0,
                             value: "median \(hours(group.figures.medianHours)), p90 \(hours(group.figures.p90Hours))")
            }
            return Section(id: id, title: title, overall: row("Everyone", figures.overall),
                           people: figures.byPerson.map { row($0.name, $0.figures) },
                           teams: figures.byTeam.map { row($0.name, $0.figures) },
                           chart: BarChart.svg(id: "\(id)-chart", title: "\(title): median hours to decision by person",
                                               bars: Array(bars)))
        }
        return try await request.view.render("turnaround", Page(
            shell: Shell(title: "Turnaround", request: request),
            from: CalendarDate.format(report.from), to: CalendarDate.format(report.to.addingTimeInterval(-1)),
            sections: [section("requests", "Requests to marketing", report.requests),
                       section("reviews", "Collateral reviews", report.reviews)]))
    }
}
