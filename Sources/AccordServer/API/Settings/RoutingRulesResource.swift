import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/routing-rules`: territory rules, tried in ascending position; the first match names the team.
struct RoutingRulesResource: APIResource {
    typealias Model = RoutingRuleModel

    struct DTO: Content {
        var id: UUID
        var name: String
        var position: Int
        var teamId: UUID
        var countries: [String]
        var regions: [String]
        var industries: [String]
        var minEmployees: Int?
        var maxEmployees: Int?
        var isActive: Bool
        /// The conditions in words, as lead explanations quote them.
        var conditions: String
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "routing rule"
    static let path = "routing-rules"
    static let resource = Resource.settings
    static let ownership = Ownership.none
    static let isDeletable = true

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200),
            "position": .integer(required: false, minimum: (0, exclusive: false)), "teamId": APISchemas.uuid(),
            "countries": .array(required: false, nullable: true, items: .string(pattern: "^[A-Za-z]{2}$")),
            "regions": .array(required: false, nullable: true,
                              items: .string(allowedValues: SalesRegion.allCases.map { AnyCodable($0.rawValue) })),
            "industries": .array(required: false, nullable: true, items: .string(minLength: 1, maxLength: 100)),
            "minEmployees": .integer(required: false, nullable: true, minimum: (0, exclusive: false)),
            "maxEmployees": .integer(required: false, nullable: true, minimum: (0, exclusive: false)),
            "isActive": .boolean(required: false),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "position": .integer, "teamId": APISchemas.uuid(),
            "countries": .array(items: .string), "regions": .array(items: .string), "industries": .array(items: .string),
            "minEmployees": .integer(required: false), "maxEmployees": .integer(required: false), "isActive": .boolean,
            "conditions": .string, "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<RoutingRuleModel>] = [.id("teamId", column: "team_id", "Rules routing to this team")]

    static func dto(_ model: RoutingRuleModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, name: model.name, position: model.position, teamId: model.$team.id,
            countries: model.countryList, regions: model.regionList, industries: model.industryList,
            minEmployees: model.minimumEmployees, maxEmployees: model.maximumEmployees, isActive: model.isActive,
            conditions: model.rule.conditions, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> RoutingRuleModel {
        let input = try RoutingRuleInput.read(body, .create)
        let last = try await RoutingRuleModel.query(on: database).max(\.$position) ?? 0
        let model = RoutingRuleModel(rule: RoutingRule(id: TimeOrderedID.make(), name: "", position: last + 10,
                                                       teamID: input.teamID.value!))
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: RoutingRuleModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try RoutingRuleInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: RoutingRuleInput, to model: RoutingRuleModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.teamID, exists: TeamModel.self, field: "teamId", entity: "team",
                                   into: &report, on: database)
        let minimum = input.minimumEmployees.isPresent ? input.minimumEmployees.value.map { Int($0) } : model.minimumEmployees
        let maximum = input.maximumEmployees.isPresent ? input.maximumEmployees.value.map { Int($0) } : model.maximumEmployees
        if let minimum, let maximum, minimum > maximum {
            report.add("maxEmployees", "must not be less than minEmployees (\(minimum))")
        }
        try report.throwIfInvalid()
        References.assign(input.name, to: &model.name)
        References.assign(input.position.map { Int($0) }, to: &model.position)
        References.assign(input.teamID, to: &model.$team.id)
        if let countries = input.countries.value { model.countryList = Array(Set(countries)).sorted() }
        if let regions = input.regions.value { model.regionList = Set(regions.map(\.rawValue)).sorted() }
        if let industries = input.industries.value { model.industryList = Array(Set(industries)).sorted() }
        References.assign(input.minimumEmployees.map { Int($0) }, to: &model.minimumEmployees)
        References.assign(input.maximumEmployees.map { Int($0) }, to: &model.maximumEmployees)
        References.assign(input.isActive, to: &model.isActive)
        try await model.save(on: database)
    }
}
