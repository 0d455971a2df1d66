import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Pages for lead definition versions: the list, a version with its actions, the draft editor (problems
/// shown next to the JSON), and the diff between two versions.
struct DefinitionPages: RouteCollection {
    struct Row: Encodable {
        var id: String
        var version: Int
        var name: String
        var state: String
        var approvals: String
    }

    struct ListPage: Encodable {
        var shell: Shell
        var rows: [Row]
        var mayDraft: Bool
    }

    struct VersionPage: Encodable {
        var shell: Shell
        var id: String
        var version: Int
        var name: String
        var state: String
        var approvals: String
        var rejectionReason: String?
        var body: String
        var mayEdit: Bool
        var mayPropose: Bool
        var mayDecide: Bool
        var previousID: String?
    }

    struct EditPage: Encodable {
        var shell: Shell
        var id: String
        var version: Int
        var name: String
        var body: String
        var problems: [FieldError]
    }

    struct DiffPage: Encodable {
        var shell: Shell
        var from: Int
        var to: Int
        var lines: [DefinitionDiff.Line]
    }

    struct EditForm: Content {
        var name: String?
        var body: String?
    }

    struct DecisionForm: Content {
        var action: String?
        var reason: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let definitions = routes.grouped("definitions")
        let version = definitions.grouped(":definitionId")
        definitions.get(use: Self.list).webPage().requires(.read, .definitions)
        definitions.post(use: Self.draft).webPage().requires(.create, .definitions)
        version.get(use: Self.show).webPage().requires(.read, .definitions)
        version.get("edit", use: Self.editForm).webPage().requires(.update, .definitions)
        version.post("edit", use: Self.save).webPage().requires(.update, .definitions)
        version.post("decide", use: Self.decide).webPage().requires(.update, .definitions)
        version.get("diff", use: Self.diff).webPage().requires(.read, .definitions)
        version.get("backtest", use: Self.backtest).webPage().requires(.read, .definitions)
    }

    static func find(_ request: Request) async throws -> LeadDefinitionModel {
        try await DefinitionsController.find(request, on: request.db)
    }

    static func pretty(_ body: String) -> String {
        guard let value = try? JSONValue.parse(body.utf8) else { return body }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? body
    }

    @Sendable static func list(_ request: Request) async throws -> View {
        let versions = try await LeadDefinitionModel.query(on: request.db).sort(\.$version, .descending).all()
        let principal = try request.principal()
        return try await request.view.render("definitions", ListPage(
            shell: Shell(title: "Lead definition", request: request),
            rows: versions.map {
                Row(id: $0.id!.uuidString, version: $0.version, name: $0.name, state: $0.state,
                    approvals: $0.workflow.approvals.map(\.rawValue).sorted().joined(separator: ", "))
            },
            mayDraft: DefinitionWorkflow.mayEdit(principal.role)))
    }

    struct BacktestPage: Encodable {
        struct Row: Encodable {
            var label: String
            var mqls: Int
            var accountMQLs: Int
            var accepted: Int
            var sqls: Int
            var opportunities: Int
            var wins: Int
            var revenue: String
            var precision: String
            var recall: String
        }

        var shell: Shell
        var id: String
        var version: Int
        var from: String
        var to: String
        var persons: Int
        var wonPersons: Int
        var sides: [Row]
        var months: [BacktestReport.Month]
        var chart: String
        var notes: [String]
    }

    /// `/definitions/{id}/backtest`: the replay of this version beside the active one, with its chart.
    @Sendable static func backtest(_ request: Request) async throws -> View {
        let (model, report) = try await DefinitionsController.backtestReport(request)
        func row(_ label: String, _ side: BacktestReport.Side) -> BacktestPage.Row {
            let totals = side.totals
            return .init(label: label, mqls: totals.mqls, accountMQLs: totals.accountMQLs, accepted: totals.accepted,
                         sqls: totals.sqls, opportunities: totals.opportunities, wins: totals.wins,
                         revenue: totals.revenue.map { "\($0.amountMinor / 100) \($0.currency)" }.joined(separator: " + "),
                         precision: side.precision.map { String(format: "%.1f%%", $0 * 100) } ?? "–",
                         recall: side.recall.map { String(format: "%.1f%%", $0 * 100) } ?? "–")
        }
        var sides = [row("This version (\(model.version))", report.candidate)]
        if let active = report.active { sides.append(row("Active (\(active.version.map(String.init) ?? "?"))", active)) }
        return try await request.view.render("definition-backtest", BacktestPage(
            shell: Shell(title: "Backtest of version \(model.version)", request: request), id: model.id!.uuidString,
            version: model.version, from: String(ISOTimestamp.format(report.from).prefix(10)),
            to: String(ISOTimestamp.format(report.to).prefix(10)), persons: report.persons,
            wonPersons: report.wonPersons, sides: sides, months: report.months, chart: BacktestChart.svg(report),
            notes: report.notes))
    }

    /// A new draft, starting from the active version (or the documented example when there is none).
    @Sendable static func draft(_ request: Request) async throws -> Response {
        let active = try await LeadDefinitionModel.query(on: request.db).filter(\.$state == "active").first()
        let body = active?.body ?? LeadDefinition.exampleJSON
        let model = try await DefinitionService.create(name: active.map { "Based on version \($0.version)" } ?? "First draft",
                                                       body: body, request: request)
        return request.redirect(to: "/definitions/\(model.id!.uuidString)/edit", redirectType: .normal)
    }

    @Sendable static func show(_ request: Request) async throws -> View {
        let model = try await find(request)
        let principal = try request.principal()
        let workflow = model.workflow
        let previous = try await LeadDefinitionModel.query(on: request.db).filter(\.$version < model.version)
            .sort(\.$version, .descending).first()
        let side: Side? = principal.role == .salesManager ? .sales : principal.role == .marketingManager ? .marketing : nil
        return try await request.view.render("definition", VersionPage(
            shell: Shell(title: "Version \(model.version)", request: request), id: model.id!.uuidString,
            version: model.version, name: model.name, state: model.state,
            approvals: workflow.approvals.map(\.rawValue).sorted().joined(separator: ", "),
            rejectionReason: model.rejectionReason, body: pretty(model.body),
            mayEdit: workflow.state == .draft && DefinitionWorkflow.mayEdit(principal.role),
            mayPropose: workflow.state == .draft && DefinitionWorkflow.mayEdit(principal.role),
            mayDecide: workflow.state == .proposed && side.map { !workflow.approvals.contains($0) } == true,
            previousID: previous?.id?.uuidString))
    }

    @Sendable static func editForm(_ request: Request) async throws -> View {
        let model = try await find(request)
        return try await request.view.render("definition-edit", EditPage(
            shell: Shell(title: "Edit version \(model.version)", request: request), id: model.id!.uuidString,
            version: model.version, name: model.name, body: pretty(model.body), problems: []))
    }

    @Sendable static func save(_ request: Request) async throws -> Response {
        let model = try await find(request)
        let form = try request.content.decode(EditForm.self)
        let text = form.body ?? ""
        var problems: [FieldError] = []
        var body: String?
        if let json = try? JSONValue.parse(text.utf8) {
            do {
                body = try DefinitionsController.storedBody(json)
            } catch {
                problems = error.fields
            }
        } else {
            problems = [FieldError(field: "JSON", problem: "is not valid JSON (check commas, quotes and brackets)")]
        }
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty { problems.append(FieldError(field: "name", problem: "is required")) }
        guard problems.isEmpty else {
            return try await request.view.render("definition-edit", EditPage(
                shell: Shell(title: "Edit version \(model.version)", request: request), id: model.id!.uuidString,
                version: model.version, name: name, body: text, problems: problems))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
        _ = try await DefinitionService.update(model, name: name, body: body, request: request)
        return request.redirect(to: "/definitions/\(model.id!.uuidString)", redirectType: .normal)
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        let model = try await find(request)
        let form = try request.content.decode(DecisionForm.self)
        guard let action = form.action, ["propose", "approve", "reject"].contains(action) else {
            throw AccordError.validation([FieldError(field: "action", problem: "must be propose, approve or reject")])
        }
        _ = try await DefinitionService.decide(model, action: action, reason: form.reason ?? "", request: request)
        return request.redirect(to: "/definitions/\(model.id!.uuidString)", redirectType: .normal)
    }

    @Sendable static func diff(_ request: Request) async throws -> View {
        let result = try await DefinitionsController.diff(request)
        return try await request.view.render("definition-diff", DiffPage(
            shell: Shell(title: "Changes in version \(result.to)", request: request), from: result.from, to: result.to,
            lines: result.lines))
    }
}
