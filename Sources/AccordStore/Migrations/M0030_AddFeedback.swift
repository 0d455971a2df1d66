import AccordCore
import FluentKit
import SQLKit

/// The feedback loop: configurable rejection reasons and objection codes (seeded with the defaults), objections
/// heard on leads, disputes of rejections with their own due time, when each lead was decided, and stale-data
/// flags and the source of each person.
struct M0030_AddFeedback: AsyncMigration {
    let indexes = [
        TableIndex("feedback_codes", "kind", "code", unique: true),
        TableIndex("lead_objections", "lead_id"),
        TableIndex("disputes", "lead_id"),
        TableIndex("disputes", "state", "due_at"),
        TableIndex("persons", "data_flagged_at"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(FeedbackCodeModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("code", .string, .required)
            .field("label", .string, .required)
            .field("needs_note", .bool, .required)
            .field("is_active", .bool, .required)
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(LeadObjectionModel.schema)
            .id()
            .field("lead_id", .uuid, .required, .references(LeadModel.schema, .id, onDelete: .cascade))
            .field("code", .string, .required)
            .field("note", .string)
            .field("recorded_by_id", .uuid)
            .field("recorded_by_label", .string, .required)
            .field("recorded_at", .datetime, .required)
            .create()
        try await database.schema(DisputeModel.schema)
            .id()
            .field("lead_id", .uuid, .required, .references(LeadModel.schema, .id, onDelete: .cascade))
            .field("rejection_reason", .string, .required)
            .field("rep_id", .uuid)
            .field("manager_id", .uuid)
            .field("opened_by_id", .uuid)
            .field("opened_by_label", .string, .required)
            .field("reason", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("state", .string, .required)
            .field("decision_reason", .string)
            .field("decided_by_id", .uuid)
            .field("decided_by_label", .string)
            .field("decided_at", .datetime)
            .field("reminded_at", .datetime)
            .field("overdue_at", .datetime)
            .create()
        try await database.schema(LeadModel.schema).field("decided_at", .datetime).update()
        try await database.schema(PersonModel.schema).field("source", .string).update()
        try await database.schema(PersonModel.schema).field("data_flagged_at", .datetime).update()
        try await database.schema(PersonModel.schema).field("data_flag_reason", .string).update()
        try await database.schema(SLAPolicyModel.schema)
            .field("dispute_response_minutes", .int, .sql(.default(SLAPolicy.defaultDisputeResponseMinutes))).update()
        try await indexes.create(on: database)
        for kind in FeedbackKind.allCases {
            for (position, code) in FeedbackVocabulary.defaults.codes.filter({ $0.kind == kind }).enumerated() {
                try await FeedbackCodeModel(code: code, position: position + 1).create(on: database)
            }
        }
        try await LeadDecisions.backfill(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(SLAPolicyModel.schema).deleteField("dispute_response_minutes").update()
        for field in ["data_flag_reason", "data_flagged_at", "source"] {
            try await database.schema(PersonModel.schema).deleteField(.string(field)).update()
        }
        try await database.schema(LeadModel.schema).deleteField("decided_at").update()
        try await database.schema(DisputeModel.schema).delete()
        try await database.schema(LeadObjectionModel.schema).delete()
        try await database.schema(FeedbackCodeModel.schema).delete()
    }
}
