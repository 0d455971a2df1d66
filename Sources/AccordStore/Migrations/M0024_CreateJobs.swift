import FluentKit
import SQLKit

/// The job table: background work in the same database as the changes that cause it.
struct M0024_CreateJobs: AsyncMigration {
    /// What is due (claiming), what is held past its lease (rescue), dead jobs for admins.
    let indexes = [TableIndex("jobs", "state", "run_at"), TableIndex("jobs", "state", "lease_expires_at")]

    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("unique_key", .string)
            .field("state", .string, .required)
            .field("run_at", .datetime, .required)
            .field("attempt", .int, .required)
            .field("max_attempts", .int, .required)
            .field("lease_owner", .string)
            .field("lease_expires_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .field("completed_at", .datetime)
            .create()
        try await indexes.create(on: database)
        // One live job per purpose (one escalation step per lead): a partial unique index, on both databases.
        try await Catalog.sqlDatabase(database).raw("""
            CREATE UNIQUE INDEX jobs_live_unique_key ON jobs (unique_key) WHERE state IN ('available', 'running')
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).raw("DROP INDEX IF EXISTS jobs_live_unique_key").run()
        try await indexes.drop(on: database)
        try await database.schema("jobs").delete()
    }
}
