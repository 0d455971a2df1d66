import FluentKit
import SQLKit

/// Live scores: each person's fit and engagement under the active definition as of their last scoring, and
/// whether that qualified them (NULL or false: not; an MQL starts only when this flips from false to true); an account's summed
/// engagement when the definition qualifies buying groups; and the other people of a buying-group lead.
struct M0029_AddLiveScores: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let persons = PersonModel.schema
        try await database.schema(persons).field("fit_score", .int).update()
        try await database.schema(persons).field("engagement_score", .double).update()
        try await database.schema(persons).field("qualified", .bool, .sql(.default(false))).update()
        try await database.schema(persons).field("score_version", .int).update()
        try await database.schema(persons).field("scored_at", .datetime).update()
        try await database.schema(AccountModel.schema).field("engagement_score", .double).update()
        try await database.schema(AccountModel.schema).field("qualified", .bool, .sql(.default(false))).update()
        try await database.schema(LeadModel.schema).field("buying_group", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LeadModel.schema).deleteField("buying_group").update()
        try await database.schema(AccountModel.schema).deleteField("qualified").update()
        try await database.schema(AccountModel.schema).deleteField("engagement_score").update()
        for field in ["scored_at", "score_version", "qualified", "engagement_score", "fit_score"] {
            try await database.schema(PersonModel.schema).deleteField(.string(field)).update()
        }
    }
}
