import AccordCore
import AccordStore
import Foundation
import Vapor

/// `GET /attribution`: campaign economics for marketing and sales leadership: the chosen model's pipeline, revenue,
/// cost, ROI and costs per MQL, accepted lead and won deal by campaign, channel or supplier, and SVG charts that
/// compare every model's credit side by side. `GET /attribution/export` and `/attribution/influence` download the
/// same numbers as CSV (the API's CSV, for a signed-in browser). Reads through the same code as
/// `/api/v1/attribution/…`, with the same parameters.
struct AttributionPage: RouteCollection {
    struct Choice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Row: Encodable {
        var label: String
        var pipeline: String
        var revenue: String
        var opportunities: String
        var wonDeals: String
        var cost: String
        var roi: String
        var costPerMQL: String
        var costPerAccepted: String
        var costPerWon: String
    }

    struct Page: Encodable {
        var shell: Shell
        var models: [Choice]
        var groupings: [Choice]
        var from: String
        var to: String
        var lookbackDays: Int
        var wholeAccount: Bool
        var model: String
        var currency: String
        var totals: Row
        var rows: [Row]
        var pipelineChart: String
        var revenueChart: String
        var query: String
    }

    static let labels: [AttributionModelID: String] = [
        .first: "First touch", .last: "Last touch", .linear: "Linear", .position: "Position (U-shaped)",
        .wShaped: "W-shaped", .timeDecay: "Time decay", .markov: "Markov (data-driven)", .shapley: "Shapley (data-driven)",
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.get("attribution", use: Self.render).webPage().requires(.read, .analytics)
        routes.get("attribution", "export", use: Self.export).webPage().requires(.read, .analytics)
        routes.get("attribution", "influence", use: Self.influence).webPage().requires(.read, .analytics)
    }

    /// Whole currency units with thousands separators ("12,345 EUR"); "–" when there is nothing to show.
    static func money(_ minor: Double?, _ currency: String) -> String {
        guard let minor, minor.isFinite else { return "–" }
        return number(minor / 100) + " " + currency
    }

    static func number(_ value: Double) -> String {
        let rounded = Int64(value.rounded())
        let digits = String(rounded.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (rounded < 0 ? "-" : "") + grouped
    }

    static func row(_ economics: SourceEconomics, currency: String) -> Row {
        Row(label: economics.label, pipeline: money(economics.pipelineMinor, currency),
            revenue: money(economics.revenueMinor, currency), opportunities: String(format: "%.1f", economics.opportunities),
            wonDeals: String(format: "%.1f", economics.wonDeals), cost: money(Double(economics.costMinor), currency),
            roi: economics.roi.map { String(format: "%.0f %%", $0 * 100) } ?? "–",
            costPerMQL: money(economics.costPerMQL, currency), costPerAccepted: money(economics.costPerAcceptedLead, currency),
            costPerWon: money(economics.costPerWonDeal, currency))
    }

    @Sendable static func render(_ request: Request) async throws -> View {
        let parameters = try AttributionController.parameters(request, single: true)
        let chosen = parameters.models[0]
        let models = AttributionModelID.allCases
        let reports = try await CampaignEconomicsData.reports(models: models, by: parameters.by, options: parameters.options,
                                                              order: parameters.order, on: request.db)
        let report = reports[models.firstIndex(of: chosen)!]
        let currency = report.currency
        // The groups that matter most under the chosen model (pipeline, then revenue), at most twelve in the charts.
        let ranked = report.rows.enumerated().sorted {
            ($0.element.pipelineMinor + $0.element.revenueMinor, $1.offset) > ($1.element.pipelineMinor + $1.element.revenueMinor, $0.offset)
        }
        let charted = ranked.prefix(12).filter { $0.element.pipelineMinor + $0.element.revenueMinor > 0 }.map(\.offset)
        func chart(_ id: String, _ title: String, _ value: (SourceEconomics) -> Double) -> String {
            ModelComparisonChart.svg(
                id: id, title: title, series: models.map { labels[$0] ?? $0.rawValue },
                groups: charted.map { index in
                    .init(label: report.rows[index].label, values: reports.map { value($0.rows[index]) })
                }, format: { money($0, currency) })
        }
        let total = report.rows.reduce(into: SourceEconomics(key: "all", label: "All")) { total, row in
            total.pipelineMinor += row.pipelineMinor
            total.revenueMinor += row.revenueMinor
            total.opportunities += row.opportunities
            total.wonDeals += row.wonDeals
            total.costMinor += row.costMinor
            total.mqls += row.mqls
            total.acceptedLeads += row.acceptedLeads
        }
        let day = { (date: Date) in String(ISOTimestamp.format(date).prefix(10)) }
        return try await request.view.render("attribution", Page(
            shell: Shell(title: "Attribution", request: request),
            models: models.map { Choice(value: $0.rawValue, label: labels[$0] ?? $0.rawValue, selected: $0 == chosen) },
            groupings: CampaignEconomicsData.Grouping.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == parameters.by) },
            from: day(parameters.options.from), to: day(parameters.options.to.addingTimeInterval(-1)),
            lookbackDays: parameters.options.lookbackDays, wholeAccount: parameters.options.wholeAccount,
            model: labels[chosen] ?? chosen.rawValue, currency: currency, totals: row(total, currency: currency),
            rows: ranked.map { row($0.element, currency: currency) },
            pipelineChart: chart("pipeline-by-model", "Attributed pipeline by \(parameters.by.rawValue), every model", \.pipelineMinor),
            revenueChart: chart("revenue-by-model", "Attributed won revenue by \(parameters.by.rawValue), every model", \.revenueMinor),
            query: request.url.query ?? ""))
    }

    @Sendable static func export(_ request: Request) async throws -> Response {
        let parameters = try AttributionController.parameters(request, single: true)
        let report = try await CampaignEconomicsData.report(model: parameters.models[0], by: parameters.by,
                                                            options: parameters.options, order: parameters.order, on: request.db)
        return AttributionController.economicsCSV(report, model: parameters.models[0])
    }

    @Sendable static func influence(_ request: Request) async throws -> Response {
        // Every model (the CRM's campaign influence holds one row per opportunity, campaign and model).
        var parameters = try AttributionController.parameters(request, single: false)
        parameters.csv = true
        return try await AttributionController.influenceResponse(parameters, on: request.db)
    }
}
