import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/mql-targets`: marketing's side of the agreement, MQL volume and acceptance rate per team and month.
struct MQLTargetsResource: APIResource {
    typealias Model = MQLTargetModel

    struct DTO: Content {
        var id: UUID
        var teamId: UUID
        var month: String
        var mqlVolume: Int
        var acceptanceRate: Double
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "MQL target"
    static let path = "mql-targets"
    static let resource = Resource.settings
    static let ownership = Ownership.none
    static let isDeletable = true

    static var createSchema: JSONSchema {
        .object(properties: [
            "teamId": APISchemas.uuid(), "month": .string(pattern: "^[0-9]{4}-[0-9]{2}$"),
            "mqlVolume": .integer(minimum: (0, exclusive: false)),
            "acceptanceRate": .number(maximum: (1, exclusive: false), minimum: (0, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "teamId": APISchemas.uuid(), "month": .string, "mqlVolume": .integer,
            "acceptanceRate": .number, "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<MQLTargetModel>] = [
        .id("teamId", column: "team_id", "Targets for this team"),
        .text("month", column: "month", "Targets for this month (YYYY-MM)"),
    ]

    static func dto(_ model: MQLTargetModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, teamId: model.$team.id, month: model.month, mqlVolume: model.mqlVolume,
            acceptanceRate: model.acceptanceRate, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> MQLTargetModel {
        let input = try MQLTargetInput.read(body, .create)
        let model = MQLTargetModel(teamID: input.teamID.value!, month: "", mqlVolume: 0, acceptanceRate: 0)
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: MQLTargetModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try MQLTargetInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: MQLTargetInput, to model: MQLTargetModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.teamID, exists: TeamModel.self, field: "teamId", entity: "team",
                                   into: &report, on: database)
        try report.throwIfInvalid()
        References.assign(input.teamID, to: &model.$team.id)
        References.assign(input.month, to: &model.month)
        References.assign(input.mqlVolume.map { Int($0) }, to: &model.mqlVolume)
        References.assign(input.acceptanceRate, to: &model.acceptanceRate)
        try await model.save(on: database)
    }
}
