import AccordServer
import AccordStore
import Foundation
import Logging

/// What every command reads from the process: configuration and logging.
enum CommandEnvironment {
    /// Reads the configuration from the environment and starts logging at its level (once per process).
    static func configuration() throws -> AccordConfiguration {
        let configuration = try AccordConfiguration(environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        return configuration
    }

    /// Opens the configured database (migrated), runs `body`, and closes it whatever happens.
    static func withStore(_ configured: AccordConfiguration? = nil, _ body: (Store) async throws -> Void) async throws {
        let configuration = try configured ?? configuration()
        let store = try await Store.open(configuration.database, logger: logger(configuration))
        do {
            try await store.migrate()
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    static func logger(_ configuration: AccordConfiguration) -> Logger {
        var logger = Logger(label: "accord")
        logger.logLevel = configuration.logLevel
        return logger
    }
}
