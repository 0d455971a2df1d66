import FluentKit

struct M0010_CreateLeads: AsyncMigration {
    /// A rep's open leads by due time; leads by campaign and stage; a person's leads; what is due.
    let indexes = [
        TableIndex("leads", "owner_id", "stage", "sla_due_at"),
        TableIndex("leads", "campaign_id", "stage"),
        TableIndex("leads", "person_id", "stage"),
        TableIndex("leads", "stage", "sla_due_at"),
        TableIndex("leads", "account_id"),
        TableIndex("leads", "opportunity_id"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(LeadModel.schema)
            .id()
            .field("person_id", .uuid, .required, .references(PersonModel.schema, .id, onDelete: .cascade))
            .field("account_id", .uuid, .references(AccountModel.schema, .id, onDelete: .setNull))
            .field("owner_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("campaign_id", .uuid, .references(CampaignModel.schema, .id, onDelete: .setNull))
            .field("stage", .string, .required)
            .field("stage_changed_at", .datetime, .required)
            .field("priority", .string)
            .field("fit_score", .int, .required)
            .field("engagement_score", .double, .required)
            .field("definition_version", .int)
            .field("routing_reason", .string)
            .field("sla_due_at", .datetime)
            .field("first_action_at", .datetime)
            .field("rejection_reason", .string)
            .field("rejection_note", .string)
            .field("recycle_reason", .string)
            .field("recycle_note", .string)
            .field("loss_reason", .string)
            .field("opportunity_id", .uuid, .references(OpportunityModel.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(LeadModel.schema).delete()
    }
}
