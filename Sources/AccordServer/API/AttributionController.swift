import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `GET /api/v1/attribution/campaigns` (campaign economics under a model, by campaign, channel or supplier) and
/// `GET /api/v1/attribution/influence` (one row per opportunity × campaign × model, the shape CRMs use for
/// campaign influence), as JSON or CSV.
struct AttributionController: RouteCollection {
    struct Parameters {
        var models: [AttributionModelID]
        var by: CampaignEconomicsData.Grouping
        var options: AttributionJourneys.Options
        var order: Int
        var csv: Bool
    }

    static let common: [Either<JSONReference<OpenAPI.Parameter>, OpenAPI.Parameter>] = [
        .b(OpenAPI.Parameter(name: "from", context: .query(required: false), schema: APISchemas.dayOrTime,
                             description: "First day (default: a year before to)")),
        .b(OpenAPI.Parameter(name: "to", context: .query(required: false), schema: APISchemas.dayOrTime,
                             description: "Last day, included (default: today)")),
        .b(OpenAPI.Parameter(name: "lookbackDays", context: .query(required: false),
                             schema: .integer(maximum: (730, exclusive: false), minimum: (1, exclusive: false)),
                             description: "Touches this many days before the opening or the win count (default 180)")),
        .b(OpenAPI.Parameter(name: "wholeAccount", context: .query(required: false), schema: .boolean,
                             description: "Everyone at the account instead of the contact roles (default false)")),
        .b(OpenAPI.Parameter(name: "order", context: .query(required: false),
                             schema: .integer(maximum: (4, exclusive: false), minimum: (1, exclusive: false)),
                             description: "The Markov chain's order (markov only; default 1)")),
        .b(OpenAPI.Parameter(name: "format", context: .query(required: false), schema: .string(allowedValues: "json", "csv"),
                             description: "json (default) or csv")),
    ]

    func boot(routes: any RoutesBuilder) throws {
        let attribution = routes.grouped("api", "v1", "attribution")
        attribution.get("campaigns", use: Self.campaigns).requires(.read, .analytics).openAPI(.init(
            tags: ["attribution"], summary: "Campaign economics under a model",
            description: "Attributed pipeline (opportunities opened in the period) and won revenue (deals won in it), "
                + "cost from the period's monthly costs, ROI, cost per MQL, per accepted lead and per won deal, by "
                + "campaign, channel or supplier. docs/attribution.md.",
            operationId: "campaignEconomics",
            parameters: [
                .b(OpenAPI.Parameter(name: "model", context: .query(required: false), schema: APISchemas.choice(AttributionModelID.self),
                                     description: "The model (default linear)")),
                .b(OpenAPI.Parameter(name: "by", context: .query(required: false),
                                     schema: APISchemas.choice(CampaignEconomicsData.Grouping.self),
                                     description: "campaign (default), channel or supplier")),
            ] + Self.common,
            responses: [200: APISchemas.jsonOrCSV("The economics (with format=csv: the same rows as CSV)", .object(properties: [
                "model": .string, "by": .string, "currency": .string, "items": .array(items: .object(properties: [
                    "key": .string, "label": .string, "pipelineMinor": .number, "revenueMinor": .number,
                    "opportunities": .number, "wonDeals": .number, "costMinor": .integer, "mqls": .integer,
                    "acceptedLeads": .integer, "roi": .number(required: false, nullable: true),
                    "costPerMql": .number(required: false, nullable: true),
                    "costPerAcceptedLead": .number(required: false, nullable: true),
                    "costPerWonDeal": .number(required: false, nullable: true),
                ])),
            ])), 403: APISchemas.problem("Reps do not see analytics"), 422: APISchemas.problem("A parameter is invalid")]))
        attribution.get("influence", use: Self.influence).requires(.read, .analytics).openAPI(.init(
            tags: ["attribution"], summary: "Campaign influence: one row per opportunity × campaign × model",
            description: "For opportunities opened in the period: each campaign's share of the opportunity and the "
                + "amount it stands for, under each model asked for (for the CRM's campaign influence).",
            operationId: "campaignInfluence",
            parameters: [
                .b(OpenAPI.Parameter(name: "models", context: .query(required: false), schema: .string,
                                     description: "Comma-separated model ids (default: every model)")),
            ] + Self.common,
            responses: [200: APISchemas.jsonOrCSV("The rows (with format=csv: the same rows as CSV)", .object(properties: [
                "items": .array(items: .object(properties: [
                    "opportunityId": APISchemas.uuid(), "campaignId": APISchemas.uuid(required: false, nullable: true),
                    "campaign": .string, "channel": .string, "model": .string, "share": .number, "amountMinor": .number,
                    "currency": .string,
                ])),
            ])), 403: APISchemas.problem("Reps do not see analytics"), 422: APISchemas.problem("A parameter is invalid")]))
    }

    static func parameters(_ request: Request, single: Bool) throws -> Parameters {
        var report = ValidationReport()
        let (from, to) = AnalyticsController.period(request, into: &report)
        var models: [AttributionModelID] = []
        if single {
            models = [report.check("model") { () throws(FieldError) in
                try AttributionModelID.parse(request.query[String.self, at: "model"] ?? "linear")
            } ?? .linear]
        } else if let list = request.query[String.self, at: "models"] {
            for name in list.split(separator: ",") {
                if let model = report.check("models", { () throws(FieldError) in try AttributionModelID.parse(String(name)) }) {
                    models.append(model)
                }
            }
        } else {
            models = AttributionModelID.allCases
        }
        let by = report.check("by") { () throws(FieldError) in
            try CampaignEconomicsData.Grouping.parse(request.query[String.self, at: "by"] ?? "campaign")
        } ?? .campaign
        let lookback = request.query[String.self, at: "lookbackDays"].map { Int($0) ?? -1 } ?? 180
        if !(1...730).contains(lookback) { report.add("lookbackDays", "must be a whole number of days from 1 to 730") }
        let whole = request.query[String.self, at: "wholeAccount"] ?? "false"
        if !["true", "false"].contains(whole) { report.add("wholeAccount", "must be true or false") }
        let orderText = request.query[String.self, at: "order"]
        let order = orderText.map { Int($0) ?? 0 } ?? 1
        if !(1...MarkovModel.maximumOrder).contains(order) { report.add("order", "must be between 1 and \(MarkovModel.maximumOrder)") }
        if orderText != nil && !models.contains(.markov) { report.add("order", "is valid only with the markov model") }
        let format = request.query[String.self, at: "format"] ?? "json"
        if !["json", "csv"].contains(format) { report.add("format", "must be json or csv") }
        try report.throwIfInvalid()
        return Parameters(models: models, by: by,
                          options: AttributionJourneys.Options(from: from, to: to, lookbackDays: lookback, wholeAccount: whole == "true"),
                          order: order, csv: format == "csv")
    }

    static func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    static func json(_ value: JSONValue) throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONCoding.encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }

    @Sendable static func campaigns(_ request: Request) async throws -> Response {
        let parameters = try parameters(request, single: true)
        let model = parameters.models[0]
        let report = try await CampaignEconomicsData.report(model: model, by: parameters.by, options: parameters.options,
                                                            order: parameters.order, on: request.db)
        if parameters.csv { return economicsCSV(report, model: model) }
        let items: [JSONValue] = report.rows.map { row in
            .object(["key": .string(row.key), "label": .string(row.label), "pipelineMinor": .number(row.pipelineMinor),
                     "revenueMinor": .number(row.revenueMinor), "opportunities": .number(row.opportunities),
                     "wonDeals": .number(row.wonDeals), "costMinor": .integer(row.costMinor), "mqls": .integer(Int64(row.mqls)),
                     "acceptedLeads": .integer(Int64(row.acceptedLeads)), "roi": number(row.roi),
                     "costPerMql": number(row.costPerMQL), "costPerAcceptedLead": number(row.costPerAcceptedLead),
                     "costPerWonDeal": number(row.costPerWonDeal)])
        }
        return try json(.object(["model": .string(model.rawValue), "by": .string(parameters.by.rawValue),
                                 "currency": .string(report.currency), "items": .array(items)]))
    }

    /// The economics as a CSV download (also the page's export).
    static func economicsCSV(_ report: CampaignEconomicsData.Report, model: AttributionModelID) -> Response {
        var text = "key,label,pipeline_minor,revenue_minor,opportunities,won_deals,cost_minor,currency,mqls,accepted_leads,roi,"
            + "cost_per_mql,cost_per_accepted_lead,cost_per_won_deal\n"
        func cell(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
        for row in report.rows {
            text += [CSVText.field(row.key), CSVText.field(row.label), cell(row.pipelineMinor), cell(row.revenueMinor),
                     cell(row.opportunities), cell(row.wonDeals), "\(row.costMinor)", report.currency, "\(row.mqls)",
                     "\(row.acceptedLeads)", cell(row.roi), cell(row.costPerMQL), cell(row.costPerAcceptedLead),
                     cell(row.costPerWonDeal)].joined(separator: ",") + "\n"
        }
        return CSVText.response(text, filename: "campaign-economics-\(model.rawValue).csv")
    }

    @Sendable static func influence(_ request: Request) async throws -> Response {
        try await influenceResponse(try parameters(request, single: false), on: request.db)
    }

    static func influenceResponse(_ parameters: Parameters, on database: any Database) async throws -> Response {
        var rows: [(AttributionModelID, CampaignEconomicsData.Influence)] = []
        let reports = try await CampaignEconomicsData.reports(models: parameters.models, by: .campaign,
                                                              options: parameters.options, order: parameters.order, on: database)
        for (model, report) in zip(parameters.models, reports) { rows += report.influence.map { (model, $0) } }
        if parameters.csv {
            var text = "opportunity_id,campaign_id,campaign,channel,model,share,amount_minor,currency\n"
            for (model, row) in rows {
                text += [row.opportunityID.uuidString, row.source.campaignID?.uuidString ?? "", CSVText.field(row.source.name),
                         row.source.channel, model.rawValue, String(format: "%.6f", row.share),
                         String(format: "%.2f", row.amountMinor), row.currency].joined(separator: ",") + "\n"
            }
            return CSVText.response(text, filename: "campaign-influence.csv")
        }
        let items: [JSONValue] = rows.map { model, row in
            .object(["opportunityId": .string(row.opportunityID.uuidString),
                     "campaignId": row.source.campaignID.map { .string($0.uuidString) } ?? .null,
                     "campaign": .string(row.source.name), "channel": .string(row.source.channel), "model": .string(model.rawValue),
                     "share": .number(row.share), "amountMinor": .number(row.amountMinor), "currency": .string(row.currency)])
        }
        return try json(.object(["items": .array(items)]))
    }
}

/// CSV answers: RFC 4180 fields and a download response.
enum CSVText {
    static func field(_ text: String) -> String { CSVFormat.field(text) }

    static func response(_ text: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
