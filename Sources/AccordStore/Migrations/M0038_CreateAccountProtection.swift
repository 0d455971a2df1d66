import FluentKit
import SQLKit

/// Account protection (a key-account flag on accounts, consent requests) and the reservations of pressure checks.
struct M0038_CreateAccountProtection: AsyncMigration {
    let indexes = [TableIndex(ConsentRequestModel.schema, "campaign_id", "account_id", unique: true),
                   TableIndex(ConsentRequestModel.schema, "state", "due_at"),
                   TableIndex(ConsentRequestModel.schema, "owner_id"),
                   TableIndex(PressureReservationModel.schema, "expires_at"),
                   TableIndex(PressureReservationModel.schema, "campaign_id", "created_at"),
                   TableIndex("opportunities", "account_id", "status")]

    func prepare(on database: any Database) async throws {
        try await database.schema("accounts").field("key_account", .bool, .required, .sql(.default(false))).update()
        try await database.schema(ConsentRequestModel.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", .id, onDelete: .cascade))
            .field("account_id", .uuid, .required, .references("accounts", .id, onDelete: .cascade))
            .field("owner_id", .uuid, .references("users", .id, onDelete: .setNull))
            .field("team_id", .uuid, .references("teams", .id, onDelete: .setNull))
            .field("requested_by_id", .uuid, .references("users", .id, onDelete: .setNull))
            .field("requested_by_label", .string, .required)
            .field("note", .string)
            .field("state", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("answered_at", .datetime)
            .field("answered_by_label", .string)
            .field("reason", .string)
            .field("valid_until", .datetime)
            .field("on_silence", .bool, .required)
            .create()
        try await database.schema(PressureReservationModel.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", .id, onDelete: .cascade))
            .field("side", .string, .required)
            .field("channel", .string, .required)
            .field("created_by_label", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("allowed_count", .int, .required)
            .field("blocked_count", .int, .required)
            .field("blocked_by_rule", .string, .required)
            .field("persons", .data, .required)
            .field("blocked", .data, .required)
            .field("account_loads", .data, .required)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(PressureReservationModel.schema).delete()
        try await database.schema(ConsentRequestModel.schema).delete()
        try await database.schema("accounts").deleteField("key_account").update()
    }
}
