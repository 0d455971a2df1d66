import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/webhooks`: outbound endpoints (admins only), with their signing secret; and
/// `GET /api/v1/webhooks/{webhookId}/deliveries`: the delivery log, newest first.
struct WebhooksResource: APIResource {
    typealias Model = WebhookEndpointModel

    struct DTO: Content {
        var id: UUID
        var url: String
        var events: [String]
        /// Verify deliveries with it (any Standard Webhooks library accepts it as it is).
        var secret: String
        var isActive: Bool
        var disabledReason: String?
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "webhook"
    static let path = "webhooks"
    static let resource = Resource.webhooks
    static let ownership = Ownership.none
    static let isDeletable = true

    static var createSchema: JSONSchema {
        .object(properties: [
            "url": .string(format: .other("uri"), maxLength: 2_000),
            "events": .array(minItems: 1, items: APISchemas.choice(WebhookEvent.self)),
            "isActive": .boolean(required: false),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "url": .string, "events": .array(items: .string), "secret": .string,
            "isActive": .boolean, "disabledReason": .string(required: false),
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<WebhookEndpointModel>] = []

    static func dto(_ model: WebhookEndpointModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, url: model.url, events: model.eventList, secret: model.secret, isActive: model.isActive,
            disabledReason: model.disabledReason, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> WebhookEndpointModel {
        let input = try WebhookEndpointInput.read(body, .create)
        let model = WebhookEndpointModel()
        model.id = TimeOrderedID.make()
        model.secret = WebhookSender.newSecret()
        model.isActive = true
        model.url = ""
        model.eventList = []
        apply(input, to: model)
        try await model.create(on: database)
        return model
    }

    static func update(_ model: WebhookEndpointModel, with body: JSONValue, on database: any Database) async throws {
        apply(try WebhookEndpointInput.read(body, .update), to: model)
        try await model.save(on: database)
    }

    static func apply(_ input: WebhookEndpointInput, to model: WebhookEndpointModel) {
        References.assign(input.url, to: &model.url)
        if let events = input.events.value { model.eventList = Set(events.map(\.rawValue)).sorted() }
        if let active = input.isActive.value {
            model.isActive = active
            if active { model.disabledReason = nil }
        }
    }
}

/// The delivery log of one endpoint.
struct WebhookDeliveriesController: RouteCollection {
    struct DTO: Content {
        var id: UUID
        var messageId: String
        var eventType: String
        var status: String
        var attempts: Int
        var responseStatus: Int?
        var lastError: String?
        var nextAttemptAt: Date?
        var createdAt: Date
        var deliveredAt: Date?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "webhooks", ":webhookId", "deliveries", use: Self.list).requires(.read, .webhooks)
            .openAPI(.init(
                tags: ["webhooks"], summary: "The delivery log of a webhook endpoint, newest first",
                operationId: "listWebhookDeliveries",
                responses: [
                    200: APISchemas.json("Up to 200 deliveries", APISchemas.list(of: .object(properties: [
                        "id": APISchemas.uuid(), "messageId": .string, "eventType": .string,
                        "status": .string(allowedValues: ["pending", "delivered", "dead", "disabled"].map { AnyCodable($0) }),
                        "attempts": .integer, "responseStatus": .integer(required: false),
                        "lastError": .string(required: false),
                        "nextAttemptAt": .string(format: .dateTime, required: false),
                        "createdAt": .string(format: .dateTime),
                        "deliveredAt": .string(format: .dateTime, required: false),
                    ]))),
                    404: APISchemas.problem("No such webhook"),
                ]))
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let endpoint = try await request.record(WebhookEndpointModel.self, parameter: "webhookId", entity: "webhook")
        let deliveries = try await WebhookDeliveryModel.query(on: request.db).filter(\.$endpoint.$id == endpoint.id!)
            .sort(\.$createdAt, .descending).limit(200).all()
        return ListDTO(items: deliveries.map { delivery in
            DTO(id: delivery.id!, messageId: delivery.messageID, eventType: delivery.eventType, status: delivery.status,
                attempts: delivery.attempts, responseStatus: delivery.responseStatus, lastError: delivery.lastError,
                nextAttemptAt: delivery.nextAttemptAt, createdAt: delivery.createdAt, deliveredAt: delivery.deliveredAt)
        }, nextCursor: nil)
    }
}
