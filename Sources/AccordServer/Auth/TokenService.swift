import AccordCore
import AccordStore
import Crypto
import FluentKit
import Foundation
import Vapor

/// Issues and checks API tokens. A secret is `acc_` + 43 base64url characters (256 random bits); only
/// its SHA-256 is stored, so a database leak does not leak usable tokens.
public enum TokenService {
    public static let prefix = "acc_"

    /// Creates a token for `user`; returns the secret (shown once) and the stored row.
    public static func issue(for user: UserModel, name: String, scopes: [TokenScope], expiresAt: Date?,
                             on database: any Database) async throws -> (secret: String, token: APITokenModel) {
        var report = ValidationReport()
        if name.trimmingCharacters(in: .whitespaces).isEmpty { report.add("name", "is required") }
        if scopes.isEmpty { report.add("scope", "give at least one of read, write, ingest, admin") }
        if let expiresAt, expiresAt <= Date() { report.add("expiresAt", "must lie in the future") }
        if !user.isActive { report.add("user", "\(user.email) is deactivated") }
        try report.throwIfInvalid()
        let secret = prefix + Secrets.random()
        let token = APITokenModel(userID: try user.requireID(), name: name, tokenHash: hash(secret), scopes: scopes,
                                  expiresAt: expiresAt)
        try await token.create(on: database)
        try await AuditTrail.record(.system, entity: "token", id: token.requireID(), action: "create", changes: [
            "user": .init(before: nil, after: .string(user.email)), "name": .init(before: nil, after: .string(name)),
            "scopes": .init(before: nil, after: .string(token.scopes)),
        ], on: database)
        return (secret, token)
    }

    /// Issues a token for the user with this email.
    public static func issue(forEmail email: String, name: String, scopes: [TokenScope], expiresAt: Date?,
                             on database: any Database) async throws -> (secret: String, token: APITokenModel) {
        let user = try await UserDirectory.find(email: email, on: database)
        return try await issue(for: user, name: name, scopes: scopes, expiresAt: expiresAt, on: database)
    }

    /// Every token with its user, oldest first.
    public static func list(on database: any Database) async throws -> [APITokenModel] {
        try await APITokenModel.query(on: database).with(\.$user).sort(\.$id).all()
    }

    /// Revokes a token at once (revoking twice keeps the first time).
    public static func revoke(id: String, on database: any Database) async throws {
        guard let uuid = UUID(uuidString: id), let token = try await APITokenModel.find(uuid, on: database) else {
            throw AccordError.notFound(entity: "token", id: id)
        }
        guard token.revokedAt == nil else { return }
        token.revokedAt = Date()
        try await token.save(on: database)
        try await AuditTrail.record(.system, entity: "token", id: uuid, action: "revoke",
                                    changes: ["revoked": .init(before: .bool(false), after: .bool(true))], on: database)
    }

    /// The principal a secret stands for, or an `unauthenticated` error saying why not.
    public static func principal(for secret: String, on database: any Database, now: Date = Date()) async throws
        -> Principal {
        guard secret.hasPrefix(prefix),
              let token = try await APITokenModel.query(on: database).filter(\.$tokenHash == hash(secret))
                .with(\.$user).first() else {
            throw AccordError.unauthenticated("The API token is not valid.")
        }
        if token.revokedAt != nil { throw AccordError.unauthenticated("The API token was revoked.") }
        if let expiry = token.expiresAt, expiry <= now { throw AccordError.unauthenticated("The API token has expired.") }
        let user = token.user
        guard user.isActive, let role = UserRole(rawValue: user.role) else {
            throw AccordError.unauthenticated("The token's user is deactivated.")
        }
        if (token.lastUsedAt ?? .distantPast) < now.addingTimeInterval(-60) {
            token.lastUsedAt = now  // at most one write a minute per token
            try await token.save(on: database)
        }
        return Principal(userID: try user.requireID(), email: user.email, role: role, teamID: user.$team.id,
                         scopes: token.scopeSet)
    }

    static func hash(_ secret: String) -> String {
        Secrets.hash(secret)
    }
}
