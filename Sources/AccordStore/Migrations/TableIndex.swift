import FluentKit
import SQLKit

/// A secondary index a migration creates and drops; Fluent's schema builder has no indexes, so SQLKit does it.
struct TableIndex: Sendable {
    let name: String
    let table: String
    let columns: [String]
    var unique = false

    init(_ table: String, _ columns: String..., unique: Bool = false) {
        self.table = table
        self.columns = columns
        self.unique = unique
        self.name = "\(table)_\(columns.joined(separator: "_"))_\(unique ? "key" : "idx")"
    }

    func create(on database: any Database) async throws {
        var builder = try Catalog.sqlDatabase(database).create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }

    func drop(on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).drop(index: name).ifExists().run()
    }
}

extension Array where Element == TableIndex {
    func create(on database: any Database) async throws {
        for index in self { try await index.create(on: database) }
    }

    func drop(on database: any Database) async throws {
        for index in reversed() { try await index.drop(on: database) }
    }
}
