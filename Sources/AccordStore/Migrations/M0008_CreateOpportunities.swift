import FluentKit

struct M0008_CreateOpportunities: AsyncMigration {
    let indexes = [
        TableIndex("opportunities", "account_id"),
        TableIndex("opportunities", "status", "closed_at"),
        TableIndex("opportunities", "opened_at"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(OpportunityModel.schema)
            .id()
            .field("account_id", .uuid, .required, .references(AccountModel.schema, .id, onDelete: .restrict))
            .field("name", .string, .required)
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("stage", .string, .required)
            .field("status", .string, .required)
            .field("owner_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("opened_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("external_id", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "external_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(OpportunityModel.schema).delete()
    }
}
