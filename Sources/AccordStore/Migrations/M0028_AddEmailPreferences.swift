import FluentKit
import SQLKit

/// Whether a user wants SLA reminders and breaches by email as well as in the inbox (both on by default).
struct M0028_AddEmailPreferences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema).field("email_sla_warnings", .bool, .required, .sql(.default(true))).update()
        try await database.schema(UserModel.schema).field("email_sla_breaches", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).deleteField("email_sla_breaches").update()
        try await database.schema(UserModel.schema).deleteField("email_sla_warnings").update()
    }
}
