import FluentKit

struct M0004_CreatePersons: AsyncMigration {
    let indexes = [TableIndex("persons", "account_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(PersonModel.schema)
            .id()
            .field("email", .string, .required)
            .field("first_name", .string)
            .field("last_name", .string)
            .field("title", .string)
            .field("seniority", .string)
            .field("account_id", .uuid, .references(AccountModel.schema, .id, onDelete: .setNull))
            .field("opted_out", .bool, .required)
            .field("external_id", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .unique(on: "external_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(PersonModel.schema).delete()
    }
}
