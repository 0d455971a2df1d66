import FluentKit
import SQLKit

/// Escalation settings on SLA policies, and on leads the steps already taken (so each happens once).
struct M0025_AddEscalation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SLAPolicyModel.schema).field("remind_at_share", .double).update()
        try await database.schema(SLAPolicyModel.schema)
            .field("notify_manager_at_breach", .bool, .required, .sql(.default(true))).update()
        try await database.schema(SLAPolicyModel.schema).field("reassign_after_minutes", .int).update()
        // Existing policies get the standard escalation: remind halfway, reassign four business hours after a breach.
        try await Catalog.sqlDatabase(database).raw("""
            UPDATE sla_policies SET remind_at_share = 0.5, reassign_after_minutes = 240
            """).run()
        for column in ["sla_reminded_at", "sla_breached_at", "sla_reassigned_at"] {
            try await database.schema(LeadModel.schema).field(.definition(name: .key(.string(column)), dataType: .datetime,
                                                                          constraints: [])).update()
        }
    }

    func revert(on database: any Database) async throws {
        for column in ["sla_reassigned_at", "sla_breached_at", "sla_reminded_at"] {
            try await database.schema(LeadModel.schema).deleteField(.key(.string(column))).update()
        }
        for column in ["reassign_after_minutes", "notify_manager_at_breach", "remind_at_share"] {
            try await database.schema(SLAPolicyModel.schema).deleteField(.key(.string(column))).update()
        }
    }
}
