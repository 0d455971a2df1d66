import FluentKit
import SQLKit

extension Database {
    /// A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
    /// front: a deferred `BEGIN` that reads first and writes later fails at once with "database is locked"
    /// when another writer committed meanwhile (SQLITE_BUSY_SNAPSHOT), where `busy_timeout` cannot help.
    /// On PostgreSQL it is an ordinary transaction.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite", !inTransaction else {
            return try await transaction(body)
        }
        // SQLite has one writer at a time. Waiting here, before a connection is borrowed, keeps waiting
        // writers from sleeping inside SQLite's busy handler on the thread pool that every query needs.
        await SQLiteWriteGate.shared.enter()
        defer { Task { await SQLiteWriteGate.shared.leave() } }
        return try await withConnection { connection in
            let sql = try Catalog.sqlDatabase(connection)
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

/// Lets one SQLite write transaction of this process run at a time, in arrival order.
actor SQLiteWriteGate {
    static let shared = SQLiteWriteGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
