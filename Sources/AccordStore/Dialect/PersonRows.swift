import AccordCore
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Every person's id, address, account and opt-out, read the fastest way each database allows: for 60,000 rows,
/// SQLKit's rows cost an event-loop task per row on SQLite (SQLiteNIO's futures-based query) and a generic decoder
/// per column on both, which was most of a large pressure check's time.
enum PersonRows {
    struct Person: Sendable {
        var id: UUID
        var email: String
        var accountID: UUID?
        var optedOut: Bool
    }

    static let query = "SELECT id, email, account_id, opted_out FROM persons"

    static func all(_ database: any Database) async throws -> [Person] {
        if let sqlite = database as? any SQLiteDatabase {
            // SQLite keeps UUIDs as text and booleans as integers; rows are read on the connection's own thread.
            let rows = RowSink<[Person]>([])
            try await sqlite.withConnection { connection in
                try await connection.query(query, []) { row in
                    guard case let .text(id)? = row.column("id"), let id = Hex.uuid(id),
                          case let .text(email)? = row.column("email") else { return }
                    var account: UUID?
                    if case let .text(text)? = row.column("account_id") { account = Hex.uuid(text) }
                    var optedOut = false
                    if case let .integer(flag)? = row.column("opted_out") { optedOut = flag != 0 }
                    rows.value.append(Person(id: id, email: email, accountID: account, optedOut: optedOut))
                }
            }
            return rows.value
        }
        if let postgres = database as? any PostgresDatabase {
            return try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    var persons: [Person] = []
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: query), logger: connection.logger)
                    for try await (id, email, account, optedOut) in rows.decode((UUID, String, UUID?, Bool).self) {
                        persons.append(Person(id: id, email: email, accountID: account, optedOut: optedOut))
                    }
                    return persons
                }
            }.get()
        }
        let sql = try Catalog.sqlDatabase(database)
        return try await sql.raw(SQLQueryString(query)).all().map { row in
            Person(id: try row.decode(column: "id", as: UUID.self), email: try row.decode(column: "email", as: String.self),
                   accountID: try row.decode(column: "account_id", as: UUID?.self),
                   optedOut: try row.decode(column: "opted_out", as: Bool.self))
        }
    }
}

/// A value filled by a `@Sendable` row callback that runs synchronously before its caller resumes.
final class RowSink<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
}
