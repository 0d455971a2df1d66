import AccordCore
import FluentSQLiteDriver
import Foundation

/// Multi-row inserts written for SQLite directly, with values encoded exactly as Fluent stores them
/// (UUIDs as upper-case text, times as seconds since 1970, booleans as 0/1).
enum SQLiteInsert {
    static func statement(table: String, columns: [String], rows: Int, ignoringConflictsOn conflict: String?) -> String {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var text = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
        text.reserveCapacity(text.count + rows * (placeholders.count + 1) + 64)
        for row in 0..<rows {
            if row > 0 { text += "," }
            text += placeholders
        }
        if let conflict { text += " ON CONFLICT (\"\(conflict)\") DO NOTHING" }
        return text
    }

    static func data(_ value: ColumnValue) -> SQLiteData {
        switch value {
        case let .uuid(value): value.map { .text(Hex.uuidString($0)) } ?? .null
        case let .text(value): value.map { .text($0) } ?? .null
        case let .integer(value): value.map { .integer($0) } ?? .null
        case let .double(value): value.map { .float($0) } ?? .null
        case let .bool(value): value.map { .integer($0 ? 1 : 0) } ?? .null
        case let .date(value): value.map { .float($0.timeIntervalSince1970) } ?? .null
        }
    }
}
