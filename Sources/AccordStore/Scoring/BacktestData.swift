import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Loads what a backtest replays, with a handful of set-based queries: every person with today's attributes,
/// every touch, and each person's real outcomes (their leads, and the opportunities they were part of).
public enum BacktestData {
    public static func subjects(on database: any Database) async throws -> [BacktestSubject] {
        let sql = try Catalog.sqlDatabase(database)
        let persons = try await LiveScoring.profiles(nil, on: sql)
        var touches: [UUID: [ScoringTouch]] = [:]
        for row in try await sql.raw("SELECT person_id, kind, channel, occurred_at FROM touchpoints").all() {
            guard let kind = TouchpointKind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            touches[try row.decode(column: "person_id", as: UUID.self), default: []]
                .append(ScoringTouch(kind: kind, channel: channel, occurredAt: try row.decode(column: "occurred_at", as: Date.self)))
        }
        var outcomes: [UUID: PersonOutcome] = [:]
        for row in try await sql.raw("SELECT person_id, stage, recycle_reason, opportunity_id FROM leads").all() {
            guard let stage = LeadStage(rawValue: try row.decode(column: "stage", as: String.self)) else { continue }
            outcomes[try row.decode(column: "person_id", as: UUID.self), default: PersonOutcome()].add(
                lead: stage, recycleReason: try row.decode(column: "recycle_reason", as: String?.self),
                opportunityID: try row.decode(column: "opportunity_id", as: UUID?.self))
        }
        // The opportunities each person was part of: their contact roles, and what their leads became.
        for row in try await sql.raw("""
            SELECT r.person_id, o.id, o.status, o.amount_minor, o.currency
            FROM contact_roles r JOIN opportunities o ON o.id = r.opportunity_id
            UNION
            SELECT l.person_id, o.id, o.status, o.amount_minor, o.currency
            FROM leads l JOIN opportunities o ON o.id = l.opportunity_id
            """).all() {
            outcomes[try row.decode(column: "person_id", as: UUID.self), default: PersonOutcome()].record(
                opportunityID: try row.decode(column: "id", as: UUID.self),
                won: try row.decode(column: "status", as: String.self) == OpportunityStatus.won.rawValue,
                amount: Money(amountMinor: try row.decode(column: "amount_minor", as: Int64.self),
                              currency: try row.decode(column: "currency", as: String.self)))
        }
        return persons.map { person in
            BacktestSubject(personID: person.id, accountID: person.accountID, profile: person.profile,
                            touches: touches[person.id] ?? [], outcome: outcomes[person.id] ?? PersonOutcome())
        }
    }

    /// The period a backtest covers by default: from the first touch (at most `years` back) to `now`.
    public static func defaultPeriod(now: Date = Date(), on database: any Database) async throws -> (from: Date, to: Date) {
        let first = try await Catalog.sqlDatabase(database).raw("SELECT MIN(occurred_at) AS first FROM touchpoints")
            .first()?.decode(column: "first", as: Date?.self)
        let earliest = now.addingTimeInterval(-3 * 365 * 86_400)
        return (max(first ?? now, earliest), now)
    }
}

extension BacktestData {
    /// The report for `candidate` (a stored version, or a definition from a file with its name) beside the active
    /// definition over `from…to` (default: `defaultPeriod`).
    public static func report(candidate: (version: Int?, name: String, definition: LeadDefinition), from: Date? = nil,
                              to: Date? = nil, now: Date = Date(), on database: any Database) async throws -> BacktestReport {
        let period = try await defaultPeriod(now: now, on: database)
        let active = try await LeadDefinitionModel.query(on: database).filter(\.$state == "active").first()
        let activeDefinition = try active.map { try $0.definition() }
        let subjects = try await subjects(on: database)
        return BacktestReport(
            from: from ?? period.from, to: to ?? period.to, subjects: subjects,
            candidate: (candidate.version, candidate.name, LeadScorer(candidate.definition)),
            active: active.flatMap { model in
                activeDefinition.map { (model.version, model.name, LeadScorer($0)) }
            })
    }
}

extension LeadDefinitionModel {
    /// The stored definition with this version number.
    public static func find(version: Int, on database: any Database) async throws -> LeadDefinitionModel? {
        try await query(on: database).filter(\.$version == version).first()
    }

    /// The stored body, parsed.
    public func definition() throws -> LeadDefinition {
        try LeadDefinition.parse(JSONValue.parse(body.utf8))
    }
}
