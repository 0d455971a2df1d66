import FluentKit

struct M0002_CreateUsers: AsyncMigration {
    let indexes = [TableIndex("users", "team_id"), TableIndex("users", "manager_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("team_id", .uuid, .references(TeamModel.schema, .id, onDelete: .setNull))
            .field("manager_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("password_hash", .string)
            .field("is_active", .bool, .required)
            .field("is_away", .bool, .required)
            .field("capacity", .int)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(UserModel.schema).delete()
    }
}
