import FluentKit
import SQLKit

/// Settings a database needs before Accord uses it.
public enum StorePreparation {
    /// On SQLite: write-ahead logging (kept in the file) and `synchronous=FULL`, so an acknowledged
    /// commit survives a power loss. Each event loop has one SQLite connection, so the pragma is set
    /// on every loop's connection. (The bundled SQLite's compiled default is FULL too; this makes
    /// the promise explicit rather than inherited.)
    public static func prepare(_ databases: Databases, location: DatabaseLocation, logger: Logger) async throws {
        guard location.isSQLite else { return }
        for eventLoop in databases.eventLoopGroup.makeIterator() {
            guard let database = databases.database(location.databaseID, logger: logger, on: eventLoop),
                  let sql = database as? any SQLDatabase else { throw StoreError.notSQL }
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = FULL").run()
            try await sql.raw("PRAGMA busy_timeout = 5000").run()
        }
    }
}
