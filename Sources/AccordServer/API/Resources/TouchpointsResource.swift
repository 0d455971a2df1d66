import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/touchpoints`: interactions; created one at a time here or in batches at `touchpoints:batch`.
struct TouchpointsResource: APIResource {
    typealias Model = TouchpointModel

    struct DTO: Content {
        var id: UUID
        var eventId: String?
        var personId: UUID
        var campaignId: UUID?
        var kind: String
        var side: String
        var channel: String
        var occurredAt: Date
        var createdAt: Date?
    }

    static let name = "touchpoint"
    static let path = "touchpoints"
    static let resource = Resource.touchpoints
    static let ownership = Ownership.person(column: "person_id")

    static var createSchema: JSONSchema {
        .object(description: "Give personId or email; at most one of campaignId, campaignExternalId and utm.",
                properties: [
                    "eventId": .string(required: false, nullable: true, maxLength: 200),
                    "personId": APISchemas.uuid(required: false),
                    "email": .string(format: .other("email"), required: false),
                    "campaignId": APISchemas.uuid(required: false, nullable: true),
                    "campaignExternalId": .string(required: false, nullable: true),
                    "utm": .object(required: false, nullable: true, properties: [
                        "source": .string(required: false, nullable: true),
                        "medium": .string(required: false, nullable: true), "campaign": .string,
                    ], additionalProperties: .init(false)),
                    "kind": APISchemas.choice(TouchpointKind.self), "side": APISchemas.choice(Side.self),
                    "channel": APISchemas.choice(AccordCore.Channel.self, required: false, nullable: true),
                    "occurredAt": .string(format: .dateTime),
                ], additionalProperties: .init(false))
    }

    /// What a PATCH may correct.
    static var updateSchema: JSONSchema {
        .object(properties: [
            "kind": APISchemas.choice(TouchpointKind.self, required: false),
            "channel": APISchemas.choice(AccordCore.Channel.self, required: false),
            "campaignId": APISchemas.uuid(required: false, nullable: true),
            "occurredAt": .string(format: .dateTime, required: false),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "eventId": .string(required: false), "personId": APISchemas.uuid(),
            "campaignId": APISchemas.uuid(required: false), "kind": .string, "side": .string, "channel": .string,
            "occurredAt": .string(format: .dateTime), "createdAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<TouchpointModel>] = [
        .id("personId", column: "person_id", "Touchpoints of this person"),
        .id("campaignId", column: "campaign_id", "Touchpoints of this campaign"),
        .choice("kind", column: "kind", TouchpointKind.self, "Touchpoints of these kinds"),
        .choice("side", column: "side", Side.self, "Marketing or sales touchpoints"),
        .choice("channel", column: "channel", AccordCore.Channel.self, "Touchpoints in these channels"),
        .time("occurredAfter", column: "occurred_at", after: true, "Touchpoints at or after this time"),
        .time("occurredBefore", column: "occurred_at", after: false, "Touchpoints before this time"),
        .text("eventId", column: "event_id", "The touchpoint with this event id"),
    ]

    static func dto(_ model: TouchpointModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, eventId: model.eventID, personId: model.$person.id, campaignId: model.$campaign.id,
            kind: model.kind, side: model.side, channel: model.channel, occurredAt: model.occurredAt,
            createdAt: model.createdAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> TouchpointModel {
        let (input, report) = TouchpointInput.read(body, now: Date())
        guard let input else { throw AccordError.validation(report.problems) }
        let result = try await TouchpointIngestion.ingestInTransaction(
            [.init(path: "", input: input)], now: Date(), on: database)
        guard let id = result.ids[0] else {  // the address is on the suppression list
            throw AccordError.validation([FieldError(field: "email", problem: "is on the suppression list; no touchpoint is recorded")])
        }
        guard let model = try await TouchpointModel.find(id, on: database) else {
            throw AccordError.notFound(entity: name, id: id.uuidString)
        }
        return model
    }

    static func update(_ model: TouchpointModel, with body: JSONValue, on database: any Database) async throws {
        let changes = try TouchpointChanges.read(body, now: Date())
        var report = ValidationReport()
        try await References.check(changes.campaignID, exists: CampaignModel.self, field: "campaignId",
                                   entity: "campaign", into: &report, on: database)
        try report.throwIfInvalid()
        References.assign(changes.kind.map(\.rawValue), to: &model.kind)
        References.assign(changes.channel.map(\.rawValue), to: &model.channel)
        References.assign(changes.campaignID, to: &model.$campaign.id)
        References.assign(changes.occurredAt, to: &model.occurredAt)
        try await model.save(on: database)
    }
}
