import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Finds the records an import's rows name: `accord:<uuid>` by id, `<source>:<id>` by external id, emails by the
/// normalized email; a chunk of rows at a time, a query per few hundred names.
enum ImportReferences {
    static let perQuery = 500

    /// The ids of `table`'s rows named by `references`, keyed by the reference.
    static func resolve(_ references: some Sequence<String>, in table: String, on database: any Database)
        async throws -> [String: UUID] {
        let unique = Set(references)
        var found: [String: UUID] = [:]
        let ids = unique.compactMap(ImportRowReader.accordID)
        for (id, _) in try await lookup(ids, column: "id", in: table, on: database) { found["accord:" + id.uuidString] = id }
        let externals = unique.filter { !$0.hasPrefix("accord:") }
        for (id, key) in try await lookup(Array(externals), column: "external_id", in: table, on: database) { found[key] = id }
        return found
    }

    /// (id, the matched column as text) of the rows whose `column` is one of `values`.
    static func lookup<Value: Encodable & Sendable>(_ values: [Value], column: String, in table: String,
                                                    on database: any Database) async throws -> [(UUID, String)] {
        guard !values.isEmpty else { return [] }
        let sql = try Catalog.sqlDatabase(database)
        var rows: [(UUID, String)] = []
        for start in stride(from: 0, to: values.count, by: perQuery) {
            let chunk = Array(values[start..<min(start + perQuery, values.count)])
            for row in try await sql.select().column("id").column(SQLIdentifier(column)).from(table)
                .where(SQLIdentifier(column), .in, chunk).all() {
                let id = try row.decode(column: "id", as: UUID.self)
                let key = column == "id" ? id.uuidString : try row.decode(column: column, as: String.self)
                rows.append((id, key))
            }
        }
        return rows
    }

    /// The person a row names: the first reference that is found, else the email.
    static func person(_ references: [String], email: EmailAddress?, byReference: [String: UUID],
                       byEmail: [EmailAddress: UUID]) -> UUID? {
        for reference in references { if let id = byReference[reference] { return id } }
        return email.flatMap { byEmail[$0] }
    }
}
