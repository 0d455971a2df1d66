import FluentKit

struct M0007_CreateTouchpoints: AsyncMigration {
    /// Scoring and journeys read a person's touches in time order; attribution and campaign figures
    /// read a campaign's; pressure and scorecards scan by time.
    let indexes = [
        TableIndex("touchpoints", "person_id", "occurred_at"),
        TableIndex("touchpoints", "campaign_id", "occurred_at"),
        TableIndex("touchpoints", "occurred_at"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(TouchpointModel.schema)
            .id()
            .field("event_id", .string)
            .field("person_id", .uuid, .required, .references(PersonModel.schema, .id, onDelete: .cascade))
            .field("campaign_id", .uuid, .references(CampaignModel.schema, .id, onDelete: .setNull))
            .field("kind", .string, .required)
            .field("side", .string, .required)
            .field("channel", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "event_id")
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(TouchpointModel.schema).delete()
    }
}
