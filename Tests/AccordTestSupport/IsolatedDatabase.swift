import AccordStore
import FluentKit
import Foundation
import SQLKit

/// A database of a test's own: a fresh SQLite file, or a fresh schema on the PostgreSQL server named by
/// `DATABASE_URL`. Tests run in parallel, so none shares tables with another.
public struct IsolatedDatabase: Sendable {
    /// Where the test's data lives.
    public let location: DatabaseLocation
    private let cleanup: @Sendable () async throws -> Void

    /// The PostgreSQL server of this run, or nil when the tests run on SQLite.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The database kind this run tests, for test names and messages.
    public static var kind: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    /// Creates an empty database (no tables) for one test.
    public static func make() async throws -> IsolatedDatabase {
        let token = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        if let url = postgresURL {
            let schema = "test_\(token)"
            try await withAdmin(url) { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
            return IsolatedDatabase(location: .postgres(url: url, searchPath: [schema])) {
                try await withAdmin(url) { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accord-test-\(token).sqlite").path
        return IsolatedDatabase(location: .sqlite(path: path)) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// Removes the test's database.
    public func destroy() async throws {
        try await cleanup()
    }

    private static func withAdmin(_ url: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        let store = try await Store.open(.postgres(url: url))
        do {
            try await body(store.database as! any SQLDatabase)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Runs `body` with an open, migrated store of the test's own, and removes it afterwards.
public func withStore(migrated: Bool = true, _ body: (Store) async throws -> Void) async throws {
    let isolated = try await IsolatedDatabase.make()
    let store: Store
    do {
        store = try await Store.open(isolated.location)
    } catch {
        try? await isolated.destroy()
        throw error
    }
    do {
        if migrated { try await store.migrate() }
        try await body(store)
    } catch {
        await store.close()
        try? await isolated.destroy()
        throw error
    }
    await store.close()
    try await isolated.destroy()
}
