import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/sla-policies`: response time per lead priority in business hours, and the shelf life in days.
struct SLAPoliciesResource: APIResource {
    typealias Model = SLAPolicyModel

    struct DTO: Content {
        var id: UUID
        var name: String
        var responseHours: JSONValue
        var shelfLifeDays: Int
        var isDefault: Bool
        var remindAtShare: Double?
        var notifyManagerAtBreach: Bool
        var reassignAfterHours: Double?
        var disputeResponseHours: Double
        var requestResponseHours: Double
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "SLA policy"
    static let path = "sla-policies"
    static let resource = Resource.settings
    static let ownership = Ownership.none
    static let isDeletable = true

    static let responseSchema: JSONSchema = {
        var priorities: OrderedDictionary<String, JSONSchema> = [:]
        for priority in LeadPriority.allCases {
            priorities[priority.rawValue] = .number(maximum: (1_000, exclusive: false), minimum: (0, exclusive: true))
        }
        return .object(description: "Business hours to the first action, per priority", properties: priorities,
                       additionalProperties: .init(false))
    }()

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200), "responseHours": responseSchema,
            "shelfLifeDays": .integer(maximum: (365, exclusive: false), minimum: (1, exclusive: false)),
            "isDefault": .boolean(required: false),
            "remindAtShare": .number(required: false, nullable: true, maximum: (1, exclusive: true),
                                     minimum: (0, exclusive: true)),
            "notifyManagerAtBreach": .boolean(required: false),
            "reassignAfterHours": .number(required: false, nullable: true, minimum: (0, exclusive: false)),
            "disputeResponseHours": .number(required: false,
                                            description: "Business hours a sales manager has to decide a dispute",
                                            maximum: (1_000, exclusive: false), minimum: (0, exclusive: true)),
            "requestResponseHours": .number(required: false,
                                            description: "Business hours marketing has to answer a request from the team",
                                            maximum: (1_000, exclusive: false), minimum: (0, exclusive: true)),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "responseHours": responseSchema, "shelfLifeDays": .integer,
            "isDefault": .boolean, "remindAtShare": .number(required: false), "notifyManagerAtBreach": .boolean,
            "reassignAfterHours": .number(required: false), "disputeResponseHours": .number, "requestResponseHours": .number, "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<SLAPolicyModel>] = []

    static func dto(_ model: SLAPolicyModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, name: model.name, responseHours: SLAPolicyInput.json(responseMinutes: model.responseMinutes),
            shelfLifeDays: model.shelfLifeDays, isDefault: model.isDefault, remindAtShare: model.remindAtShare,
            notifyManagerAtBreach: model.notifyManagerAtBreach,
            reassignAfterHours: model.reassignAfterMinutes.map { Double($0) / 60 },
            disputeResponseHours: Double(model.policy.disputeResponseMinutes) / 60,
            requestResponseHours: Double(model.policy.requestResponseMinutes) / 60, createdAt: model.createdAt,
            updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> SLAPolicyModel {
        let input = try SLAPolicyInput.read(body, .create)
        let model = SLAPolicyModel(name: input.name.value!, policy: .standard)
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: SLAPolicyModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try SLAPolicyInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: SLAPolicyInput, to model: SLAPolicyModel, on database: any Database) async throws {
        References.assign(input.name, to: &model.name)
        if let minutes = input.responseMinutes.value { model.setResponse(minutes) }
        References.assign(input.shelfLifeDays.map { Int($0) }, to: &model.shelfLifeDays)
        References.assign(input.remindAtShare, to: &model.remindAtShare)
        References.assign(input.notifyManagerAtBreach, to: &model.notifyManagerAtBreach)
        References.assign(input.reassignAfterHours.map { Int(($0 * 60).rounded()) }, to: &model.reassignAfterMinutes)
        References.assign(input.disputeResponseHours.map { Int(($0 * 60).rounded()) }, to: &model.disputeResponseMinutes)
        References.assign(input.requestResponseHours.map { Int(($0 * 60).rounded()) }, to: &model.requestResponseMinutes)
        try await SettingsDefaults.assign(input.isDefault, to: model, flag: \.$isDefault, on: database)
    }

    static func delete(_ model: SLAPolicyModel, on database: any Database) async throws {
        try await SettingsDefaults.refuseDeletingUsed(model, flag: \.$isDefault, teamColumn: \.$slaPolicyID,
                                                       entity: "SLA policy", on: database)
        try await model.delete(on: database)
    }
}
