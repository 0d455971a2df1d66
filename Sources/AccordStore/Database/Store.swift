import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A connection to Accord's database without the web server: for the command line, tests and benchmarks.
public final class Store: Sendable {
    public let location: DatabaseLocation
    public let databases: Databases
    public let logger: Logger

    /// Opens the database at `location` (connections are made lazily) and applies its settings.
    public static func open(_ location: DatabaseLocation,
                            logger: Logger = Logger(label: "accord.store")) async throws -> Store {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(try location.configurationFactory(), as: location.databaseID, isDefault: true)
        let store = Store(location: location, databases: databases, logger: logger)
        do {
            try await StorePreparation.prepare(databases, location: location, logger: logger)
        } catch {
            await databases.shutdownAsync()
            throw error
        }
        return store
    }

    private init(location: DatabaseLocation, databases: Databases, logger: Logger) {
        self.location = location
        self.databases = databases
        self.logger = logger
    }

    /// A database handle on any event loop.
    public var database: any Database {
        databases.database(location.databaseID, logger: logger, on: databases.eventLoopGroup.any())!
    }

    /// Runs every migration not yet applied; returns the names of those it ran.
    @discardableResult
    public func migrate() async throws -> [String] {
        let migrator = makeMigrator()
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get().map { $0.0.name }
        try await migrator.prepareBatch().get()
        return pending
    }

    /// Reverts every migration; returns the names of those it reverted, last first.
    @discardableResult
    public func revertAll() async throws -> [String] {
        let migrator = makeMigrator()
        try await migrator.setupIfNeeded().get()
        let applied = try await migrator.previewRevertAllBatches().get().map { $0.0.name }
        try await migrator.revertAllBatches().get()
        return applied
    }

    /// Reverts the most recently applied batch; returns the names of those it reverted, last first.
    @discardableResult
    public func revertLastBatch() async throws -> [String] {
        let migrator = makeMigrator()
        try await migrator.setupIfNeeded().get()
        let applied = try await migrator.previewRevertLastBatch().get().map { $0.0.name }
        try await migrator.revertLastBatch().get()
        return applied
    }

    /// Closes every connection.
    public func close() async {
        await databases.shutdownAsync()
    }

    private func makeMigrator() -> Migrator {
        let migrations = Migrations()
        migrations.add(AccordMigrations.all, to: location.databaseID)
        return Migrator(databases: databases, migrations: migrations, logger: logger,
                        on: databases.eventLoopGroup.any(), migrationLogLevel: .debug)
    }
}
