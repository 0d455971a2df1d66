import FluentKit

/// One row per team: where its weighted round robin stands, shared by every instance.
struct M0020_CreateRoutingPositions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RoutingPositionModel.schema)
            .field("team_id", .uuid, .identifier(auto: false), .references(TeamModel.schema, .id, onDelete: .cascade))
            .field("credits", .string, .required)
            .field("assigned", .int, .required)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RoutingPositionModel.schema).delete()
    }
}
