import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

/// Where Accord keeps its data: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file, in WAL mode with `synchronous=FULL`.
    case sqlite(path: String)
    /// A PostgreSQL server; `searchPath` confines Accord to schemas (tests use one schema each).
    case postgres(url: String, searchPath: [String]? = nil)

    /// The Fluent database id the location registers under.
    public var databaseID: DatabaseID {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .psql
        }
    }

    /// Whether this is the embedded database.
    public var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }

    /// A description without credentials, safe for logs.
    public var description: String {
        switch self {
        case let .sqlite(path): "SQLite at \(path)"
        case let .postgres(url, searchPath):
            "PostgreSQL at \(Self.redacted(url))" + (searchPath.map { " (schema \($0.joined(separator: ",")))" } ?? "")
        }
    }

    /// The Fluent configuration for this location.
    public func configurationFactory() throws -> DatabaseConfigurationFactory {
        switch self {
        case let .sqlite(path):
            return .sqlite(.file(path))
        case let .postgres(url, searchPath):
            var configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.invalidURL("\(Self.redacted(url)): \(error)")
            }
            configuration.searchPath = searchPath
            // A request waits up to 30 s for a connection (Fluent's default is 10 s): under a burst, transactions that
            // queue behind the same row lock hold their connections, and waiting beats failing the request.
            return .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4,
                             connectionPoolTimeout: .seconds(30))
        }
    }

    /// The URL with its password replaced by `***`.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }
}
