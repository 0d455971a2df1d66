import FluentKit

/// Outbound webhook endpoints and the log of every delivery attempt's outcome.
struct M0027_CreateWebhooks: AsyncMigration {
    let indexes = [TableIndex("webhook_deliveries", "endpoint_id", "created_at")]

    func prepare(on database: any Database) async throws {
        try await database.schema(WebhookEndpointModel.schema)
            .id()
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("secret", .string, .required)
            .field("is_active", .bool, .required)
            .field("disabled_reason", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(WebhookDeliveryModel.schema)
            .id()
            .field("endpoint_id", .uuid, .required, .references(WebhookEndpointModel.schema, .id, onDelete: .cascade))
            .field("message_id", .string, .required)
            .field("event_type", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("response_status", .int)
            .field("last_error", .string)
            .field("next_attempt_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(WebhookDeliveryModel.schema).delete()
        try await database.schema(WebhookEndpointModel.schema).delete()
    }
}
