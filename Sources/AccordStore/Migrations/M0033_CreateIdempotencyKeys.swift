import FluentKit
import SQLKit

/// Idempotency keys (DESIGN: any POST that creates): the first request's fingerprint and, once it finished, its
/// response, kept 24 hours per client.
struct M0033_CreateIdempotencyKeys: AsyncMigration {
    let indexes = [TableIndex(IdempotencyKeys.table, "expires_at")]

    func prepare(on database: any Database) async throws {
        try await database.schema(IdempotencyKeys.table)
            .id()
            .field("scope", .string, .required)
            .field("key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("owner", .string, .required)
            .field("state", .string, .required)
            .field("status", .int)
            .field("content_type", .string)
            .field("location", .string)
            .field("body", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "scope", "key")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(IdempotencyKeys.table).delete()
    }
}
