import FluentKit

struct M0016_CreateBusinessCalendars: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BusinessCalendarModel.schema)
            .id()
            .field("name", .string, .required)
            .field("time_zone", .string, .required)
            .field("hours", .string, .required)
            .field("holidays", .string, .required)
            .field("is_default", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BusinessCalendarModel.schema).delete()
    }
}
