import FluentKit

struct M0017_CreateSLAPolicies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SLAPolicyModel.schema)
            .id()
            .field("name", .string, .required)
            .field("response_minutes_a", .int, .required)
            .field("response_minutes_b", .int, .required)
            .field("response_minutes_c", .int, .required)
            .field("response_minutes_d", .int, .required)
            .field("shelf_life_days", .int, .required)
            .field("is_default", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SLAPolicyModel.schema).delete()
    }
}
