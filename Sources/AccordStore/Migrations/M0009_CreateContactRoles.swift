import FluentKit

struct M0009_CreateContactRoles: AsyncMigration {
    let indexes = [TableIndex("contact_roles", "person_id")]

    func prepare(on database: any Database) async throws {
        try await database.schema(ContactRoleModel.schema)
            .id()
            .field("opportunity_id", .uuid, .required,
                   .references(OpportunityModel.schema, .id, onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(PersonModel.schema, .id, onDelete: .cascade))
            .field("role", .string)
            .field("is_primary", .bool, .required)
            .unique(on: "opportunity_id", "person_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(ContactRoleModel.schema).delete()
    }
}
