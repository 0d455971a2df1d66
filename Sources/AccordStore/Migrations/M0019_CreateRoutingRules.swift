import FluentKit

struct M0019_CreateRoutingRules: AsyncMigration {
    let indexes = [TableIndex("routing_rules", "position")]

    func prepare(on database: any Database) async throws {
        try await database.schema(RoutingRuleModel.schema)
            .id()
            .field("name", .string, .required)
            .field("position", .int, .required)
            .field("team_id", .uuid, .required, .references(TeamModel.schema, .id, onDelete: .cascade))
            .field("countries", .string, .required)
            .field("regions", .string, .required)
            .field("industries", .string, .required)
            .field("min_employees", .int)
            .field("max_employees", .int)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(RoutingRuleModel.schema).delete()
    }
}
