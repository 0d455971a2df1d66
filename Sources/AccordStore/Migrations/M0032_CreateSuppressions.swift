import FluentKit
import SQLKit

/// Suppression lists: addresses (hashed) and domains that must never be contacted or recreated.
struct M0032_CreateSuppressions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SuppressionModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("hint", .string)
            .field("reason", .string)
            .field("source", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "value")  // a 64-digit hash never equals a domain (which has a dot)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SuppressionModel.schema).delete()
    }
}
