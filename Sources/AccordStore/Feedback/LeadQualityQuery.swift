import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Lead quality aggregated in SQL: leads handed to sales, accepted, rejected, decided within the SLA, rejection
/// reasons and objections, grouped by one dimension, for leads qualified in a period. Three grouped queries (counts,
/// reasons, objections), whatever the number of leads.
public enum LeadQualityQuery {
    /// The SQL for a dimension: the group key, its label, and the joins they need.
    struct Grouping {
        var key: SQLQueryString
        var label: SQLQueryString
        var joins: SQLQueryString
    }

    static func grouping(_ dimension: QualityDimension, dialect: String) -> Grouping {
        switch dimension {
        case .campaign:
            Grouping(key: "l.campaign_id", label: "c.name", joins: "LEFT JOIN campaigns c ON c.id = l.campaign_id")
        case .channel:
            Grouping(key: "c.channel", label: "c.channel", joins: "LEFT JOIN campaigns c ON c.id = l.campaign_id")
        case .definition:
            Grouping(key: "l.definition_version", label: "l.definition_version", joins: "")
        case .rep:
            Grouping(key: "l.owner_id", label: "u.name", joins: "LEFT JOIN users u ON u.id = l.owner_id")
        case .team:
            Grouping(key: "l.team_id", label: "t.name", joins: "LEFT JOIN teams t ON t.id = l.team_id")
        case .priority:
            Grouping(key: "l.priority", label: "l.priority", joins: "")
        case .month:
            // Fluent stores dates as seconds since 1970 on SQLite and as timestamps on PostgreSQL.
            dialect == "sqlite"
                ? Grouping(key: "strftime('%Y-%m', l.qualified_at, 'unixepoch')",
                           label: "strftime('%Y-%m', l.qualified_at, 'unixepoch')", joins: "")
                : Grouping(key: "to_char(l.qualified_at AT TIME ZONE 'UTC', 'YYYY-MM')",
                           label: "to_char(l.qualified_at AT TIME ZONE 'UTC', 'YYYY-MM')", joins: "")
        }
    }

    /// The report for leads qualified in `from ..< to`, as of `now` (what is due).
    public static func report(by dimension: QualityDimension, from: Date, to: Date, now: Date = Date(),
                              on database: any Database) async throws -> QualityReport {
        let sql = try Catalog.sqlDatabase(database)
        let group = grouping(dimension, dialect: sql.dialect.name)
        let scope: SQLQueryString = """
            FROM leads l \(group.joins)
            WHERE l.qualified_at >= \(bind: from) AND l.qualified_at < \(bind: to) AND l.stage <> 'new'
            """
        var counts: [String: (label: String, counts: QualityCounts)] = [:]
        let rows = try await sql.raw("""
            SELECT \(group.key) AS k, MIN(\(group.label)) AS label, COUNT(*) AS leads,
                   SUM(CASE WHEN l.decided_at IS NOT NULL AND l.stage <> 'rejected' THEN 1 ELSE 0 END) AS accepted,
                   SUM(CASE WHEN l.stage = 'rejected' THEN 1 ELSE 0 END) AS rejected,
                   SUM(CASE WHEN l.decided_at IS NOT NULL OR l.sla_due_at <= \(bind: now) THEN 1 ELSE 0 END) AS due,
                   SUM(CASE WHEN l.decided_at IS NOT NULL AND l.sla_due_at IS NOT NULL AND l.decided_at <= l.sla_due_at
                            THEN 1 ELSE 0 END) AS in_time
            \(scope) GROUP BY \(group.key)
            """).all()
        for row in rows {
            let key = try text(row, "k")
            counts[key] = (label: try label(row, key: key, dimension),
                           counts: QualityCounts(leads: try number(row, "leads"), accepted: try number(row, "accepted"),
                                                 rejected: try number(row, "rejected"), due: try number(row, "due"),
                                                 decidedInTime: try number(row, "in_time")))
        }
        for row in try await sql.raw("""
            SELECT \(group.key) AS k, l.rejection_reason AS code, COUNT(*) AS n \(scope) AND l.stage = 'rejected'
            GROUP BY \(group.key), l.rejection_reason
            """).all() {
            let key = try text(row, "k")
            counts[key]?.counts.reasons[try row.decode(column: "code", as: String?.self) ?? "unknown", default: 0] += try number(row, "n")
        }
        for row in try await sql.raw("""
            SELECT \(group.key) AS k, o.code AS code, COUNT(*) AS n
            FROM leads l JOIN lead_objections o ON o.lead_id = l.id \(group.joins)
            WHERE l.qualified_at >= \(bind: from) AND l.qualified_at < \(bind: to) AND l.stage <> 'new'
            GROUP BY \(group.key), o.code
            """).all() {
            let key = try text(row, "k")
            counts[key]?.counts.objections[try row.decode(column: "code", as: String.self), default: 0] += try number(row, "n")
        }
        return QualityReport(dimension: dimension, from: from, to: to,
                             groups: counts.map { QualityGroup(key: $0.key, label: $0.value.label, counts: $0.value.counts) })
    }

    /// A group key as text: ids, months, versions and priorities alike; `none` for leads without one.
    static func text(_ row: any SQLRow, _ column: String) throws -> String {
        if let id = try? row.decode(column: column, as: UUID?.self) { return id.uuidString }
        if let number = try? row.decode(column: column, as: Int?.self) { return String(number) }
        return try row.decode(column: column, as: String?.self) ?? "none"
    }

    static func label(_ row: any SQLRow, key: String, _ dimension: QualityDimension) throws -> String {
        if key == "none" {
            return switch dimension {
            case .campaign, .channel: "(no campaign)"
            case .definition: "(before versioned definitions)"
            case .rep, .team: "(unassigned)"
            case .priority: "(no priority)"
            case .month: "(not qualified)"
            }
        }
        let label = (try? row.decode(column: "label", as: String?.self)) ?? nil
        switch dimension {
        case .definition: return "v\(key)"
        case .channel: return (label ?? key).replacingOccurrences(of: "_", with: " ")
        default: return label ?? key
        }
    }

    static func number(_ row: any SQLRow, _ column: String) throws -> Int {
        if let value = try? row.decode(column: column, as: Int?.self) { return value ?? 0 }
        return Int(try row.decode(column: column, as: Double?.self) ?? 0)
    }
}
