import AccordServer
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

    static func logger(_ configuration: AccordConfiguration) -> Logger {
        var logger = Logger(label: "accord")
        logger.logLevel = configuration.logLevel
        return logger
    }
}
