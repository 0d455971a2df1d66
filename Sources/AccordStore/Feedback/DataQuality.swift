import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Persons whose data needs fixing, by source: flagged by sales (`contact_data_wrong`) or not updated for longer
/// than an age, so marketing can fix the source that feeds bad or stale data.
public enum DataQuality {
    public struct SourceRow: Sendable, Equatable {
        public var source: String
        public var persons: Int
        public var flagged: Int
        public var stale: Int
    }

    public struct PersonRow: Sendable, Equatable {
        public var id: UUID
        public var email: String
        public var name: String
        public var source: String
        public var flaggedAt: Date?
        public var flagReason: String?
        public var updatedAt: Date?
    }

    public struct Report: Sendable, Equatable {
        public var olderThan: Date
        public var sources: [SourceRow]
        /// The flagged or stale persons, flagged first, then the stalest; at most `limit`.
        public var persons: [PersonRow]
        public var totalFlagged: Int
        public var totalStale: Int
    }

    public static func report(olderThanDays: Int, now: Date = Date(), limit: Int = 200,
                              on database: any Database) async throws -> Report {
        let sql = try Catalog.sqlDatabase(database)
        let cutoff = now.addingTimeInterval(-Double(olderThanDays) * 86_400)
        let updated: SQLQueryString = "COALESCE(p.updated_at, p.created_at)"
        let stale: SQLQueryString = "(\(updated) IS NULL OR \(updated) < \(bind: cutoff))"
        var sources: [SourceRow] = []
        for row in try await sql.raw("""
            SELECT COALESCE(p.source, 'unknown') AS source, COUNT(*) AS persons,
                   SUM(CASE WHEN p.data_flagged_at IS NOT NULL THEN 1 ELSE 0 END) AS flagged,
                   SUM(CASE WHEN \(stale) THEN 1 ELSE 0 END) AS stale
            FROM persons p GROUP BY COALESCE(p.source, 'unknown')
            """).all() {
            sources.append(SourceRow(source: try row.decode(column: "source", as: String.self),
                                     persons: try LeadQualityQuery.number(row, "persons"),
                                     flagged: try LeadQualityQuery.number(row, "flagged"),
                                     stale: try LeadQualityQuery.number(row, "stale")))
        }
        sources.sort { $0.flagged + $0.stale == $1.flagged + $1.stale ? $0.source < $1.source
            : $0.flagged + $0.stale > $1.flagged + $1.stale }
        let persons = try await sql.raw("""
            SELECT p.id, p.email, p.first_name, p.last_name, COALESCE(p.source, 'unknown') AS source, p.data_flagged_at,
                   p.data_flag_reason, \(updated) AS updated
            FROM persons p WHERE p.data_flagged_at IS NOT NULL OR \(stale)
            ORDER BY CASE WHEN p.data_flagged_at IS NULL THEN 1 ELSE 0 END, \(updated), p.id
            LIMIT \(bind: limit)
            """).all().map { row in
            PersonRow(id: try row.decode(column: "id", as: UUID.self), email: try row.decode(column: "email", as: String.self),
                      name: [try row.decode(column: "first_name", as: String?.self),
                             try row.decode(column: "last_name", as: String?.self)].compactMap { $0 }.joined(separator: " "),
                      source: try row.decode(column: "source", as: String.self),
                      flaggedAt: try row.decode(column: "data_flagged_at", as: Date?.self),
                      flagReason: try row.decode(column: "data_flag_reason", as: String?.self),
                      updatedAt: try row.decode(column: "updated", as: Date?.self))
        }
        return Report(olderThan: cutoff, sources: sources, persons: persons,
                      totalFlagged: sources.reduce(0) { $0 + $1.flagged }, totalStale: sources.reduce(0) { $0 + $1.stale })
    }

    /// The demo's persons: their source is the channel of their first touch, and those whose lead sales rejected for
    /// wrong contact data are flagged. Idempotent.
    public static func backfillDemo(on database: any Database) async throws {
        let sql = try Catalog.sqlDatabase(database)
        try await sql.raw("""
            UPDATE persons SET source = (SELECT t.channel FROM touchpoints t WHERE t.person_id = persons.id
                                         ORDER BY t.occurred_at LIMIT 1)
            WHERE source IS NULL
            """).run()
        try await sql.raw("""
            UPDATE persons SET data_flag_reason = 'sales: contact data wrong',
                data_flagged_at = (SELECT MAX(l.stage_changed_at) FROM leads l WHERE l.person_id = persons.id
                                   AND l.stage = 'rejected' AND l.rejection_reason = 'contact_data_wrong')
            WHERE data_flagged_at IS NULL AND EXISTS (SELECT 1 FROM leads l WHERE l.person_id = persons.id
                                   AND l.stage = 'rejected' AND l.rejection_reason = 'contact_data_wrong')
            """).run()
    }
}
