import AccordCore
import FluentKit
import SQLKit

/// Requests from sales to marketing, the response time of each team's policy, and a link on inbox messages (a
/// message about a request has no lead).
struct M0035_CreateRequests: AsyncMigration {
    let indexes = [TableIndex(RequestModel.schema, "state", "respond_by"), TableIndex(RequestModel.schema, "requester_id"),
                   TableIndex(RequestModel.schema, "team_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(RequestModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("details", .string, .required)
            .field("expected_pipeline_minor", .int64)
            .field("expected_pipeline_currency", .string)
            .field("account_ids", .string, .required)
            .field("wanted_by", .datetime, .required)
            .field("state", .string, .required)
            .field("requester_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("requester_label", .string, .required)
            .field("team_id", .uuid, .references(TeamModel.schema, .id, onDelete: .setNull))
            .field("submitted_at", .datetime, .required)
            .field("respond_by", .datetime, .required)
            .field("paused_remaining_seconds", .double)
            .field("question", .string)
            .field("answer", .string)
            .field("owner_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("delivery_date", .datetime)
            .field("decided_at", .datetime)
            .field("decided_by_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("decided_by_label", .string)
            .field("decline_reason", .string)
            .field("alternative", .string)
            .field("appealed", .bool, .required)
            .field("appeal_reason", .string)
            .field("appeal_decision", .string)
            .field("appeal_decided_by_label", .string)
            .field("appeal_decided_at", .datetime)
            .field("closed_at", .datetime)
            .field("escalated_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await indexes.create(on: database)
        try await database.schema(SLAPolicyModel.schema)
            .field("request_response_minutes", .int, .sql(.default(SLAPolicy.defaultRequestResponseMinutes))).update()
        try await database.schema(NotificationModel.schema).field("link", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NotificationModel.schema).deleteField("link").update()
        try await database.schema(SLAPolicyModel.schema).deleteField("request_response_minutes").update()
        try await indexes.drop(on: database)
        try await database.schema(RequestModel.schema).delete()
    }
}
