import FluentKit

/// The scorecard reads leads by the time they became MQLs (opportunities already have their time indexes).
struct M0039_AddScorecardIndexes: AsyncMigration {
    let indexes = [TableIndex("leads", "qualified_at")]

    func prepare(on database: any Database) async throws {
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
    }
}
