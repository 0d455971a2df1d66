import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `GET /api/v1/audit`: the append-only trail of changes, for managers and admins. There is no route
/// that changes or deletes an audit event.
struct AuditController: RouteCollection {
    struct EventDTO: Content {
        var id: UUID
        var occurredAt: Date
        var actorId: UUID?
        var actor: String
        var entityType: String
        var entityId: UUID
        var action: String
        var changes: JSONValue
        var reason: String?
        var requestId: String?
    }

    static let filters: [ListFilter<AuditEventModel>] = [
        .text("entityType", column: "entity_type", "Events about this kind of record (lead, account, …)"),
        .id("entityId", column: "entity_id", "Events about this record"),
        .id("actorId", column: "actor_id", "Events caused by this user"),
        .text("action", column: "action", "Events of this action (create, update, move:reject, …)"),
        .time("occurredAfter", column: "occurred_at", after: true, "Events at or after this time"),
        .time("occurredBefore", column: "occurred_at", after: false, "Events before this time"),
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").get("audit", use: Self.list).requires(.read, .audit).openAPI(.init(
            tags: ["audit"], summary: "The audit trail: who changed what, when and why", operationId: "listAuditEvents",
            parameters: APISchemas.pagingParameters + Self.filters.map {
                .b(OpenAPI.Parameter(name: $0.name, context: .query(required: false), schema: $0.schema,
                                     description: $0.description))
            },
            responses: [
                200: APISchemas.json("A page of events, oldest first", APISchemas.list(of: .object(properties: [
                    "id": APISchemas.uuid(), "occurredAt": .string(format: .dateTime),
                    "actorId": APISchemas.uuid(required: false), "actor": .string, "entityType": .string,
                    "entityId": APISchemas.uuid(), "action": .string,
                    "changes": .object(description: "{field: {before, after}}"),
                    "reason": .string(required: false), "requestId": .string(required: false),
                ]))),
                403: APISchemas.problem("Only managers and admins read the audit trail"),
                422: APISchemas.problem("A filter, limit or cursor is invalid"),
            ]))
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<EventDTO> {
        let query = AuditEventModel.query(on: request.db)
        let page = try request.listPage(filters: filters, on: query, entity: "the audit trail")
        let result = try await query.page(page)
        return ListDTO(items: result.items.map { event in
            EventDTO(id: event.id!, occurredAt: event.occurredAt, actorId: event.actorID, actor: event.actorLabel,
                     entityType: event.entityType, entityId: event.entityID, action: event.action,
                     changes: (try? JSONValue.parse(event.changes.utf8)) ?? .null,
                     reason: event.reason, requestId: event.requestID)
        }, nextCursor: result.nextCursor)
    }
}
