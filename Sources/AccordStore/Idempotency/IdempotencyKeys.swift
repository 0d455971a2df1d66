import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Idempotency keys as DESIGN.md defines them: the first request with a key claims it (a unique row per client and
/// key, so of twenty parallel requests exactly one runs); the same key with the same request replays the stored
/// response; with another request it is refused; while the first still runs, later ones are told to wait. Keys are
/// kept 24 hours. A request that fails gives its key back, so the client may retry it.
public enum IdempotencyKeys {
    public static let table = "idempotency_keys"
    /// How long a finished key replays.
    public static let lifetime: TimeInterval = 24 * 3600
    /// A claim older than this whose request never finished (the process died) may be taken over.
    public static let abandonedAfter: TimeInterval = 10 * 60

    /// A finished request's response.
    public struct Stored: Sendable, Equatable {
        public var status: Int
        public var contentType: String?
        public var location: String?
        public var body: String

        public init(status: Int, contentType: String?, location: String?, body: String) {
            self.status = status
            self.contentType = contentType
            self.location = location
            self.body = body
        }
    }

    public enum Claim: Sendable, Equatable {
        /// Run the request, then `finish` (or `release` on failure) with this owner token.
        case proceed(owner: String)
        case replay(Stored)
        /// The key was used with a different request.
        case mismatch
        /// The first request with the key is still running.
        case inProgress
    }

    public static func claim(scope: String, key: String, fingerprint: String, now: Date = Date(),
                             on database: any Database) async throws -> Claim {
        let sql = try Catalog.sqlDatabase(database)
        // Expired keys of this client are gone; so is a claim whose request died long ago.
        try await sql.delete(from: table).where("scope", .equal, scope).where { group in
            group.where("expires_at", .lessThan, now)
                .orWhere { stale in
                    stale.where("state", .equal, "running").where("created_at", .lessThan, now.addingTimeInterval(-abandonedAfter))
                }
        }.run()
        let owner = UUID().uuidString
        try await sql.insert(into: table)
            .columns("id", "scope", "key", "fingerprint", "owner", "state", "created_at", "expires_at")
            .values(SQLBind(UUID()), SQLBind(scope), SQLBind(key), SQLBind(fingerprint), SQLBind(owner), SQLBind("running"),
                    SQLBind(now), SQLBind(now.addingTimeInterval(lifetime)))
            .ignoringConflicts(with: ["scope", "key"])
            .run()
        guard let row = try await sql.select().columns("fingerprint", "owner", "state", "status", "content_type", "location", "body")
            .from(table).where("scope", .equal, scope).where("key", .equal, key).first() else {
            return .inProgress  // claimed and given back in between: the client retries
        }
        if try row.decode(column: "owner", as: String.self) == owner { return .proceed(owner: owner) }
        if try row.decode(column: "fingerprint", as: String.self) != fingerprint { return .mismatch }
        guard try row.decode(column: "state", as: String.self) == "done", let status = try row.decodeNil(column: "status") ? nil
                : row.decode(column: "status", as: Int.self) else { return .inProgress }
        return .replay(Stored(status: status, contentType: try row.decode(column: "content_type", as: String?.self),
                              location: try row.decode(column: "location", as: String?.self),
                              body: try row.decode(column: "body", as: String?.self) ?? ""))
    }

    /// Stores the response of the request that holds the claim.
    public static func finish(scope: String, key: String, owner: String, response: Stored, on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).update(table)
            .set("state", to: "done").set("status", to: response.status).set("content_type", to: response.contentType)
            .set("location", to: response.location).set("body", to: response.body)
            .where("scope", .equal, scope).where("key", .equal, key).where("owner", .equal, owner).run()
    }

    /// Gives the key back (the request failed; the client may retry it).
    public static func release(scope: String, key: String, owner: String, on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).delete(from: table)
            .where("scope", .equal, scope).where("key", .equal, key).where("owner", .equal, owner).run()
    }
}
