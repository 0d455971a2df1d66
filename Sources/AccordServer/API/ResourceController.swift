import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// One kind of record the API lists, reads, creates and updates under `/api/v1/<path>`.
protocol APIResource: Sendable {
    associatedtype Model: FluentKit.Model where Model.IDValue == UUID
    associatedtype DTO: Content

    /// Singular name in messages and the audit trail (`account`).
    static var name: String { get }
    /// The collection's path segment (`accounts`).
    static var path: String { get }
    /// What the access policy calls it, and how its rows belong to a sales owner.
    static var resource: Resource { get }
    static var ownership: Ownership { get }
    /// Schema names in the API document: the record, and the body of a create.
    static var schema: JSONSchema { get }
    static var createSchema: JSONSchema { get }
    /// The body of a PATCH; by default the create body with nothing required.
    static var updateSchema: JSONSchema { get }
    static var filters: [ListFilter<Model>] { get }

    static func dto(_ model: Model, on database: any Database) async throws -> DTO
    /// DTOs for a page at once (to load children in one query); defaults to one by one.
    static func dtos(_ models: [Model], on database: any Database) async throws -> [DTO]
    static func create(_ body: JSONValue, on database: any Database) async throws -> Model
    static func update(_ model: Model, with body: JSONValue, on database: any Database) async throws
    /// Whether `DELETE` is offered (configuration records only); `delete` may refuse with a conflict.
    static var isDeletable: Bool { get }
    static func delete(_ model: Model, on database: any Database) async throws
}

extension APIResource {
    static var updateSchema: JSONSchema { APISchemas.patch(createSchema) }
    static var isDeletable: Bool { false }

    static func delete(_ model: Model, on database: any Database) async throws {
        try await model.delete(on: database)
    }

    static func dtos(_ models: [Model], on database: any Database) async throws -> [DTO] {
        var result: [DTO] = []
        for model in models { result.append(try await dto(model, on: database)) }
        return result
    }

    /// `leadId`, `routingRuleId`, `slaPolicyId`: the name in camelCase, acronyms lower-cased at the start.
    static var parameterName: String {
        let words = name.split(separator: " ").map(String.init)
        return words[0].lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Id"
    }
    static var title: String { name.prefix(1).uppercased() + name.dropFirst() }
}

/// `{"items": [...], "nextCursor": "…" | null}`.
struct ListDTO<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // null at the end, never omitted
    }
}

/// Registers and serves the four routes of a resource, documented, paged and audited.
struct ResourceController<R: APIResource>: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let collection = routes.grouped("api", "v1", PathComponent(stringLiteral: R.path))
        let item = collection.grouped(PathComponent(stringLiteral: ":" + R.parameterName))
        collection.get(use: Self.list).requires(.read, R.resource).openAPI(.init(
            tags: [R.path], summary: "List \(R.path)", operationId: "list\(R.title.replacingOccurrences(of: " ", with: ""))s",
            parameters: Self.listParameters, responses: [
                200: APISchemas.json("A page of \(R.path)", APISchemas.list(of: R.schema)),
                422: APISchemas.problem("A filter, limit or cursor is invalid"),
            ]))
        collection.on(.POST, body: .collect(maxSize: "256kb"), use: Self.create).requires(.create, R.resource)
            .openAPI(.init(
            tags: [R.path], summary: "Create a \(R.name)", operationId: "create\(Self.operationSuffix)",
            requestBody: APISchemas.body(R.createSchema), responses: [
                201: APISchemas.json("The \(R.name) was created", R.schema),
                400: APISchemas.problem("The body is not JSON"),
                409: APISchemas.problem("A unique field is taken"),
                422: APISchemas.problem("Fields are missing or invalid; every problem is listed"),
            ]))
        item.get(use: Self.read).requires(.read, R.resource).openAPI(.init(
            tags: [R.path], summary: "Read a \(R.name)", operationId: "get\(Self.operationSuffix)", responses: [
                200: APISchemas.json("The \(R.name)", R.schema),
                404: APISchemas.problem("No such \(R.name)"),
            ]))
        item.on(.PATCH, body: .collect(maxSize: "256kb"), use: Self.update).requires(.update, R.resource)
            .openAPI(.init(
            tags: [R.path], summary: "Change fields of a \(R.name)",
            description: "Partial JSON: fields left out stay as they are; null clears an optional field.",
            operationId: "update\(Self.operationSuffix)",
            requestBody: APISchemas.body(R.updateSchema), responses: [
                200: APISchemas.json("The changed \(R.name)", R.schema),
                400: APISchemas.problem("The body is not JSON"),
                404: APISchemas.problem("No such \(R.name)"),
                409: APISchemas.problem("A unique field is taken"),
                422: APISchemas.problem("Fields are invalid; every problem is listed"),
            ]))
        guard R.isDeletable else { return }
        item.delete(use: Self.delete).requires(.delete, R.resource).openAPI(.init(
            tags: [R.path], summary: "Remove a \(R.name)", operationId: "delete\(Self.operationSuffix)", responses: [
                204: .b(OpenAPI.Response(description: "The \(R.name) was removed")),
                404: APISchemas.problem("No such \(R.name)"),
                409: APISchemas.problem("The \(R.name) is still in use"),
            ]))
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let visible = try request.authorize(.read, R.resource)
        try await request.db.writeTransaction { database in
            let model = try await find(request, within: visible, on: database)
            let before = try Self.json(try await R.dto(model, on: database))
            try await translatingConstraints { try await R.delete(model, on: database) }
            try await AuditTrail.record(request.auditActor, entity: R.name, id: try model.requireID(), action: "delete",
                                        changes: FieldChanges.diff(before: before, after: .null), reason: nil,
                                        requestID: request.id, on: database)
        }
        return .noContent
    }

    static var operationSuffix: String { R.title.replacingOccurrences(of: " ", with: "") }

    static var listParameters: OpenAPI.Parameter.Array { ListFilter.parameters(R.filters) }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<R.DTO> {
        let builder = R.Model.query(on: request.db).scoped(request.rowScope, by: R.ownership)
        let page = try request.listPage(filters: R.filters, on: builder, entity: R.path)
        let result = try await builder.page(page)
        return ListDTO(items: try await R.dtos(result.items, on: request.db), nextCursor: result.nextCursor)
    }

    @Sendable static func read(_ request: Request) async throws -> R.DTO {
        try await R.dto(try await find(request, within: request.rowScope, on: request.db), on: request.db)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let sent = try request.jsonBody()
        try refuseProtectedFields(sent, request)
        let body = try ownedByCreator(sent, request)
        let dto = try await request.db.writeTransaction { database in
            let model = try await translatingConstraints { try await R.create(body, on: database) }
            return try await audited(model, action: "create", before: nil, request: request, on: database)
        }
        let response = try await dto.encodeResponse(status: .created, for: request)
        if let id = try? Self.json(dto), case let .object(fields) = id, case let .string(text)? = fields["id"] {
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/\(R.path)/\(text)")
        }
        return response
    }

    @Sendable static func update(_ request: Request) async throws -> R.DTO {
        let body = try request.jsonBody()
        let visible = try request.authorize(.read, R.resource)
        let writable = request.rowScope
        return try await request.db.writeTransaction { database in
            let model = try await find(request, within: visible, on: database)
            try await requireInScope(model, writable, on: database, action: "change")
            try refuseProtectedFields(body, request)
            let before = try Self.json(try await R.dto(model, on: database))
            try await translatingConstraints { try await R.update(model, with: body, on: database) }
            return try await audited(model, action: "update", before: before, request: request, on: database)
        }
    }

    /// The record as the API shows it after a change, with the change written to the audit trail.
    static func audited(_ model: R.Model, action: String, before: JSONValue?, reason: String? = nil,
                        request: Request, on database: any Database) async throws -> R.DTO {
        let dto = try await R.dto(model, on: database)
        try await AuditTrail.record(request.auditActor, entity: R.name, id: try model.requireID(), action: action,
                                    changes: FieldChanges.diff(before: before, after: try json(dto)), reason: reason,
                                    requestID: request.id, on: database)
        return dto
    }

    /// Runs a write, turning a unique-constraint refusal into a `conflict`.
    static func translatingConstraints<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch {
            throw StoreFailure.translate(error, entity: R.name)
        }
    }

    /// The record named in the path, if the scope covers it; otherwise, to the caller, it does not exist.
    static func find(_ request: Request, within scope: RowScope, on database: any Database) async throws -> R.Model {
        let raw = request.parameters.get(R.parameterName) ?? ""
        guard let id = UUID(uuidString: raw),
              let model = try await R.Model.query(on: database).filter(.id, .equal, id).scoped(scope, by: R.ownership)
                .first() else {
            throw AccordError.notFound(entity: R.name, id: raw)
        }
        return model
    }

    /// Refuses, as forbidden, an action on a visible record that the action's scope does not cover.
    static func requireInScope(_ model: R.Model, _ scope: RowScope, on database: any Database, action: String)
        async throws {
        guard scope != .all, let id = model.id else { return }
        if try await R.Model.query(on: database).filter(.id, .equal, id).scoped(scope, by: R.ownership).first() == nil {
            throw AccordError.forbidden("You may see this \(R.name) but not \(action) it.")
        }
    }

    /// A rep or sales manager who creates an owned record (account, opportunity, lead) without naming an owner
    /// owns it: otherwise it would fall outside their own scope the moment it was made.
    static func ownedByCreator(_ body: JSONValue, _ request: Request) throws -> JSONValue {
        guard case var .object(fields) = body, fields["ownerId"] == nil else { return body }
        switch R.ownership {
        case .owner, .ownerOrTeam: break
        default: return body
        }
        let principal = try request.principal()
        guard principal.role == .rep || principal.role == .salesManager else { return body }
        fields["ownerId"] = .string(principal.userID.uuidString)
        return .object(fields)
    }

    /// Fields the caller's role may not set are refused, not silently dropped.
    static func refuseProtectedFields(_ body: JSONValue, _ request: Request) throws {
        guard case let .object(fields) = body else { return }
        let protected = AccessPolicy.protectedFields(try request.principal(), R.resource)
        if let field = fields.keys.sorted().first(where: protected.contains) {
            throw AccordError.forbidden("Your role may not set \(field) of a \(R.name).")
        }
    }

    static func json(_ dto: R.DTO) throws -> JSONValue {
        try JSONValue.parse(JSONCoding.encoder.encode(dto))
    }
}

extension URI {
    /// The names of the query parameters, as sent.
    var queryParameterNames: [String] {
        (query ?? "").split(separator: "&").compactMap { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return name.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}
