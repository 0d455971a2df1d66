import FluentKit

struct M0005_CreateCampaigns: AsyncMigration {
    let indexes = [TableIndex("campaigns", "utm_campaign"), TableIndex("campaigns", "channel")]

    func prepare(on database: any Database) async throws {
        try await database.schema(CampaignModel.schema)
            .id()
            .field("name", .string, .required)
            .field("channel", .string, .required)
            .field("supplier", .string)
            .field("starts_at", .datetime)
            .field("ends_at", .datetime)
            .field("utm_source", .string)
            .field("utm_medium", .string)
            .field("utm_campaign", .string)
            .field("external_id", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "external_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(CampaignModel.schema).delete()
    }
}
