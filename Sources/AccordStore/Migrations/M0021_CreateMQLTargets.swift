import FluentKit

struct M0021_CreateMQLTargets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MQLTargetModel.schema)
            .id()
            .field("team_id", .uuid, .required, .references(TeamModel.schema, .id, onDelete: .cascade))
            .field("month", .string, .required)
            .field("mql_volume", .int, .required)
            .field("acceptance_rate", .double, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "team_id", "month")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MQLTargetModel.schema).delete()
    }
}
