import FluentKit
import SQLKit

/// What the database itself says about Accord's schema; the only place that reads system catalogs.
public enum Catalog {
    /// The names of the tables in Accord's schema, sorted.
    public static func tableNames(on database: any Database) async throws -> [String] {
        let sql = try sqlDatabase(database)
        let query: SQLQueryString = sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
        return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// The names of the indexes in Accord's schema, sorted.
    public static func indexNames(on database: any Database) async throws -> [String] {
        let sql = try sqlDatabase(database)
        let query: SQLQueryString = sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
            : "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
        return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// The query plan of a statement, one line per step, to check that hot queries use their indexes.
    public static func queryPlan(of statement: String, on database: any Database) async throws -> [String] {
        let sql = try sqlDatabase(database)
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: statement)").all()
                .map { try $0.decode(column: "detail", as: String.self) }
        }
        return try await sql.raw("EXPLAIN \(unsafeRaw: statement)").all()
            .map { try $0.decode(column: "QUERY PLAN", as: String.self) }
    }

    /// A connection-level setting of SQLite (`journal_mode`, `synchronous`); nil on other databases.
    public static func sqlitePragma(_ name: String, on database: any Database) async throws -> String? {
        let sql = try sqlDatabase(database)
        guard sql.dialect.name == "sqlite" else { return nil }
        let row = try await sql.raw("PRAGMA \(unsafeRaw: name)").first()
        guard let row, let column = row.allColumns.first else { return nil }
        if let text = try? row.decode(column: column, as: String.self) { return text }
        return try row.decode(column: column, as: Int.self).description
    }

    public static func sqlDatabase(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw StoreError.notSQL }
        return sql
    }
}
