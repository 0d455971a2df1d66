import FluentKit
import SQLKit

struct M0015_CreateLeadDefinitions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LeadDefinitionModel.schema)
            .id()
            .field("version", .int, .required)
            .field("name", .string, .required)
            .field("state", .string, .required)
            .field("body", .string, .required)
            .field("approvals", .string, .required)
            .field("rejection_reason", .string)
            .field("created_by", .uuid)
            .field("activated_at", .datetime)
            .field("retired_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "version")
            .create()
        // At most one active version, enforced by the database (a partial unique index; SQLite and PostgreSQL).
        try await Catalog.sqlDatabase(database).raw("""
            CREATE UNIQUE INDEX lead_definitions_one_active_key ON lead_definitions (state) WHERE state = 'active'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).raw("DROP INDEX IF EXISTS lead_definitions_one_active_key").run()
        try await database.schema(LeadDefinitionModel.schema).delete()
    }
}
