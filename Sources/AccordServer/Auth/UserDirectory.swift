import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Adding, listing and deactivating users; passwords are Bcrypt hashes (cost 12).
public enum UserDirectory {
    public static let bcryptCost = 12
    public static let minimumPasswordLength = 10

    /// Adds a user; a named team is created when missing, on the side the role works on.
    public static func add(email: String, name: String, role: String, team: String?, manager: String?,
                           password: String, on database: any Database) async throws -> UserModel {
        var report = ValidationReport()
        let address = report.check("email") { () throws(FieldError) in try EmailAddress(email) }
        let parsedRole = report.check("role") { () throws(FieldError) in try UserRole.parse(role) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { report.add("name", "is required") }
        if password.count < minimumPasswordLength {
            report.add("password", "must have at least \(minimumPasswordLength) characters")
        }
        if let address, try await UserModel.query(on: database).filter(\.$email == address.value).first() != nil {
            report.add("email", "\(address.value) is a user already")
        }
        var foundManager: UUID?
        if let manager {
            let managerAddress = (try? EmailAddress(manager))?.value ?? manager
            foundManager = try await UserModel.query(on: database).filter(\.$email == managerAddress).first()?.id
            if foundManager == nil { report.add("manager", "no user \(manager)") }
        }
        try report.throwIfInvalid()
        let hash = try Bcrypt.hash(password, cost: bcryptCost)
        let managerID = foundManager
        return try await database.writeTransaction { database in
            var teamID: UUID?
            if let team {
                if let existing = try await TeamModel.query(on: database).filter(\.$name == team).first() {
                    teamID = existing.id
                } else {
                    let created = TeamModel(name: team, side: (parsedRole!.side ?? .sales).rawValue)
                    try await created.create(on: database)
                    teamID = created.id
                }
            }
            let user = UserModel(email: address!.value, name: name, role: parsedRole!.rawValue, teamID: teamID,
                                 managerID: managerID, passwordHash: hash)
            try await user.create(on: database)
            try await AuditTrail.record(.system, entity: "user", id: user.requireID(), action: "create",
                                        changes: ["email": .init(before: nil, after: .string(user.email)),
                                                  "role": .init(before: nil, after: .string(user.role))],
                                        on: database)
            return user
        }
    }

    /// The user with this email (normalized), or `not_found`.
    public static func find(email: String, on database: any Database) async throws -> UserModel {
        let address = (try? EmailAddress(email))?.value ?? email
        guard let user = try await UserModel.query(on: database).filter(\.$email == address).first() else {
            throw AccordError.notFound(entity: "user", id: email)
        }
        return user
    }

    /// Every user with their team, by email.
    public static func list(on database: any Database) async throws -> [UserModel] {
        try await UserModel.query(on: database).with(\.$team).sort(\.$email).all()
    }

    /// Deactivates a user, revokes their tokens and, with `reassignTo`, moves their open leads and their
    /// accounts to that user in the same transaction. Returns how many leads and accounts moved.
    public static func deactivate(email: String, reassignTo: String?, on database: any Database) async throws
        -> (leads: Int, accounts: Int) {
        let address = (try? EmailAddress(email))?.value ?? email
        guard let user = try await UserModel.query(on: database).filter(\.$email == address).first() else {
            throw AccordError.notFound(entity: "user", id: email)
        }
        var heir: UserModel?
        if let reassignTo {
            let heirAddress = (try? EmailAddress(reassignTo))?.value ?? reassignTo
            heir = try await UserModel.query(on: database).filter(\.$email == heirAddress).first()
            guard let heir, heir.isActive, heir.id != user.id else {
                throw AccordError.validation([FieldError(field: "reassign-to",
                                                         problem: "must be another active user")])
            }
        }
        let userID = try user.requireID()
        let heirToBe = heir
        return try await database.writeTransaction { database in
            let heir = heirToBe
            user.isActive = false
            try await user.save(on: database)
            try await APITokenModel.query(on: database).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: Date()).update()
            var moved = (leads: 0, accounts: 0)
            if let heirID = heir?.id {
                let open = LeadStage.allCases.filter(\.isOpen).map(\.rawValue)
                moved.leads = try await LeadModel.query(on: database).filter(\.$owner.$id == userID)
                    .filter(\.$stage ~~ open).count()
                moved.accounts = try await AccountModel.query(on: database).filter(\.$owner.$id == userID).count()
                try await LeadModel.query(on: database).filter(\.$owner.$id == userID).filter(\.$stage ~~ open)
                    .set(\.$owner.$id, to: heirID).set(\.$routingMethod, to: RoutingMethod.manual.rawValue)
                    .set(\.$routingReason, to: "reassigned to \(heir!.name) when \(user.name) was deactivated").update()
                try await AccountModel.query(on: database).filter(\.$owner.$id == userID)
                    .set(\.$owner.$id, to: heirID).update()
            }
            try await AuditTrail.record(.system, entity: "user", id: userID, action: "deactivate",
                                        changes: ["isActive": .init(before: .bool(true), after: .bool(false))],
                                        reason: heir.map { "leads and accounts reassigned to \($0.email)" },
                                        on: database)
            return moved
        }
    }

    /// Gives every demo user without a password the demo password (one hash, shared).
    public static func setDemoPasswords(on database: any Database) async throws {
        let hash = try Bcrypt.hash(DemoCompany.password, cost: bcryptCost)
        try await UserModel.query(on: database).filter(\.$passwordHash == nil)
            .filter(\.$email, .custom("LIKE"), "%@accord.example").set(\.$passwordHash, to: hash).update()
    }
}
