import FluentKit

/// A team's business calendar and SLA policy (none: the defaults). SQLite alters one column per statement.
struct M0018_AddHandoffToTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TeamModel.schema).field("calendar_id", .uuid).update()
        try await database.schema(TeamModel.schema).field("sla_policy_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TeamModel.schema).deleteField("sla_policy_id").update()
        try await database.schema(TeamModel.schema).deleteField("calendar_id").update()
    }
}
