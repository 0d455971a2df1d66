import FluentKit
import FluentSQLiteDriver
import Foundation

/// Reads many rows from SQLite on the connection's own thread, one call per row. SQLiteNIO's futures-based query (the
/// one Fluent and SQLKit use) schedules one event-loop task per row: for 60,000 persons that was most of the time.
enum SQLiteRows {
    /// Calls `body` for each row; nil when `database` is not SQLite.
    static func each(_ database: any Database, _ sql: String, _ binds: [SQLiteData] = [],
                     _ body: @escaping @Sendable (SQLiteRow) -> Void) async throws -> Bool {
        guard let sqlite = database as? any SQLiteDatabase else { return false }
        try await sqlite.withConnection { connection in
            try await connection.query(sql, binds, body)
        }
        return true
    }
}

/// A value filled by a `@Sendable` row callback that runs synchronously before its caller resumes.
final class RowSink<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
}
