import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

extension ScorecardDocument: Content {}

/// `GET /api/v1/scorecard` (JSON or CSV) and the page `/scorecard`: the shared scorecard of a week, month or quarter
/// in ACCORD_TIMEZONE against the period before, for the company and per team, rep, campaign or channel.
struct ScorecardController: RouteCollection {
    struct Parameters {
        var kind: ScorecardPeriodKind
        var at: Date
        var atText: String
        var dimension: ScorecardDimension?
        var csv: Bool
    }

    static let parameterNames: Set<String> = ["period", "at", "by", "format"]

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").get("scorecard", use: Self.scorecard).requires(.read, .scorecard).openAPI(.init(
            tags: ["analytics"], summary: "The shared scorecard of a week, month or quarter",
            description: "Marketing's, sales' and the shared figures of the period containing `at` (ISO weeks, calendar "
                + "months and quarters in ACCORD_TIMEZONE) against the period before, for everyone and, with `by`, per "
                + "team, rep, campaign or channel; the trend over the periods before, SLA compliance by rep and weekday, "
                + "and revenue at risk from stale leads with its inputs. Percentiles are nearest rank. A rep's scorecard "
                + "counts their own leads. docs/scorecard.md defines every figure.",
            operationId: "scorecard",
            parameters: [
                .b(OpenAPI.Parameter(name: "period", context: .query(required: false),
                                     schema: APISchemas.choice(ScorecardPeriodKind.self), description: "Default week")),
                .b(OpenAPI.Parameter(name: "at", context: .query(required: false),
                                     schema: .string(pattern: #"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#),
                                     description: "A day (2026-11-23) inside the period (default, or empty: today)")),
                .b(OpenAPI.Parameter(name: "by", context: .query(required: false),
                                     schema: APISchemas.choice(ScorecardDimension.self), description: "One row per team, rep, campaign or channel")),
                .b(OpenAPI.Parameter(name: "format", context: .query(required: false), schema: .string(allowedValues: "json", "csv"),
                                     description: "json (default) or csv")),
            ],
            responses: [200: APISchemas.jsonOrCSV("The scorecard (with format=csv: one line per row and figure)", .object(properties: [
                "period": Self.periodSchema, "previousPeriod": Self.periodSchema, "timeZone": .string,
                "by": APISchemas.choice(ScorecardDimension.self, required: false, nullable: true), "currency": .string,
                "figures": .array(items: Self.figureSchema),
                "groups": .array(items: .object(properties: ["key": .string, "label": .string, "figures": .array(items: Self.figureSchema)])),
                "revenueAtRisk": .object(properties: [
                    "amount": APISchemas.money, "breachedLeads": .integer, "onTimeLeads": .integer,
                    "onTimeConversion": .number(required: false, nullable: true), "lateLeads": .integer,
                    "lateConversion": .number(required: false, nullable: true), "wonDeals": .integer,
                    "averageWonDeal": APISchemas.money.optionalSchemaObject(), "ratesFrom": .string(format: .dateTime),
                    "ratesTo": .string(format: .dateTime), "method": .string,
                ]),
                "trend": .array(items: .object(properties: ["period": Self.periodSchema,
                                                            "values": .object(additionalProperties: .init(Self.valueSchema))])),
                "heatmap": .array(items: .object(properties: [
                    "userId": APISchemas.uuid(required: false), "name": .string,
                    "weekdays": .array(items: .object(properties: [
                        "weekday": .string, "due": .integer, "met": .integer, "compliance": .number(required: false, nullable: true),
                    ])),
                ])),
            ])), 422: APISchemas.problem("A parameter is invalid")]))
        routes.get("scorecard", use: Self.page).webPage().requires(.read, .scorecard)
    }

    static let periodSchema: JSONSchema = .object(properties: [
        "kind": APISchemas.choice(ScorecardPeriodKind.self), "label": .string, "from": .string(format: .dateTime),
        "to": .string(format: .dateTime),
    ])
    static let valueSchema: JSONSchema = .one(of: [.number, APISchemas.money])
    static let figureSchema: JSONSchema = .object(properties: [
        "id": .string(allowedValues: ScorecardFigure.allCases.map { .init($0.rawValue) }), "label": .string,
        "side": .string(allowedValues: "marketing", "sales", "shared"),
        "unit": .string(allowedValues: "count", "share", "money", "hours", "days"),
        "better": .string(allowedValues: "higher", "lower", "neither"),
        "value": Self.valueSchema.optionalSchemaObject(), "previous": Self.valueSchema.optionalSchemaObject(),
        "change": .number(required: false, nullable: true),
        "trend": .string(required: false, nullable: true, allowedValues: "better", "worse", "same"),
    ])

    static func parameters(_ request: Request) throws -> Parameters {
        var report = ValidationReport()
        let kind = report.check("period") { () throws(FieldError) -> ScorecardPeriodKind in
            try ScorecardPeriodKind.parse(request.query[String.self, at: "period"] ?? "week")
        } ?? .week
        let dimension = report.check("by") { () throws(FieldError) -> ScorecardDimension? in
            // Absent: the company's totals alone; empty is not a dimension (the fuzzing found it taken as absent).
            guard let text = request.query[String.self, at: "by"] else { return nil }
            return try ScorecardDimension.parse(text)
        } ?? nil
        let zone = request.application.accordConfiguration?.timeZone ?? .gmt
        var at = Date()
        let atText = request.query[String.self, at: "at"] ?? ""
        if !atText.isEmpty {
            if let day = CalendarDate.parse(atText) { at = ScorecardPeriod.noon(of: day, timeZone: zone) } else {
                report.add("at", "'\(atText)' is not a day such as 2026-11-23")
            }
        }
        let format = request.query[String.self, at: "format"] ?? "json"
        if !["json", "csv"].contains(format) { report.add("format", "must be json or csv") }
        for name in request.url.queryParameterNames where !parameterNames.contains(name) {
            report.add(name, "is not a parameter of the scorecard; parameters: at, by, format, period")
        }
        try report.throwIfInvalid()
        return Parameters(kind: kind, at: at, atText: atText, dimension: dimension, csv: format == "csv")
    }

    static func load(_ request: Request, _ parameters: Parameters, times: inout PhaseTimes) async throws -> Scorecard {
        // A connection of another event loop, when there is one, runs the percentiles alongside the counts.
        let other = request.application.eventLoopGroup.makeIterator().first { $0 !== request.eventLoop }
        let parallel = other.flatMap { request.application.databases.database(logger: request.logger, on: $0) }
        return try await ScorecardData.load(.init(kind: parameters.kind, at: parameters.at, dimension: parameters.dimension,
                                                  timeZone: request.application.accordConfiguration?.timeZone ?? .gmt,
                                                  scope: request.rowScope), times: &times, on: request.db, parallel: parallel)
    }

    static func load(_ request: Request, _ parameters: Parameters) async throws -> Scorecard {
        var times = PhaseTimes()
        return try await load(request, parameters, times: &times)
    }

    @Sendable static func scorecard(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        var times = PhaseTimes()
        let card = try await load(request, parameters, times: &times)
        let response: Response
        if parameters.csv {
            response = CSVText.response(card.csv(), filename: "scorecard-\(card.period.label)\(card.dimension.map { "-by-\($0.rawValue)" } ?? "").csv")
        } else {
            response = try await ScorecardDocument(card, timeZone: request.application.accordConfiguration?.timeZone ?? .gmt)
                .encodeResponse(for: request)
        }
        times.mark("write")
        // Where the time went, query by query, then in all (`scorecard`).
        response.headers.replaceOrAdd(name: "Server-Timing", value: times.header(total: "scorecard"))
        return response
    }

    // MARK: Page

    struct FigureRow: Encodable {
        var id: String
        var label: String
        var value: String
        var previous: String
        var trend: String
    }

    struct Side: Encodable {
        var id: String
        var title: String
        var figures: [FigureRow]
    }

    struct GroupRow: Encodable {
        var label: String
        var cells: [String]
    }

    typealias Choice = AttributionPage.Choice

    struct Page: Encodable {
        var shell: Shell
        var period: String
        var previous: String
        var from: String
        var to: String
        var at: String
        var periods: [Choice]
        var dimensions: [Choice]
        var by: String
        var csvLink: String
        var sides: [Side]
        var risk: String
        var riskMethod: String
        var riskInputs: String
        var ownOnly: Bool
        var groupColumns: [String]
        var groups: [GroupRow]
        var funnel: String
        var volumeChart: String
        var complianceChart: String
        var barsChart: String
        var heatmap: String
    }

    static let groupFigures: [ScorecardFigure] = [.mqls, .acceptanceRate, .speedToLeadMedianHours, .slaCompliance,
                                                  .feedbackCompleteness, .mqlToWon, .wonRevenue, .revenueAtRisk]

    @Sendable static func page(_ request: Request) async throws -> View {
        var parameters = try parameters(request)
        if request.query[String.self, at: "by"] == nil { parameters.dimension = .rep }
        let card = try await load(request, parameters)
        let currency = card.currency
        let zone = request.application.accordConfiguration?.timeZone ?? .gmt
        func figureRow(_ figure: ScorecardFigure, _ row: ScorecardRow) -> FigureRow {
            let value = row.current.value(figure), previous = row.previous.value(figure)
            return FigureRow(id: figure.rawValue, label: figure.label, value: figure.format(value, currency: currency),
                             previous: figure.format(previous, currency: currency),
                             trend: figure.trend(value, previous) ?? "")
        }
        let sides = [ScorecardFigure.Side.marketing, .sales, .shared].map { side in
            Side(id: side.rawValue, title: side == .shared ? "Shared" : side == .sales ? "Sales" : "Marketing",
                 figures: card.figures(for: card.total).filter { $0.side == side }.map { figureRow($0, card.total) })
        }
        let columns = groupFigures.filter { $0.applies(to: card.dimension) }
        let total = card.total.current, risk = card.risk
        let labels = card.trend.map { $0.period.label }
        let percent: (Double) -> String = { String(format: "%.0f%%", $0 * 100) }
        let bars = card.groups.prefix(20).map { row in
            BarChart.Bar(label: row.label, share: row.current.value(.slaCompliance) ?? 0,
                         value: ScorecardFigure.slaCompliance.format(row.current.value(.slaCompliance), currency: currency)
                            + " of \(row.current.slaDue)")
        }
        let dimensionName = card.dimension?.rawValue ?? "rep"
        let query = "period=\(card.period.kind.rawValue)" + (parameters.atText.isEmpty ? "" : "&at=\(parameters.atText)")
        return try await request.view.render("scorecard", Page(
            shell: Shell(title: "Scorecard", request: request), period: card.period.label, previous: card.previous.label,
            from: day(card.period.start, zone),
            to: day(card.period.end.addingTimeInterval(-1), zone),
            at: parameters.atText,
            periods: ScorecardPeriodKind.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == card.period.kind) },
            dimensions: ScorecardDimension.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == card.dimension) },
            by: dimensionName, csvLink: "/api/v1/scorecard?\(query)&by=\(dimensionName)&format=csv", sides: sides,
            risk: ScorecardFigure.revenueAtRisk.format(total.value(.revenueAtRisk), currency: currency),
            riskMethod: RevenueAtRisk.method,
            riskInputs: "\(total.breached) leads breached the SLA this period. Conversion to won: "
                + "\(ScorecardFigure.winRate.format(risk.onTimeConversion, currency: currency)) of \(risk.onTimeLeads) leads answered in time, "
                + "\(ScorecardFigure.winRate.format(risk.lateConversion, currency: currency)) of \(risk.lateLeads) that breached; "
                + "average won deal \(ScorecardFigure.wonRevenue.format(risk.averageWonDealMinor, currency: currency)) "
                + "(\(risk.wonDeals) deals, \(CalendarDate.format(risk.windowStart)) to \(day(risk.windowEnd.addingTimeInterval(-1), zone))).",
            ownOnly: request.rowScope != .all,
            groupColumns: columns.map(\.label),
            groups: card.groups.map { row in
                GroupRow(label: row.label, cells: columns.map { $0.format(row.current.value($0), currency: currency) })
            },
            funnel: ScorecardCharts.funnel(id: "funnel", title: "Leads qualified in \(card.period.label), how far they got so far",
                                           stages: [("MQL", total.mqls), ("Accepted (SAL)", total.accepted),
                                                    ("Opportunity", total.reachedOpportunity), ("Won", total.reachedWon)]),
            volumeChart: ScorecardCharts.lines(
                id: "volume", title: "MQLs and accepted leads per \(card.period.kind.rawValue)", axis: "Leads", periods: labels,
                series: [.init(name: "MQLs", values: card.trend.map { Double($0.facts.mqls) }),
                         .init(name: "Accepted", values: card.trend.map { Double($0.facts.accepted) }),
                         .init(name: "Target", values: card.trend.map { $0.facts.mqlTarget })],
                format: { String(Int($0.rounded())) }),
            complianceChart: ScorecardCharts.lines(
                id: "compliance", title: "SLA compliance and acceptance rate per \(card.period.kind.rawValue)", axis: "Share",
                periods: labels,
                series: [.init(name: "SLA compliance", values: card.trend.map { $0.facts.value(.slaCompliance) }),
                         .init(name: "Acceptance", values: card.trend.map { $0.facts.value(.acceptanceRate) })],
                format: percent),
            barsChart: BarChart.svg(id: "by-group", title: "SLA compliance by \(dimensionName) in \(card.period.label)",
                                    bars: Array(bars)),
            heatmap: ScorecardCharts.heatmap(id: "heatmap", title: "SLA compliance by rep and weekday of qualification, \(card.period.label)",
                                             rows: card.heatmap)))
    }

    static func day(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
