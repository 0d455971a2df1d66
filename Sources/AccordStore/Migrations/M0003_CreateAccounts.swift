import FluentKit

struct M0003_CreateAccounts: AsyncMigration {
    let indexes = [TableIndex("accounts", "owner_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(AccountModel.schema)
            .id()
            .field("name", .string, .required)
            .field("domain", .string)
            .field("industry", .string)
            .field("employee_count", .int)
            .field("country", .string)
            .field("owner_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("external_id", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "domain")
            .unique(on: "external_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(AccountModel.schema).delete()
    }
}
