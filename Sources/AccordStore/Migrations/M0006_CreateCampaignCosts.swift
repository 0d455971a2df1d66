import FluentKit

struct M0006_CreateCampaignCosts: AsyncMigration {
    let indexes = [TableIndex("campaign_costs", "month")]

    func prepare(on database: any Database) async throws {
        try await database.schema(CampaignCostModel.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(CampaignModel.schema, .id, onDelete: .cascade))
            .field("month", .string, .required)
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "campaign_id", "month")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(CampaignCostModel.schema).delete()
    }
}
