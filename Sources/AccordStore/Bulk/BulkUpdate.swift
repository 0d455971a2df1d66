import FluentKit
import FluentSQLiteDriver
import SQLKit

/// Multi-row `UPDATE`s by primary key: `WITH v(id, …) AS (VALUES …) UPDATE t SET … FROM v WHERE t.id = v.id`,
/// chunked under the bind-variable limits; one statement per chunk on both databases, never a save per row.
public enum BulkUpdate {
    /// Sets `columns` of the rows whose `id` is each row's first value (the rest follow `columns`' order).
    public static func update(_ table: String, columns: [String], rows: [[ColumnValue]], on database: any Database)
        async throws {
        guard !rows.isEmpty else { return }
        let sql = try Catalog.sqlDatabase(database)
        let width = columns.count + 1
        let perStatement = max(1, BulkInsert.maximumBinds / width)
        let names = (["id"] + columns).map { "\"\($0)\"" }.joined(separator: ",")
        let assignments = columns.map { "\"\($0)\" = v.\"\($0)\"" }.joined(separator: ", ")
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            if sql.dialect.name == "sqlite", let sqlite = database as? any SQLiteDatabase {
                let row = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
                let statement = "WITH v(\(names)) AS (VALUES " + Array(repeating: row, count: chunk.count)
                    .joined(separator: ",") + ") UPDATE \"\(table)\" SET \(assignments) FROM v WHERE \"\(table)\".\"id\" = v.\"id\""
                try await sqlite.query(statement, chunk.flatMap { $0.map(SQLiteInsert.data) }) { _ in }
            } else {
                var query = SQLQueryString("WITH v(\(unsafeRaw: names)) AS (VALUES ")
                for (index, row) in chunk.enumerated() {
                    query.appendLiteral(index == 0 ? "(" : ", (")
                    for (column, value) in row.enumerated() {
                        if column > 0 { query.appendLiteral(", ") }
                        query.appendInterpolation(bind: value.bind)
                    }
                    query.appendLiteral(")")
                }
                query.appendLiteral(") UPDATE \"\(table)\" SET \(assignments) FROM v WHERE \"\(table)\".\"id\" = v.\"id\"")
                try await sql.raw(query).run()
            }
        }
    }
}
