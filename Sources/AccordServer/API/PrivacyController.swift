import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// Privacy requests and suppression lists: `GET /api/v1/persons/{id}/export` and `POST /api/v1/persons/{id}/erase`
/// (admins), `/api/v1/suppressions` (marketing lists and adds, admins remove).
extension PersonPrivacy.Erasure: Content {}

struct PrivacyController: RouteCollection {
    struct SuppressionDTO: Content {
        var id: UUID
        var kind: String
        /// The domain, or a masked address (`j***@acme.example`); null for an erased person's address.
        var value: String?
        var reason: String?
        var source: String
        var createdBy: String
        var createdAt: Date
    }

    static let suppressionSchema: JSONSchema = .object(properties: [
        "id": APISchemas.uuid(), "kind": APISchemas.choice(SuppressionKind.self),
        "value": .string(required: false, nullable: true), "reason": .string(required: false, nullable: true),
        "source": APISchemas.choice(SuppressionSource.self), "createdBy": .string, "createdAt": .string(format: .dateTime),
    ])

    static let erasureSchema: JSONSchema = .object(properties: [
        "pseudonym": APISchemas.uuid(), "leads": .integer, "touchpoints": .integer, "contactRoles": .integer,
        "auditEventsPseudonymised": .integer, "erasedAt": .string(format: .dateTime),
    ])

    static let filters: [ListFilter<SuppressionModel>] = [
        .choice("kind", column: "kind", SuppressionKind.self, "Only addresses or only domains"),
        .choice("source", column: "source", SuppressionSource.self, "Only entries from this source"),
    ]

    func boot(routes: any RoutesBuilder) throws {
        let person = routes.grouped("api", "v1", "persons", ":personId")
        person.get("export", use: Self.export).requires(.read, .privacy).openAPI(.init(
            tags: ["privacy"], summary: "Everything Accord holds about one person",
            description: "The person, their account, leads (with objections, disputes and notifications), touchpoints "
                + "and their campaigns, contact roles, the audit events about them and their leads, and whether their "
                + "address is suppressed. Each record with its stored fields. Admins only.",
            operationId: "exportPerson",
            responses: [200: APISchemas.json("The person's data", .object(properties: [
                "exportedAt": .string(format: .dateTime), "person": .object, "account": .object(required: false, nullable: true),
                "leads": .array(items: .object), "touchpoints": .array(items: .object), "campaigns": .array(items: .object),
                "contactRoles": .array(items: .object), "objections": .array(items: .object), "disputes": .array(items: .object),
                "notifications": .array(items: .object), "auditEvents": .array(items: .object), "suppressed": .boolean,
            ])), 403: APISchemas.problem("Only admins"), 404: APISchemas.problem("No such person")]))
        person.on(.POST, "erase", body: .collect(maxSize: "16kb"), use: Self.erase).requires(.delete, .privacy).openAPI(.init(
            tags: ["privacy"], summary: "Erase a person",
            description: "Deletes the person with their touchpoints, leads, contact roles and the queued jobs and undelivered "
                + "webhooks about them. The audit events about them are kept, pseudonymised: a new random id, and their "
                + "email, names and CRM id replaced by [erased]. Their address goes on the suppression list (as a hash), so "
                + "imports, batches and forms do not bring them back. The reason is required and audited.",
            operationId: "erasePerson",
            requestBody: APISchemas.body(.object(properties: ["reason": .string(minLength: 3, maxLength: 2_000)],
                                                 additionalProperties: .init(false))),
            responses: [200: APISchemas.json("What was erased", Self.erasureSchema), 403: APISchemas.problem("Only admins"),
                        404: APISchemas.problem("No such person"), 422: APISchemas.problem("The reason is missing")]))

        let suppressions = routes.grouped("api", "v1", "suppressions")
        suppressions.get(use: Self.list).requires(.read, .suppressions).openAPI(.init(
            tags: ["privacy"], summary: "The suppression list, newest first", operationId: "listSuppressions",
            parameters: ListFilter.parameters(Self.filters),
            responses: [200: APISchemas.json("A page of entries", APISchemas.list(of: Self.suppressionSchema)),
                        403: APISchemas.problem("Sales does not keep the list"),
                        422: APISchemas.problem("A filter, limit or cursor is invalid")]))
        suppressions.on(.POST, body: .collect(maxSize: "16kb"), use: Self.add).requires(.create, .suppressions).openAPI(.init(
            tags: ["privacy"], summary: "Suppress an address or a domain",
            description: "An address (kept only as a hash) or a whole domain with its subdomains. Matching persons are "
                + "opted out; no import, batch, form or API call creates a person for it. Adding an entry that is already "
                + "listed answers 200 with it.",
            operationId: "addSuppression",
            requestBody: APISchemas.body(.object(properties: [
                "email": .string(format: .other("email"), required: false, nullable: true),
                "domain": .string(required: false, nullable: true, minLength: 1, maxLength: 253),
                "reason": .string(required: false, nullable: true, maxLength: 200),
            ], additionalProperties: .init(false))),
            responses: [201: APISchemas.json("The new entry", Self.suppressionSchema),
                        200: APISchemas.json("The entry that was already listed", Self.suppressionSchema),
                        403: APISchemas.problem("Sales does not keep the list"),
                        422: APISchemas.problem("Neither or both of email and domain, or one is invalid")]))
        suppressions.delete(":suppressionId", use: Self.remove).requires(.delete, .suppressions).openAPI(.init(
            tags: ["privacy"], summary: "Remove an entry from the suppression list", operationId: "removeSuppression",
            responses: [204: .b(OpenAPI.Response(description: "Removed")), 403: APISchemas.problem("Only admins"),
                        404: APISchemas.problem("No such entry")]))
    }

    static func personID(_ request: Request) throws -> UUID {
        let raw = request.parameters.get("personId") ?? ""
        guard let id = UUID(uuidString: raw) else { throw AccordError.notFound(entity: "person", id: raw) }
        return id
    }

    @Sendable static func export(_ request: Request) async throws -> Response {
        _ = try request.authorize(.read, .privacy)
        let export = try await PersonPrivacy.export(try personID(request), on: request.db)
        let response = Response(status: .ok, body: .init(data: try JSONCoding.encoder.encode(export)))
        response.headers.contentType = .json
        response.headers.contentDisposition = .init(.attachment, filename: "person-\(export.person.id!.uuidString).json")
        try await AuditTrail.record(request.auditActor, entity: "person", id: export.person.id!, action: "export", changes: [:],
                                    reason: "data export for a privacy request", requestID: request.id, on: request.db)
        return response
    }

    @Sendable static func erase(_ request: Request) async throws -> PersonPrivacy.Erasure {
        _ = try request.authorize(.delete, .privacy)
        let input = try ReasonInput.read(try request.jsonBody(), entity: "erasure")
        let id = try personID(request)
        return try await request.db.writeTransaction { database in
            try await PersonPrivacy.erase(id, reason: input.reason, by: request.auditActor, requestID: request.id, on: database)
        }
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<SuppressionDTO> {
        _ = try request.authorize(.read, .suppressions)
        let builder = SuppressionModel.query(on: request.db)
        let page = try request.listPage(filters: filters, on: builder, entity: "suppressions")
        let result = try await builder.page(page)
        return ListDTO(items: result.items.map(dto), nextCursor: result.nextCursor)
    }

    @Sendable static func add(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .suppressions)
        let input = try SuppressionInput.read(try request.jsonBody())
        let (entry, created) = try await request.db.writeTransaction { database in
            let added = try await Suppressions.add([input], source: .api, by: request.auditActor.label, on: database)[0]
            if added.created {
                try await AuditTrail.record(request.auditActor, entity: "suppression", id: added.entry.id!, action: "create",
                                            changes: [:], reason: added.entry.hint.map { "\($0): \(input.reason ?? "no reason given")" },
                                            requestID: request.id, on: database)
            }
            return added
        }
        return try await dto(entry).encodeResponse(status: created ? .created : .ok, for: request)
    }

    @Sendable static func remove(_ request: Request) async throws -> HTTPStatus {
        _ = try request.authorize(.delete, .suppressions)
        let raw = request.parameters.get("suppressionId") ?? ""
        try await request.db.writeTransaction { database in
            guard let id = UUID(uuidString: raw), let entry = try await SuppressionModel.find(id, on: database) else {
                throw AccordError.notFound(entity: "suppression", id: raw)
            }
            try await entry.delete(on: database)
            try await AuditTrail.record(request.auditActor, entity: "suppression", id: id, action: "delete", changes: [:],
                                        reason: entry.hint, requestID: request.id, on: database)
        }
        return .noContent
    }

    static func dto(_ entry: SuppressionModel) -> SuppressionDTO {
        SuppressionDTO(id: entry.id!, kind: entry.kind, value: entry.hint, reason: entry.reason, source: entry.source,
                       createdBy: entry.createdBy, createdAt: entry.createdAt)
    }
}
