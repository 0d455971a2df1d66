import FluentKit

struct M0012_CreateAPITokens: AsyncMigration {
    let indexes = [TableIndex("api_tokens", "user_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(APITokenModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("scopes", .string, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(APITokenModel.schema).delete()
    }
}
