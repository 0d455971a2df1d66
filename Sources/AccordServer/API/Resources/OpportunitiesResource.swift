import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/opportunities`: deals, with the persons involved (contact roles).
struct OpportunitiesResource: APIResource {
    typealias Model = OpportunityModel

    struct RoleDTO: Content {
        var personId: UUID
        var role: String?
        var isPrimary: Bool
    }

    struct DTO: Content {
        var id: UUID
        var accountId: UUID
        var name: String
        var amount: Money
        var stage: String
        var status: String
        var ownerId: UUID?
        var openedAt: Date
        var closedAt: Date?
        var externalId: String?
        var contactRoles: [RoleDTO]
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "opportunity"
    static let path = "opportunities"
    static let resource = Resource.opportunities
    static let ownership = Ownership.owner(column: "owner_id")

    static var createSchema: JSONSchema {
        .object(properties: [
            "accountId": APISchemas.uuid(), "name": .string(minLength: 1, maxLength: 200), "amount": APISchemas.money,
            "stage": .string(minLength: 1, maxLength: 100),
            "status": APISchemas.choice(OpportunityStatus.self, required: false),
            "ownerId": APISchemas.uuid(required: false, nullable: true),
            "openedAt": .string(format: .dateTime, required: false),
            "closedAt": .string(format: .dateTime, required: false, nullable: true),
            "externalId": .string(required: false, nullable: true),
            "contactRoles": .array(required: false, items: .object(properties: [
                "personId": APISchemas.uuid(), "role": .string(required: false, nullable: true),
                "isPrimary": .boolean(required: false, nullable: true),
            ], additionalProperties: .init(false))),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "accountId": APISchemas.uuid(), "name": .string, "amount": APISchemas.money,
            "stage": .string, "status": .string, "ownerId": APISchemas.uuid(required: false),
            "openedAt": .string(format: .dateTime), "closedAt": .string(format: .dateTime, required: false),
            "externalId": .string(required: false),
            "contactRoles": .array(items: .object(properties: [
                "personId": APISchemas.uuid(), "role": .string(required: false), "isPrimary": .boolean,
            ])),
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<OpportunityModel>] = [
        .id("accountId", column: "account_id", "Opportunities at this account"),
        .choice("status", column: "status", OpportunityStatus.self, "Open, won or lost opportunities"),
        .id("ownerId", column: "owner_id", "Opportunities owned by this user"),
        .time("openedAfter", column: "opened_at", after: true, "Opened at or after this time"),
        .time("openedBefore", column: "opened_at", after: false, "Opened before this time"),
        .text("externalId", column: "external_id", "The opportunity with this CRM id"),
    ]

    static func dto(_ model: OpportunityModel, on database: any Database) async throws -> DTO {
        try await dtos([model], on: database)[0]
    }

    static func dtos(_ models: [OpportunityModel], on database: any Database) async throws -> [DTO] {
        let ids = models.compactMap(\.id)
        let roles = ids.isEmpty ? [] : try await ContactRoleModel.query(on: database)
            .filter(\.$opportunity.$id ~~ ids).sort(\.$id).all()
        let byOpportunity = Dictionary(grouping: roles, by: { $0.$opportunity.id })
        return models.map { model in
            DTO(id: model.id!, accountId: model.$account.id, name: model.name,
                amount: Money(amountMinor: model.amountMinor, currency: model.currency), stage: model.stage,
                status: model.status, ownerId: model.$owner.id, openedAt: model.openedAt, closedAt: model.closedAt,
                externalId: model.externalID,
                contactRoles: (byOpportunity[model.id!] ?? []).map {
                    RoleDTO(personId: $0.$person.id, role: $0.role, isPrimary: $0.isPrimary)
                },
                createdAt: model.createdAt, updatedAt: model.updatedAt)
        }
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> OpportunityModel {
        let input = try OpportunityInput.read(body, .create)
        let model = OpportunityModel(accountID: input.accountID.value!, name: "", amountMinor: 0, currency: "EUR",
                                     stage: "", status: OpportunityStatus.open.rawValue, openedAt: Date())
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: OpportunityModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try OpportunityInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: OpportunityInput, to model: OpportunityModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.accountID, exists: AccountModel.self, field: "accountId", entity: "account",
                                   into: &report, on: database)
        try await References.check(input.ownerID, exists: UserModel.self, field: "ownerId", entity: "user",
                                   into: &report, on: database)
        let people = Set(input.contactRoles.value?.map(\.personID) ?? [])
        let known = try await TouchpointIngestion.existingIDs(PersonModel.self, people, on: database)
        for (index, role) in (input.contactRoles.value ?? []).enumerated() where !known.contains(role.personID) {
            report.add("contactRoles[\(index)].personId", "no person with id \(role.personID)")
        }
        try report.throwIfInvalid()
        References.assign(input.accountID, to: &model.$account.id)
        References.assign(input.name, to: &model.name)
        if let amount = input.amount.value {
            model.amountMinor = amount.amountMinor
            model.currency = amount.currency
        }
        References.assign(input.stage, to: &model.stage)
        References.assign(input.status.map(\.rawValue), to: &model.status)
        References.assign(input.ownerID, to: &model.$owner.id)
        References.assign(input.openedAt, to: &model.openedAt)
        References.assign(input.closedAt, to: &model.closedAt)
        References.assign(input.externalID, to: &model.externalID)
        try OpportunityInput.checkConsistency(status: OpportunityStatus(rawValue: model.status) ?? .open,
                                              openedAt: model.openedAt, closedAt: model.closedAt)
        try await model.save(on: database)
        if let roles = input.contactRoles.value {
            try await ContactRoleModel.query(on: database).filter(\.$opportunity.$id == model.id!).delete()
            for role in roles {
                try await ContactRoleModel(opportunityID: model.id!, personID: role.personID, role: role.role,
                                           isPrimary: role.isPrimary).create(on: database)
            }
        }
    }
}
