import FluentKit

struct M0011_CreateAuditEvents: AsyncMigration {
    let indexes = [
        TableIndex("audit_events", "entity_type", "entity_id", "occurred_at"),
        TableIndex("audit_events", "occurred_at"),
        TableIndex("audit_events", "actor_id", "occurred_at"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .uuid, .required)
            .field("action", .string, .required)
            .field("changes", .string, .required)
            .field("reason", .string)
            .field("request_id", .string)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(AuditEventModel.schema).delete()
    }
}
