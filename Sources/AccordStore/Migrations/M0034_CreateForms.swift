import FluentKit
import SQLKit

/// Web forms, and the per-address rate limit of their public posts (counted per minute in the database, so every
/// instance sees the same counts).
struct M0034_CreateForms: AsyncMigration {
    let indexes = [TableIndex(FormIntake.rateTable, "window_start")]

    func prepare(on database: any Database) async throws {
        try await database.schema(FormModel.schema)
            .id()
            .field("key", .string, .required)
            .field("name", .string, .required)
            .field("success_url", .string)
            .field("campaign_id", .uuid, .references(CampaignModel.schema, .id, onDelete: .setNull))
            .field("is_active", .bool, .required)
            .field("honeypot_field", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "key")
            .create()
        try await database.schema(FormIntake.rateTable)
            .id()
            .field("address", .string, .required)
            .field("window_start", .datetime, .required)
            .field("count", .int, .required)
            .unique(on: "address", "window_start")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(FormIntake.rateTable).delete()
        try await database.schema(FormModel.schema).delete()
    }
}
