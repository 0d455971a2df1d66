import FluentKit

/// What the handoff records on a lead: the team it was routed to and how, when the SLA clock started,
/// when the lead expires, and the speed to lead once someone acted.
struct M0023_AddHandoffToLeads: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("team_id", .uuid), ("routing_method", .string), ("qualified_at", .datetime), ("expires_at", .datetime),
        ("speed_to_lead_seconds", .int), ("speed_to_lead_business_seconds", .int), ("sla_met", .bool),
    ]
    /// A team's open leads by due time (manager views); what expires next (the shelf-life sweep).
    let indexes = [TableIndex("leads", "team_id", "stage", "sla_due_at"), TableIndex("leads", "stage", "expires_at")]

    func prepare(on database: any Database) async throws {
        for (name, type) in Self.columns {
            try await database.schema(LeadModel.schema).field(.definition(name: .key(.string(name)), dataType: type,
                                                                           constraints: [])).update()
        }
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        for (name, _) in Self.columns.reversed() {
            try await database.schema(LeadModel.schema).deleteField(.key(.string(name))).update()
        }
    }
}
