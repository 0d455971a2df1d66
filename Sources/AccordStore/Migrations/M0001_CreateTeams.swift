import FluentKit

struct M0001_CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TeamModel.schema)
            .id()
            .field("name", .string, .required)
            .field("side", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TeamModel.schema).delete()
    }
}
