import FluentKit

/// The pressure policy's table.
struct M0037_CreatePressurePolicies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PressurePolicyModel.schema)
            .field("name", .string, .identifier(auto: false))
            .field("body", .string, .required)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PressurePolicyModel.schema).delete()
    }
}
