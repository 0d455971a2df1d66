import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/web-forms`: the web forms whose posts `POST /api/v1/forms/{key}` takes (admins manage them; the key is made
/// by Accord and is public, being in the site's HTML).
struct FormsResource: APIResource {
    typealias Model = FormModel

    struct DTO: Content {
        var id: UUID
        var key: String
        var name: String
        var postUrl: String
        var successUrl: String?
        var campaignId: UUID?
        var isActive: Bool
        var honeypotField: String
        var createdAt: Date?
        var updatedAt: Date?
    }

    // Not `forms`: `/api/v1/forms/{formKey}` is the public post address, and one path cannot take two parameters.
    static let name = "web form"
    static let path = "web-forms"
    static let resource = Resource.settings
    static let ownership = Ownership.none
    static let isDeletable = true

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200),
            "successUrl": .string(required: false, nullable: true, maxLength: 2_000, pattern: "^(https?://[^/?#\\s]+.*)?$"),
            "campaignId": APISchemas.uuid(required: false, nullable: true), "isActive": .boolean(required: false),
            "honeypotField": .string(required: false, pattern: "^[A-Za-z0-9_-]{1,100}$"),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "key": .string, "name": .string, "postUrl": .string,
            "successUrl": .string(required: false, nullable: true), "campaignId": APISchemas.uuid(required: false, nullable: true),
            "isActive": .boolean, "honeypotField": .string,
            "createdAt": .string(format: .dateTime, required: false), "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<FormModel>] = [.flag("isActive", column: "is_active", "Active forms (true) or not (false)")]

    static func dto(_ model: FormModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, key: model.key, name: model.name, postUrl: "/api/v1/forms/\(model.key)", successUrl: model.successURL,
            campaignId: model.$campaign.id, isActive: model.isActive, honeypotField: model.honeypotField,
            createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> FormModel {
        let model = FormModel(key: String(Secrets.random().prefix(24)), name: "")
        try await apply(try FormInput.read(body, .create), to: model, on: database)
        return model
    }

    static func update(_ model: FormModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try FormInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: FormInput, to model: FormModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.campaignID, exists: CampaignModel.self, field: "campaignId", entity: "campaign",
                                   into: &report, on: database)
        try report.throwIfInvalid()
        References.assign(input.name, to: &model.name)
        References.assign(input.successURL, to: &model.successURL)
        References.assign(input.campaignID, to: &model.$campaign.id)
        References.assign(input.isActive, to: &model.isActive)
        References.assign(input.honeypotField, to: &model.honeypotField)
        try await model.save(on: database)
    }
}
