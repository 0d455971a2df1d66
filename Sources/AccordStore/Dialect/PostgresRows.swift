import FluentKit
import FluentPostgresDriver
import Foundation

/// Reads many rows from PostgreSQL as typed tuples through PostgresNIO. SQLKit's rows decode every column through
/// a generic decoder, which was most of the time of reading 60,000 persons for a pressure check.
enum PostgresRows {
    struct Person: Sendable {
        var id: UUID
        var email: String
        var accountID: UUID?
        var optedOut: Bool
    }

    /// Every person's id, address, account and opt-out; nil when `database` is not PostgreSQL.
    static func persons(_ database: any Database) async throws -> [Person]? {
        guard let postgres = database as? any PostgresDatabase else { return nil }
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var persons: [Person] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT id, email, account_id, opted_out FROM persons"),
                                                      logger: connection.logger)
                for try await (id, email, account, optedOut) in rows.decode((UUID, String, UUID?, Bool).self) {
                    persons.append(Person(id: id, email: email, accountID: account, optedOut: optedOut))
                }
                return persons
            }
        }.get()
    }
}
