import FluentKit

/// The in-app inbox: one row per notification per user.
struct M0026_CreateNotifications: AsyncMigration {
    let indexes = [TableIndex("notifications", "user_id", "read_at")]

    func prepare(on database: any Database) async throws {
        try await database.schema(NotificationModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("lead_id", .uuid, .references(LeadModel.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(NotificationModel.schema).delete()
    }
}
