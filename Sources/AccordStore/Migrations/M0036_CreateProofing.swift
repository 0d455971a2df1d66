import FluentKit
import SQLKit

/// Collateral proofing: assets, their versions (files kept in the database), reviews, and each type's silence policy.
struct M0036_CreateProofing: AsyncMigration {
    let indexes = [TableIndex(AssetModel.schema, "state", "due_at"), TableIndex(AssetReviewModel.schema, "reviewer_id", "state")]

    func prepare(on database: any Database) async throws {
        try await database.schema(AssetModel.schema)
            .id()
            .field("title", .string, .required)
            .field("type", .string, .required)
            .field("due_at", .datetime, .required)
            .field("state", .string, .required)
            .field("created_by_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("created_by_label", .string, .required)
            .field("created_at", .datetime, .required)
            .field("current_version", .int)
            .field("released_at", .datetime)
            .create()
        try await database.schema(AssetVersionModel.schema)
            .id()
            .field("asset_id", .uuid, .required, .references(AssetModel.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("filename", .string, .required)
            .field("file_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("content", .data, .required)
            .field("note", .string, .required)
            .field("uploaded_by_label", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .unique(on: "asset_id", "number")
            .create()
        try await database.schema(AssetReviewModel.schema)
            .id()
            .field("asset_id", .uuid, .required, .references(AssetModel.schema, .id, onDelete: .cascade))
            .field("reviewer_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("required", .bool, .required)
            .field("state", .string, .required)
            .field("version", .int)
            .field("comment", .string)
            .field("decided_at", .datetime)
            .field("requested_at", .datetime, .required)
            .field("reminded_at", .datetime)
            .field("escalated_at", .datetime)
            .unique(on: "asset_id", "reviewer_id")
            .create()
        try await database.schema(AssetPolicyModel.schema)
            .field("type", .string, .identifier(auto: false))
            .field("silence_policy", .string, .required)
            .field("grace_hours", .double, .required)
            .field("reminder_hours", .double, .required)
            .field("updated_at", .datetime)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(AssetPolicyModel.schema).delete()
        try await database.schema(AssetReviewModel.schema).delete()
        try await database.schema(AssetVersionModel.schema).delete()
        try await database.schema(AssetModel.schema).delete()
    }
}
