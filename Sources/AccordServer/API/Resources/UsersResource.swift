import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/users`: admins manage who signs in, their team and manager, and whether routing may give
/// them leads (away, capacity).
struct UsersResource: APIResource {
    typealias Model = UserModel

    struct DTO: Content {
        var id: UUID
        var email: String
        var name: String
        var role: String
        var teamId: UUID?
        var managerId: UUID?
        var isActive: Bool
        var isAway: Bool
        var capacity: Int?
        var routingWeight: Int
        var emailSlaWarnings: Bool
        var emailSlaBreaches: Bool
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "user"
    static let path = "users"
    static let resource = Resource.users
    static let ownership = Ownership.none

    static var createSchema: JSONSchema {
        .object(properties: [
            "email": .string(format: .other("email")), "name": .string(minLength: 1, maxLength: 200),
            "role": APISchemas.choice(UserRole.self), "teamId": APISchemas.uuid(required: false, nullable: true),
            "managerId": APISchemas.uuid(required: false, nullable: true), "isAway": .boolean(required: false),
            "capacity": .integer(required: false, nullable: true, minimum: (0, exclusive: false)),
            "routingWeight": .integer(required: false, maximum: (100, exclusive: false), minimum: (0, exclusive: false)),
            "emailSlaWarnings": .boolean(required: false), "emailSlaBreaches": .boolean(required: false),
            "password": .string(format: .password, minLength: 10),
        ], additionalProperties: .init(false))
    }

    static var updateSchema: JSONSchema {
        .object(properties: [
            "email": .string(format: .other("email"), required: false), "name": .string(required: false),
            "role": APISchemas.choice(UserRole.self, required: false),
            "teamId": APISchemas.uuid(required: false, nullable: true),
            "managerId": APISchemas.uuid(required: false, nullable: true), "isAway": .boolean(required: false),
            "capacity": .integer(required: false, nullable: true, minimum: (0, exclusive: false)),
            "routingWeight": .integer(required: false, maximum: (100, exclusive: false), minimum: (0, exclusive: false)),
            "emailSlaWarnings": .boolean(required: false), "emailSlaBreaches": .boolean(required: false),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "email": .string, "name": .string, "role": .string,
            "teamId": APISchemas.uuid(required: false), "managerId": APISchemas.uuid(required: false),
            "isActive": .boolean, "isAway": .boolean, "capacity": .integer(required: false),
            "routingWeight": .integer, "emailSlaWarnings": .boolean, "emailSlaBreaches": .boolean,
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<UserModel>] = [
        .choice("role", column: "role", UserRole.self, "Users with these roles"),
        .id("teamId", column: "team_id", "Users in this team"),
        .flag("isActive", column: "is_active", "Active (true) or deactivated (false) users"),
    ]

    static func dto(_ model: UserModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, email: model.email, name: model.name, role: model.role, teamId: model.$team.id,
            managerId: model.$manager.id, isActive: model.isActive, isAway: model.isAway, capacity: model.capacity,
            routingWeight: model.routingWeight, emailSlaWarnings: model.emailSLAWarnings,
            emailSlaBreaches: model.emailSLABreaches, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> UserModel {
        let input = try UserInput.read(body, .create)
        let model = UserModel(email: input.email.value!.value, name: "", role: "",
                              passwordHash: try Bcrypt.hash(input.password.value!, cost: UserDirectory.bcryptCost))
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: UserModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try UserInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: UserInput, to model: UserModel, on database: any Database) async throws {
        var report = ValidationReport()
        try await References.check(input.teamID, exists: TeamModel.self, field: "teamId", entity: "team",
                                   into: &report, on: database)
        try await References.check(input.managerID, exists: UserModel.self, field: "managerId", entity: "user",
                                   into: &report, on: database)
        if let email = input.email.value?.value, email != model.email || model.id == nil,
           try await UserModel.query(on: database).filter(\.$email == email).filter(\.$id != model.id ?? UUID())
            .first() != nil {
            report.add("email", "\(email) is a user already")
        }
        if let manager = input.managerID.value, manager == model.id { report.add("managerId", "cannot be the user") }
        try report.throwIfInvalid()
        References.assign(input.email.map(\.value), to: &model.email)
        References.assign(input.name, to: &model.name)
        References.assign(input.role.map(\.rawValue), to: &model.role)
        References.assign(input.teamID, to: &model.$team.id)
        References.assign(input.managerID, to: &model.$manager.id)
        References.assign(input.isAway, to: &model.isAway)
        References.assign(input.capacity.map { Int($0) }, to: &model.capacity)
        References.assign(input.routingWeight.map { Int($0) }, to: &model.routingWeight)
        References.assign(input.emailSLAWarnings, to: &model.emailSLAWarnings)
        References.assign(input.emailSLABreaches, to: &model.emailSLABreaches)
        try await model.save(on: database)
    }
}

/// `POST /api/v1/users/{userId}/password-reset` and `/deactivate`.
struct UserActionsController: RouteCollection {
    struct ResetDTO: Content {
        /// Shown once; the user signs in with it and changes it.
        var temporaryPassword: String
    }

    struct DeactivationDTO: Content {
        var reassignedLeads: Int
        var reassignedAccounts: Int
    }

    func boot(routes: any RoutesBuilder) throws {
        let user = routes.grouped("api", "v1", "users", ":userId")
        user.post("password-reset", use: Self.reset).requires(.manage, .users).openAPI(.init(
            tags: ["users"], summary: "Give a user a one-time password and end their sessions",
            operationId: "resetUserPassword", responses: [
                200: APISchemas.json("The temporary password, shown once", .object(properties: ["temporaryPassword": .string])),
                404: APISchemas.problem("No such user"),
            ]))
        user.on(.POST, "deactivate", body: .collect(maxSize: "16kb"), use: Self.deactivate).requires(.manage, .users)
            .openAPI(.init(
                tags: ["users"], summary: "Deactivate a user, revoke their tokens and hand their open leads and accounts on",
                operationId: "deactivateUser",
                requestBody: .b(OpenAPI.Request(content: [.json: .init(schema: .object(properties: [
                    "reassignTo": .string(format: .other("email"), required: false, nullable: true),
                ], additionalProperties: .init(false)))])),
                responses: [
                    200: APISchemas.json("Deactivated", .object(properties: ["reassignedLeads": .integer,
                                                                             "reassignedAccounts": .integer])),
                    404: APISchemas.problem("No such user"),
                    422: APISchemas.problem("reassignTo is not another active user"),
                ]))
    }

    static func user(_ request: Request) async throws -> UserModel {
        try await request.record(UserModel.self, parameter: "userId", entity: "user")
    }

    @Sendable static func reset(_ request: Request) async throws -> ResetDTO {
        let user = try await user(request)
        let temporary = String(Secrets.random().prefix(20))
        user.passwordHash = try Bcrypt.hash(temporary, cost: UserDirectory.bcryptCost)
        try await request.db.writeTransaction { database in
            try await user.save(on: database)
            try await SessionModel.query(on: database).filter(\.$user.$id == user.requireID()).delete()
            try await AuditTrail.record(request.auditActor, entity: "user", id: user.requireID(), action: "password_reset",
                                        changes: ["passwordHash": .init(before: .string("…"), after: .string("…"))],
                                        requestID: request.id, on: database)
        }
        return ResetDTO(temporaryPassword: temporary)
    }

    @Sendable static func deactivate(_ request: Request) async throws -> DeactivationDTO {
        let user = try await user(request)
        var reassignTo: String?
        if let buffer = request.body.data, buffer.readableBytes > 0 {
            var reader = FieldReader(try request.jsonBody())
            reassignTo = reader.string("reassignTo", maxLength: 254).value
            reader.rejectUnknownFields(entity: "deactivation")
            try reader.report.throwIfInvalid()
        }
        let moved = try await UserDirectory.deactivate(email: user.email, reassignTo: reassignTo, on: request.db)
        return DeactivationDTO(reassignedLeads: moved.leads, reassignedAccounts: moved.accounts)
    }
}
