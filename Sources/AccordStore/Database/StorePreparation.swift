import FluentKit
import SQLKit

/// Settings a database needs before Accord uses it.
public enum StorePreparation {
    /// SQLite's page cache per connection, as `PRAGMA cache_size` takes it (negative: KiB).
    public static let sqliteCacheKiB = -131_072

    /// On SQLite: write-ahead logging (kept in the file) and `synchronous=FULL`, so an acknowledged
    /// commit survives a power loss. Each event loop has one SQLite connection, so the pragmas are set
    /// on every loop's connection. (The bundled SQLite's compiled default is FULL too; this makes
    /// the promise explicit rather than inherited.) The page cache is 128 MiB per connection, grown only
    /// as used: with the default 2 MiB, index maintenance on a million touchpoints is 2.4× slower
    /// (BENCHMARKS.md).
    public static func prepare(_ databases: Databases, location: DatabaseLocation, logger: Logger) async throws {
        guard location.isSQLite else { return }
        for eventLoop in databases.eventLoopGroup.makeIterator() {
            guard let database = databases.database(location.databaseID, logger: logger, on: eventLoop),
                  let sql = database as? any SQLDatabase else { throw StoreError.notSQL }
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = FULL").run()
            try await sql.raw("PRAGMA busy_timeout = 10000").run()
            try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(sqliteCacheKiB))").run()
            try await sql.raw("PRAGMA temp_store = MEMORY").run()
        }
    }
}
