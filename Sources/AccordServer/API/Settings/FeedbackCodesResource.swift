import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/feedback-codes`: the configurable rejection reasons and objection codes. A code, once used, stays:
/// retire it with `isActive: false` (old leads keep it; pick lists stop offering it).
struct FeedbackCodesResource: APIResource {
    typealias Model = FeedbackCodeModel

    struct DTO: Content {
        var id: UUID
        var kind: String
        var code: String
        var label: String
        var needsNote: Bool
        var isActive: Bool
        var position: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "feedback code"
    static let path = "feedback-codes"
    static let resource = Resource.settings
    static let ownership = Ownership.none

    static var createSchema: JSONSchema {
        .object(properties: [
            "kind": APISchemas.choice(FeedbackKind.self),
            "code": .string(pattern: "^[a-z][a-z0-9_]{1,39}$"),
            "label": .string(minLength: 1, maxLength: 120),
            "needsNote": .boolean(required: false), "isActive": .boolean(required: false),
            "position": .integer(required: false, maximum: (10_000, exclusive: false), minimum: (0, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    /// Kind and code are fixed once created (old leads and reports refer to them).
    static var updateSchema: JSONSchema {
        .object(properties: [
            "label": .string(required: false, minLength: 1, maxLength: 120),
            "needsNote": .boolean(required: false), "isActive": .boolean(required: false),
            "position": .integer(required: false, maximum: (10_000, exclusive: false), minimum: (0, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "kind": APISchemas.choice(FeedbackKind.self), "code": .string, "label": .string,
            "needsNote": .boolean, "isActive": .boolean, "position": .integer,
            "createdAt": .string(format: .dateTime, required: false), "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<FeedbackCodeModel>] = [
        .text("kind", column: "kind", "Codes of this kind (rejection, objection)"),
    ]

    static func dto(_ model: FeedbackCodeModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, kind: model.kind, code: model.code, label: model.label, needsNote: model.needsNote,
            isActive: model.isActive, position: model.position, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> FeedbackCodeModel {
        let input = try FeedbackCodeInput.read(body, .create)
        let kind = input.kind.value!, code = input.code.value!
        if try await FeedbackCodeModel.query(on: database).filter(\.$kind == kind.rawValue).filter(\.$code == code).first() != nil {
            throw AccordError.conflict("There is already a \(kind.rawValue) code '\(code)'.")
        }
        let last = try await FeedbackCodeModel.query(on: database).filter(\.$kind == kind.rawValue).max(\.$position) ?? 0
        let model = FeedbackCodeModel(code: FeedbackCode(kind: kind, code: code, label: input.label.value!),
                                      position: input.position.value.map { Int($0) } ?? last + 1)
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: FeedbackCodeModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try FeedbackCodeInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: FeedbackCodeInput, to model: FeedbackCodeModel, on database: any Database) async throws {
        References.assign(input.label, to: &model.label)
        References.assign(input.needsNote, to: &model.needsNote)
        References.assign(input.isActive, to: &model.isActive)
        References.assign(input.position.map { Int($0) }, to: &model.position)
        if !model.isActive, try await FeedbackCodeModel.query(on: database).filter(\.$kind == model.kind)
            .filter(\.$isActive == true).filter(\.$id != model.id!).count() == 0 {
            throw AccordError.validation([FieldError(field: "isActive", problem: "the last active \(model.kind) code cannot be retired")])
        }
        try await model.save(on: database)
    }
}
