import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/teams`: sales and marketing teams, each with its business calendar and SLA policy.
struct TeamsResource: APIResource {
    typealias Model = TeamModel

    struct DTO: Content {
        var id: UUID
        var name: String
        var side: String
        var calendarId: UUID?
        var slaPolicyId: UUID?
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "team"
    static let path = "teams"
    static let resource = Resource.settings
    static let ownership = Ownership.none

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200), "side": APISchemas.choice(Side.self),
            "calendarId": APISchemas.uuid(required: false, nullable: true),
            "slaPolicyId": APISchemas.uuid(required: false, nullable: true),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "side": .string, "calendarId": APISchemas.uuid(required: false),
            "slaPolicyId": APISchemas.uuid(required: false), "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<TeamModel>] = [.choice("side", column: "side", Side.self, "Teams of this side")]

    static func dto(_ model: TeamModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, name: model.name, side: model.side, calendarId: model.calendarID,
            slaPolicyId: model.slaPolicyID, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> TeamModel {
        let model = TeamModel(name: "", side: "")
        try await apply(try TeamInput.read(body, .create), to: model, on: database)
        return model
    }

    static func update(_ model: TeamModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try TeamInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: TeamInput, to model: TeamModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.calendarID, exists: BusinessCalendarModel.self, field: "calendarId",
                                   entity: "calendar", into: &report, on: database)
        try await References.check(input.slaPolicyID, exists: SLAPolicyModel.self, field: "slaPolicyId",
                                   entity: "SLA policy", into: &report, on: database)
        try report.throwIfInvalid()
        References.assign(input.name, to: &model.name)
        References.assign(input.side.map(\.rawValue), to: &model.side)
        References.assign(input.calendarID, to: &model.calendarID)
        References.assign(input.slaPolicyID, to: &model.slaPolicyID)
        try await model.save(on: database)
    }
}
