import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/definitions`: versions of the lead definition and the two-party agreement on them.
struct DefinitionsController: RouteCollection {
    struct DTO: Content {
        var id: UUID
        var version: Int
        var name: String
        var state: String
        var approvals: [String]
        var rejectionReason: String?
        var definition: JSONValue
        var activatedAt: Date?
        var retiredAt: Date?
        var createdAt: Date?
    }

    struct DiffDTO: Content {
        var from: Int
        var to: Int
        var lines: [DefinitionDiff.Line]
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "version": .integer, "name": .string,
            "state": APISchemas.choice(DefinitionState.self), "approvals": .array(items: .string),
            "rejectionReason": .string(required: false), "definition": .object(description: "docs/lead-definition.md"),
            "activatedAt": .string(format: .dateTime, required: false),
            "retiredAt": .string(format: .dateTime, required: false),
            "createdAt": .string(format: .dateTime, required: false),
        ])
    }

    func boot(routes: any RoutesBuilder) throws {
        let collection = routes.grouped("api", "v1", "definitions")
        let item = collection.grouped(":definitionId")
        let body = APISchemas.body(.object(properties: [
            "name": .string(required: false, maxLength: 200),
            "definition": .object(required: false, description: "docs/lead-definition.md"),
        ], additionalProperties: .init(false)))
        let one = APISchemas.json("The version", Self.schema)
        collection.get(use: Self.list).requires(.read, .definitions).openAPI(.init(
            tags: ["definitions"], summary: "Every version of the lead definition", operationId: "listDefinitions",
            parameters: APISchemas.pagingParameters,
            responses: [200: APISchemas.json("Versions, oldest first", APISchemas.list(of: Self.schema))]))
        collection.on(.POST, body: .collect(maxSize: "256kb"), use: Self.create).requires(.create, .definitions)
            .openAPI(.init(tags: ["definitions"], summary: "Draft a new version", operationId: "createDefinition",
                           requestBody: body, responses: [
                               201: one, 422: APISchemas.problem("The definition is invalid; every problem by JSON path"),
                           ]))
        item.get(use: Self.read).requires(.read, .definitions).openAPI(.init(
            tags: ["definitions"], summary: "One version", operationId: "getDefinition",
            responses: [200: one, 404: APISchemas.problem("No such version")]))
        item.on(.PATCH, body: .collect(maxSize: "256kb"), use: Self.update).requires(.update, .definitions)
            .openAPI(.init(tags: ["definitions"], summary: "Change a draft", operationId: "updateDefinition",
                           requestBody: body, responses: [
                               200: one, 409: APISchemas.problem("Only drafts change"),
                               422: APISchemas.problem("The definition is invalid"),
                           ]))
        for action in ["propose", "approve", "reject"] {
            let reasonBody: OpenAPI.Request? = action == "reject"
                ? OpenAPI.Request(content: [.json: .init(schema: .object(properties: ["reason": .string(minLength: 1)],
                                                                         additionalProperties: .init(false)))],
                                  required: true)
                : nil
            item.on(.POST, PathComponent(stringLiteral: action), body: .collect(maxSize: "16kb")) { request in
                try await Self.decide(request, action: action)
            }.requires(.update, .definitions).openAPI(.init(
                tags: ["definitions"], summary: "\(action.capitalized) a version", operationId: "\(action)Definition",
                requestBody: reasonBody,
                responses: [
                    200: one, 403: APISchemas.problem("Only sales and marketing managers decide"),
                    409: APISchemas.problem("Not allowed in the version's state, or this side approved already"),
                    422: APISchemas.problem("A rejection needs a reason"),
                ]))
        }
        item.get("backtest", use: Self.backtest).requires(.read, .definitions).openAPI(.init(
            tags: ["definitions"], summary: "Replay history under this version beside the active one",
            description: "On each day only the touchpoints before that day count, with decay as of that day; account "
                + "and person attributes are today's values. Schema: docs/backtest.schema.json.",
            operationId: "backtestDefinition",
            parameters: ["from", "to"].map { name in
                .b(OpenAPI.Parameter(name: name, context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: name == "from" ? "First day (default: the first touchpoint)"
                                        : "Last day (default: now)"))
            },
            responses: [200: APISchemas.json("The report", .object(description: "docs/backtest.schema.json")),
                        404: APISchemas.problem("No such version"),
                        422: APISchemas.problem("A date is invalid")]))
        item.get("diff", use: Self.diff).requires(.read, .definitions).openAPI(.init(
            tags: ["definitions"], summary: "What changed between two versions", operationId: "diffDefinitions",
            parameters: [.b(OpenAPI.Parameter(name: "against", context: .query(required: true),
                                              schema: .string(format: .other("uuid")),
                                              description: "The other version's id (the older one)"))],
            responses: [200: APISchemas.json("Changed lines", .object(properties: [
                "from": .integer, "to": .integer, "lines": .array(items: .object(properties: [
                    "change": .string(allowedValues: "added", "removed", "changed"), "subject": .string,
                    "before": .string(required: false), "after": .string(required: false),
                ])),
            ])), 404: APISchemas.problem("No such version")]))
    }

    static func dto(_ model: LeadDefinitionModel) throws -> DTO {
        DTO(id: try model.requireID(), version: model.version, name: model.name, state: model.state,
            approvals: model.workflow.approvals.map(\.rawValue).sorted(), rejectionReason: model.rejectionReason,
            definition: (try? JSONValue.parse(model.body.utf8)) ?? .null,
            activatedAt: model.activatedAt, retiredAt: model.retiredAt, createdAt: model.createdAt)
    }

    static func json(_ dto: DTO) throws -> JSONValue {
        try JSONValue.parse(JSONCoding.encoder.encode(dto))
    }

    /// Reads `name` and `definition` from a body; the definition is checked and stored in canonical form.
    static func readBody(_ json: JSONValue, creating: Bool) throws -> (name: String?, body: String?) {
        var reader = FieldReader(json)
        let name = reader.string("name", required: creating, maxLength: 200).value
        var body: String?
        var report = ValidationReport()
        if let raw = reader.raw("definition") {
            do {
                body = try storedBody(raw)
            } catch {
                report.merge(ValidationReport(problems: error.fields), prefix: "definition")
            }
        } else if creating {
            reader.problem("definition", "is required")
        }
        reader.rejectUnknownFields(entity: "definition version")
        report.merge(reader.report, prefix: "")
        try report.throwIfInvalid()
        return (name, body)
    }

    /// Checks a definition and returns the JSON to store (keys sorted); problems are by JSON path.
    static func storedBody(_ raw: JSONValue) throws(AccordError) -> String {
        _ = try LeadDefinition.parse(raw)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(raw) else { throw AccordError.malformed("the definition could not be stored") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The backtest of the version in the path over `?from=&to=` (dates or ISO 8601 times).
    static func backtestReport(_ request: Request) async throws -> (LeadDefinitionModel, BacktestReport) {
        let model = try await find(request, on: request.db)
        var report = ValidationReport()
        let from = request.queryDay("from", into: &report), to = request.queryDay("to", into: &report)
        if let from, let to, from > to { report.add("from", "must not be after to") }
        try report.throwIfInvalid()
        return (model, try await BacktestData.report(candidate: (model.version, model.name, try model.definition()),
                                                     from: from, to: to, on: request.db))
    }

    @Sendable static func backtest(_ request: Request) async throws -> Response {
        let (_, report) = try await backtestReport(request)
        let response = Response(status: .ok, body: .init(string: try BacktestText.json(report)))
        response.headers.contentType = .json
        return response
    }

    static func find(_ request: Request, on database: any Database) async throws -> LeadDefinitionModel {
        try await request.record(LeadDefinitionModel.self, parameter: "definitionId", entity: "definition version",
                                 on: database)
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let query = LeadDefinitionModel.query(on: request.db)
        let page = try request.listPage(filters: [], on: query, entity: "definitions")
        let result = try await query.page(page)
        return ListDTO(items: try result.items.map(dto), nextCursor: result.nextCursor)
    }

    @Sendable static func read(_ request: Request) async throws -> DTO {
        try dto(try await find(request, on: request.db))
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let (name, body) = try readBody(try request.jsonBody(), creating: true)
        let model = try await DefinitionService.create(name: name!, body: body!, request: request)
        return try await dto(model).encodeResponse(status: .created, for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> DTO {
        let (name, body) = try readBody(try request.jsonBody(), creating: false)
        return try dto(try await DefinitionService.update(try await find(request, on: request.db), name: name, body: body,
                                                          request: request))
    }

    static func decide(_ request: Request, action: String) async throws -> DTO {
        var given = ""
        if action == "reject" {
            var reader = FieldReader(try request.jsonBody())
            given = reader.string("reason", required: true, maxLength: 2000).value ?? ""
            reader.rejectUnknownFields(entity: "rejection")
            try reader.report.throwIfInvalid()
        }
        let model = try await find(request, on: request.db)
        return try dto(try await DefinitionService.decide(model, action: action, reason: given, request: request))
    }

    @Sendable static func diff(_ request: Request) async throws -> DiffDTO {
        let model = try await find(request, on: request.db)
        let raw = (try? request.query.get(String.self, at: "against")) ?? ""
        guard let otherID = UUID(uuidString: raw), let other = try await LeadDefinitionModel.find(otherID, on: request.db) else {
            throw AccordError.validation([FieldError(field: "against", problem: "must be the id of another version")])
        }
        func parse(_ model: LeadDefinitionModel) throws -> LeadDefinition {
            try LeadDefinition.parse(JSONValue.parse(model.body.utf8))
        }
        return DiffDTO(from: other.version, to: model.version, lines: DefinitionDiff.between(try parse(other), try parse(model)))
    }
}

/// The operations on definition versions, shared by the API and the pages.
enum DefinitionService {
    static func create(name: String, body: String, request: Request) async throws -> LeadDefinitionModel {
        let principal = try request.principal()
        return try await request.db.writeTransaction { database in
            let latest = try await LeadDefinitionModel.query(on: database).sort(\.$version, .descending).first()?.version ?? 0
            let model = LeadDefinitionModel(version: latest + 1, name: name, body: body, createdBy: principal.userID)
            try await model.create(on: database)
            try await audit(model, "create", before: nil, request: request, on: database)
            return model
        }
    }

    static func update(_ model: LeadDefinitionModel, name: String?, body: String?, request: Request) async throws
        -> LeadDefinitionModel {
        guard model.workflow.state == .draft else {
            throw AccordError.invalidTransition(from: model.state, to: "edit", reason: "only a draft changes; draft a new version")
        }
        return try await request.db.writeTransaction { database in
            let before = try DefinitionsController.json(try DefinitionsController.dto(model))
            if let name { model.name = name }
            if let body { model.body = body }
            try await model.save(on: database)
            try await audit(model, "update", before: before, request: request, on: database)
            return model
        }
    }

    /// `propose`, `approve` or `reject` (with a reason); an approval that completes the agreement activates
    /// the version and retires the active one in the same transaction.
    static func decide(_ model: LeadDefinitionModel, action: String, reason: String, request: Request) async throws
        -> LeadDefinitionModel {
        let principal = try request.principal()
        return try await request.db.writeTransaction { database in
            let before = try DefinitionsController.json(try DefinitionsController.dto(model))
            let next: DefinitionWorkflow = switch action {
            case "propose": try model.workflow.propose(by: principal.role)
            case "approve": try model.workflow.approve(by: principal.role)
            default: try model.workflow.reject(by: principal.role, reason: reason)
            }
            if next.state == .active {
                for previous in try await LeadDefinitionModel.query(on: database).filter(\.$state == "active").all() {
                    let beforePrevious = try DefinitionsController.json(try DefinitionsController.dto(previous))
                    previous.workflow = try previous.workflow.retire()
                    previous.retiredAt = Date()
                    try await previous.save(on: database)
                    try await audit(previous, "retire", before: beforePrevious,
                                    reason: "version \(model.version) became active", request: request, on: database)
                }
                model.activatedAt = Date()
                try await LiveScoring.scheduleRescore(version: model.version, on: database)  // everyone, on the new rules
            }
            model.workflow = next
            try await model.save(on: database)
            try await audit(model, action, before: before, reason: action == "reject" ? reason : nil, request: request,
                            on: database)
            return model
        }
    }

    static func audit(_ model: LeadDefinitionModel, _ action: String, before: JSONValue?, reason: String? = nil,
                      request: Request, on database: any Database) async throws {
        try await AuditTrail.record(request.auditActor, entity: "definition", id: model.requireID(), action: action,
                                    changes: FieldChanges.diff(before: before, after: try DefinitionsController.json(
                                        try DefinitionsController.dto(model))),
                                    reason: reason, requestID: request.id, on: database)
    }

    /// The active definition and its scorer, when there is one.
    static func active(on database: any Database) async throws -> (LeadDefinitionModel, LeadScorer)? {
        guard let model = try await LeadDefinitionModel.query(on: database).filter(\.$state == "active").first() else {
            return nil
        }
        return (model, LeadScorer(try model.definition()))
    }
}
