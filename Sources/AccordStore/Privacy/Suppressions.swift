import AccordCore
import Crypto
import FluentKit
import Foundation
import SQLKit

/// Suppression lists: an address or a domain listed here is never created as a person (by an import, a batch, a
/// form or the API) and a person it matches is opted out. Emails are kept as SHA-256 hashes, so the list keeps
/// honouring an erased person without holding their address.
public enum Suppressions {
    public static func hash(_ email: EmailAddress) -> String {
        Hex.string(SHA256.hash(data: Data(email.value.utf8)))
    }

    /// Values per lookup query: well under both databases' bind limits, so a chunk of an import is one query.
    static let perQuery = 10_000

    /// The row an input becomes.
    static func row(_ input: SuppressionInput, source: SuppressionSource, by actor: String, at now: Date) -> SuppressionModel {
        if let email = input.email {
            return SuppressionModel(kind: SuppressionKind.email.rawValue, value: hash(email),
                                    hint: source == .erasure ? nil : SuppressionInput.hint(email), reason: input.reason,
                                    source: source.rawValue, createdBy: actor, createdAt: now)
        }
        return SuppressionModel(kind: SuppressionKind.domain.rawValue, value: input.domain ?? "", hint: input.domain,
                                reason: input.reason, source: source.rawValue, createdBy: actor, createdAt: now)
    }

    static let rows = RowSpec<SuppressionModel>(
        table: SuppressionModel.schema,
        columns: ["id", "kind", "value", "hint", "reason", "source", "created_by", "created_at"]) { row in
        [.uuid(row.id), .text(row.kind), .text(row.value), .text(row.hint), .text(row.reason), .text(row.source),
         .text(row.createdBy), .date(row.createdAt)]
    }

    /// Adds entries (one already listed stays as it is) and opts out every person they match. Returns each input's
    /// entry, with whether it is new.
    @discardableResult
    public static func add(_ inputs: [SuppressionInput], source: SuppressionSource, by actor: String, at now: Date = Date(),
                           on database: any Database) async throws -> [(entry: SuppressionModel, created: Bool)] {
        guard !inputs.isEmpty else { return [] }
        var candidates: [String: SuppressionModel] = [:]
        for input in inputs {
            let row = row(input, source: source, by: actor, at: now)
            if candidates[row.value] == nil { candidates[row.value] = row }
        }
        let existing = try await entries(Array(candidates.keys), on: database)
        let fresh = candidates.values.filter { existing[$0.value] == nil }
        try await BulkInsert.insert(fresh, using: rows, ignoringConflictsOn: "value", on: database)
        try await optOut(inputs, at: now, on: database)
        return inputs.map { input in
            let value = input.email.map(hash) ?? input.domain ?? ""
            return existing[value].map { ($0, false) } ?? (candidates[value]!, true)
        }
    }

    /// Opts out the persons the inputs match.
    static func optOut(_ inputs: [SuppressionInput], at now: Date, on database: any Database) async throws {
        let sql = try Catalog.sqlDatabase(database)
        let emails = inputs.compactMap(\.email?.value)
        for start in stride(from: 0, to: emails.count, by: ImportReferences.perQuery) {
            try await sql.update(PersonModel.schema).set("opted_out", to: true).set("updated_at", to: now)
                .where("email", .in, Array(emails[start..<min(start + ImportReferences.perQuery, emails.count)]))
                .where("opted_out", .equal, false).run()
        }
        for domain in Set(inputs.compactMap(\.domain)) {
            try await sql.update(PersonModel.schema).set("opted_out", to: true).set("updated_at", to: now)
                .where { group in
                    group.where("email", .like, "%@" + domain).orWhere("email", .like, "%." + domain)
                }
                .where("opted_out", .equal, false).run()
        }
    }

    /// Entries by value.
    static func entries(_ values: [String], on database: any Database) async throws -> [String: SuppressionModel] {
        var found: [String: SuppressionModel] = [:]
        for start in stride(from: 0, to: values.count, by: perQuery) {
            let chunk = Array(values[start..<min(start + perQuery, values.count)])
            for entry in try await SuppressionModel.query(on: database).filter(\.$value ~~ chunk).all() { found[entry.value] = entry }
        }
        return found
    }

    /// The addresses among `emails` that a suppression (their own or their domain's) blocks.
    public static func suppressed(_ emails: some Collection<EmailAddress>, on database: any Database) async throws -> Set<EmailAddress> {
        // Most lists are short or empty: one probe spares the lookup (imports and batches ask for every chunk).
        guard !emails.isEmpty, try await SuppressionModel.query(on: database).first() != nil else { return [] }
        var keys: [EmailAddress: [String]] = [:]
        for email in emails { keys[email] = [hash(email)] + email.domainSuffixes }
        let listed = try await entries(Array(Set(keys.values.joined())), on: database)
        guard !listed.isEmpty else { return [] }
        return Set(keys.filter { $0.value.contains { listed[$0] != nil } }.keys)
    }

    /// Refuses an address the list blocks, naming the field (for creating a person through the API).
    public static func check(_ email: EmailAddress, field: String, on database: any Database) async throws {
        if try await !suppressed([email], on: database).isEmpty {
            throw AccordError.validation([FieldError(field: field, problem: "is on the suppression list; it may not be added")])
        }
    }
}
