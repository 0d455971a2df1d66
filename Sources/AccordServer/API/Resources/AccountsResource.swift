import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/accounts`: companies.
struct AccountsResource: APIResource {
    typealias Model = AccountModel

    struct DTO: Content {
        var id: UUID
        var name: String
        var domain: String?
        var industry: String?
        var employeeCount: Int?
        var country: String?
        var ownerId: UUID?
        var externalId: String?
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "account"
    static let path = "accounts"
    static let resource = Resource.accounts
    static let ownership = Ownership.owner(column: "owner_id")

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200),
            "domain": .string(required: false, nullable: true),
            "industry": .string(required: false, nullable: true),
            "employeeCount": .integer(required: false, nullable: true, minimum: (0, exclusive: false)),
            "country": .string(required: false, nullable: true, pattern: "^([A-Za-z]{2})?$"),
            "ownerId": APISchemas.uuid(required: false, nullable: true),
            "externalId": .string(required: false, nullable: true),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "domain": .string(required: false),
            "industry": .string(required: false), "employeeCount": .integer(required: false),
            "country": .string(required: false), "ownerId": APISchemas.uuid(required: false),
            "externalId": .string(required: false), "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<AccountModel>] = [
        .text("domain", column: "domain", "Accounts with this web domain", lowercase: true),
        .id("ownerId", column: "owner_id", "Accounts owned by this user"),
        .text("industry", column: "industry", "Accounts in this industry", lowercase: true),
        .text("country", column: "country", "Accounts in this country (ISO 3166-1 alpha-2)"),
        .text("externalId", column: "external_id", "The account with this CRM id"),
    ]

    static func dto(_ model: AccountModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, name: model.name, domain: model.domain, industry: model.industry,
            employeeCount: model.employeeCount, country: model.country, ownerId: model.$owner.id,
            externalId: model.externalID, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> AccountModel {
        let input = try AccountInput.read(body, .create)
        let model = AccountModel(name: input.name.value ?? "")
        try await apply(input, to: model, on: database)
        try await model.create(on: database)
        return model
    }

    static func update(_ model: AccountModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try AccountInput.read(body, .update), to: model, on: database)
        try await model.save(on: database)
        try await LiveScoring.rescore(accounts: [model.id!], on: database)  // its people are scored on it
    }

    static func apply(_ input: AccountInput, to model: AccountModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.ownerID, exists: UserModel.self, field: "ownerId", entity: "user",
                                   into: &report, on: database)
        if let domain = input.domain.value, domain != model.domain,
           let other = try await AccountModel.query(on: database).filter(\.$domain == domain).first() {
            report.add("domain", "\(domain) belongs to account \(other.id!)")
        }
        try report.throwIfInvalid()
        References.assign(input.name, to: &model.name)
        References.assign(input.domain, to: &model.domain)
        References.assign(input.industry, to: &model.industry)
        References.assign(input.employeeCount.map { Int($0) }, to: &model.employeeCount)
        References.assign(input.country, to: &model.country)
        References.assign(input.ownerID, to: &model.$owner.id)
        References.assign(input.externalID, to: &model.externalID)
    }
}
