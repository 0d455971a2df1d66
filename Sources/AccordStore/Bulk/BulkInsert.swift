import FluentKit
import FluentSQLiteDriver
import SQLKit

/// Multi-row `INSERT` statements, chunked under the bind-variable limits (SQLite 32,766 by default,
/// PostgreSQL 65,535): one statement per chunk, never one ORM save per row.
public enum BulkInsert {
    /// The most bind variables one statement uses; under both databases' limits.
    static let maximumBinds = 30_000

    /// Inserts `records`, calling `progress` with the number written after each chunk. With
    /// `ignoringConflictsOn`, rows that would violate that unique column are skipped.
    public static func insert<Record>(_ records: some Collection<Record>, using spec: RowSpec<Record>,
                                      ignoringConflictsOn conflictColumn: String? = nil,
                                      on database: any Database,
                                      progress: (Int) -> Void = { _ in }) async throws {
        guard !records.isEmpty else { return }
        let sql = try Catalog.sqlDatabase(database)
        let rowsPerStatement = max(1, maximumBinds / spec.columns.count)
        var written = 0
        var chunk: [Record] = []
        chunk.reserveCapacity(min(rowsPerStatement, records.count))
        let sqlite = sql.dialect.name == "sqlite" ? database as? any SQLiteDatabase : nil
        var statements: [Int: String] = [:]
        func flush() async throws {
            if let sqlite {
                // SQLite: one prepared text per chunk size and native values, no expression tree per cell.
                let statement = statements[chunk.count] ?? SQLiteInsert.statement(
                    table: spec.table, columns: spec.columns, rows: chunk.count, ignoringConflictsOn: conflictColumn)
                statements[chunk.count] = statement
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * spec.columns.count)
                for record in chunk { for value in spec.values(record) { binds.append(SQLiteInsert.data(value)) } }
                try await sqlite.query(statement, binds) { _ in }
            } else {
                var builder = sql.insert(into: spec.table).columns(spec.columns)
                for record in chunk { builder = builder.values(spec.values(record).map(\.bind)) }
                if let conflictColumn { builder = builder.ignoringConflicts(with: [conflictColumn]) }
                try await builder.run()
            }
            written += chunk.count
            chunk.removeAll(keepingCapacity: true)
            progress(written)
        }
        for record in records {
            chunk.append(record)
            if chunk.count == rowsPerStatement { try await flush() }
        }
        if !chunk.isEmpty { try await flush() }
    }

    /// Creates Fluent models a few hundred per statement (Fluent's own `create` of a collection is one statement,
    /// however many rows: past SQLite's bind limit it fails).
    public static func models<Item: FluentKit.Model>(_ models: [Item], rowsPerStatement: Int = 500, on database: any Database)
        async throws {
        for first in stride(from: 0, to: models.count, by: rowsPerStatement) {
            try await models[first..<min(first + rowsPerStatement, models.count)].create(on: database)
        }
    }
}
