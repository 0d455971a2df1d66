import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/persons`: contacts, one per normalized email, matched to an account by email domain.
struct PersonsResource: APIResource {
    typealias Model = PersonModel

    struct DTO: Content {
        var id: UUID
        var email: String
        var firstName: String?
        var lastName: String?
        var title: String?
        var seniority: String?
        var accountId: UUID?
        var optedOut: Bool
        var externalId: String?
        /// The live score under the active definition as of `scoredAt` (version `scoreVersion`; read-only).
        var fitScore: Int?
        var engagementScore: Double?
        var qualified: Bool?
        var scoreVersion: Int?
        var scoredAt: Date?
        /// Where the person came from, and sales' flag on wrong contact data (read-only).
        var source: String?
        var dataFlaggedAt: Date?
        var dataFlagReason: String?
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "person"
    static let path = "persons"
    static let resource = Resource.persons
    static let ownership = Ownership.account(column: "account_id")

    static var createSchema: JSONSchema {
        .object(properties: [
            "email": .string(format: .other("email"), maxLength: 254),
            "firstName": .string(required: false, nullable: true), "lastName": .string(required: false, nullable: true),
            "title": .string(required: false, nullable: true),
            "seniority": APISchemas.choice(Seniority.self, required: false, nullable: true),
            "accountId": APISchemas.uuid(required: false, nullable: true),
            "optedOut": .boolean(required: false), "externalId": .string(required: false, nullable: true),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "email": .string, "firstName": .string(required: false),
            "lastName": .string(required: false), "title": .string(required: false),
            "seniority": .string(required: false), "accountId": APISchemas.uuid(required: false),
            "optedOut": .boolean, "externalId": .string(required: false),
            "fitScore": .integer(required: false, nullable: true), "engagementScore": .number(required: false, nullable: true),
            "qualified": .boolean(required: false, nullable: true), "scoreVersion": .integer(required: false, nullable: true),
            "scoredAt": .string(format: .dateTime, required: false, nullable: true),
            "source": .string(required: false, nullable: true),
            "dataFlaggedAt": .string(format: .dateTime, required: false, nullable: true),
            "dataFlagReason": .string(required: false, nullable: true),
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<PersonModel>] = [
        .text("email", column: "email", "The person with this email (normalized)", lowercase: true),
        .id("accountId", column: "account_id", "Persons at this account"),
        .choice("seniority", column: "seniority", Seniority.self, "Persons of these seniorities"),
        .flag("optedOut", column: "opted_out", "Persons who opted out (true) or not (false)"),
        .text("externalId", column: "external_id", "The person with this CRM id"),
    ]

    static func dto(_ model: PersonModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, email: model.email, firstName: model.firstName, lastName: model.lastName,
            title: model.title, seniority: model.seniority, accountId: model.$account.id, optedOut: model.optedOut,
            externalId: model.externalID, fitScore: model.fitScore, engagementScore: model.engagementScore,
            qualified: model.qualified, scoreVersion: model.scoreVersion, scoredAt: model.scoredAt, source: model.source, dataFlaggedAt: model.dataFlaggedAt,
            dataFlagReason: model.dataFlagReason, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> PersonModel {
        let input = try PersonInput.read(body, .create)
        let email = input.email.value!
        try await Suppressions.check(email, field: "email", on: database)
        let model = PersonModel(email: email.value)
        model.source = "api"
        try await apply(input, to: model, on: database)
        if !input.accountID.isPresent {
            model.$account.id = try await AccountMatcher.accounts(forEmails: [email], on: database)[email]
        }
        try await model.create(on: database)
        return model
    }

    static func update(_ model: PersonModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try PersonInput.read(body, .update), to: model, on: database)
        if model.hasChanges {  // someone fixed the data sales flagged as wrong
            model.dataFlaggedAt = nil
            model.dataFlagReason = nil
        }
        try await model.save(on: database)
        try await LiveScoring.rescore([model.id!], on: database)  // a new title or account can qualify them
    }

    static func apply(_ input: PersonInput, to model: PersonModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.accountID, exists: AccountModel.self, field: "accountId", entity: "account",
                                   into: &report, on: database)
        if let email = input.email.value?.value, email != model.email || model.id == nil,
           let other = try await PersonModel.query(on: database).filter(\.$email == email).first(), other.id != model.id {
            report.add("email", "\(email) belongs to person \(other.id!)")
        }
        try report.throwIfInvalid()
        References.assign(input.email.map(\.value), to: &model.email)
        References.assign(input.firstName, to: &model.firstName)
        References.assign(input.lastName, to: &model.lastName)
        References.assign(input.title, to: &model.title)
        References.assign(input.seniority.map(\.rawValue), to: &model.seniority)
        References.assign(input.accountID, to: &model.$account.id)
        References.assign(input.optedOut, to: &model.optedOut)
        References.assign(input.externalID, to: &model.externalID)
    }
}
