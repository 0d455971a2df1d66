import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Reads ids by the values of a unique column for many values at once, through SQLKit. Fluent would build a whole
/// model for each row (a reflection walk over every property, even with `.field`): that alone was a third of a
/// touchpoint batch's time.
enum IDLookup {
    /// The `id` of the row holding each value of `column` (values with no row are absent).
    static func ids(in table: String, by column: String, _ values: some Collection<String>, on database: any Database)
        async throws -> [String: UUID] {
        guard !values.isEmpty else { return [:] }
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        var result: [String: UUID] = [:]
        result.reserveCapacity(values.count)
        let all = Array(values)
        for start in stride(from: 0, to: all.count, by: 1000) {
            let chunk = all[start..<min(start + 1000, all.count)]
            for row in try await sql.select().column("id").column(SQLIdentifier(column)).from(table)
                .where(SQLIdentifier(column), .in, Array(chunk)).all() {
                result[try row.decode(column: column, as: String.self)] = try id(row, sqlite: sqlite)
            }
        }
        return result
    }

    /// Which of `ids` exist in `table`.
    static func existing(_ ids: some Collection<UUID>, in table: String, on database: any Database) async throws
        -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        var found = Set<UUID>()
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: 1000) {
            let chunk = all[start..<min(start + 1000, all.count)]
            for row in try await sql.select().column("id").from(table).where("id", .in, Array(chunk)).all() {
                found.insert(try id(row, sqlite: sqlite))
            }
        }
        return found
    }

    /// The row's `id`: SQLite keeps UUIDs as text, read here without Foundation's `sscanf`.
    static func id(_ row: any SQLRow, sqlite: Bool) throws -> UUID {
        guard let id = try uuid(row, "id", sqlite: sqlite) else { throw StoreError.corrupt("a row without an id") }
        return id
    }

    /// A UUID column that may be null, read the same way.
    static func uuid(_ row: any SQLRow, _ column: String, sqlite: Bool) throws -> UUID? {
        guard sqlite else { return try row.decode(column: column, as: UUID?.self) }
        guard let text = try row.decode(column: column, as: String?.self) else { return nil }
        guard let id = Hex.uuid(text) else { throw StoreError.corrupt("'\(text)' is not a UUID") }
        return id
    }
}
