import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// The rows of a queue: open leads most urgent first, each with its freshness, why it was routed, and why it
/// is an MQL under the active definition. Shared by the rep's queue and the manager's team view.
struct LeadQueue {
    /// Stages that are a rep's work: waiting for a first action, accepted, sales-qualified.
    static let stages: [LeadStage] = [.mql, .sal, .sql]

    struct Row: Encodable {
        var id: String
        var person: String
        var personHref: String
        var email: String
        var account: String
        var owner: String
        var stage: String
        var priority: String
        var waiting: Bool
        var overdue: Bool
        var due: String
        var dueAt: String
        /// Share of the response time left, 0–100, and a word for its colour.
        var freshness: Int
        var freshnessLabel: String
        var routingReason: String
        var whyMQL: String
        var scoreRules: [String]
    }

    /// Open leads of the query, most urgent first (at most `limit`).
    static func rows(_ query: QueryBuilder<LeadModel>, limit: Int = 200, now: Date, on database: any Database)
        async throws -> [Row] {
        let leads = try await query.filter(\.$stage ~~ stages.map(\.rawValue)).sort(\.$slaDueAt).limit(2_000).all()
            .sorted { urgency($0) < urgency($1) }.prefix(limit)
        guard !leads.isEmpty else { return [] }
        let persons = try await PersonModel.query(on: database).filter(\.$id ~~ leads.map { $0.$person.id })
            .with(\.$account).all()
        let personByID = Dictionary(uniqueKeysWithValues: persons.map { ($0.id!, $0) })
        let owners = try await UserModel.query(on: database).filter(\.$id ~~ leads.compactMap { $0.$owner.id }).all()
        let ownerName = Dictionary(uniqueKeysWithValues: owners.map { ($0.id!, $0.name) })
        let scores = try await Self.scores(for: persons, now: now, on: database)
        var agreements: [UUID?: HandoffAgreement] = [:]
        var rows: [Row] = []
        for lead in leads {
            if agreements[lead.teamID] == nil {
                agreements[lead.teamID] = try await LeadHandoff.agreement(teamID: lead.teamID, on: database)
            }
            rows.append(row(lead, person: personByID[lead.$person.id], ownerName: lead.$owner.id.flatMap { ownerName[$0] },
                            score: scores[lead.$person.id], agreement: agreements[lead.teamID]!, now: now))
        }
        return rows
    }

    static func row(_ lead: LeadModel, person: PersonModel?, ownerName: String?, score: ScoreExplanation?,
                    agreement: HandoffAgreement, now: Date) -> Row {
        let stage = LeadStage(rawValue: lead.stage) ?? .new
        let waiting = LeadUrgency.isWaiting(stage: stage, firstActionAt: lead.firstActionAt)
        let overdue = LeadUrgency.isOverdue(stage: stage, firstActionAt: lead.firstActionAt, slaDueAt: lead.slaDueAt,
                                            now: now)
        let priority = lead.priority.flatMap(LeadPriority.init(rawValue:))
        let freshness = waiting ? lead.slaDueAt.map { due in
            Freshness.share(left: agreement.calendar.businessTime(from: now, to: due),
                            of: agreement.policy.responseTime(for: priority))
        } ?? 0 : 0
        let name = [person?.firstName, person?.lastName].compactMap { $0 }.joined(separator: " ")
        var why = "Fit \(lead.fitScore), engagement \(String(format: "%.0f", lead.engagementScore))"
        if let version = lead.definitionVersion { why += " (definition version \(version))" }
        var rules: [String] = []
        if let score {
            why = "Fit \(score.fit) (grade \(score.grade.rawValue)), engagement \(String(format: "%.0f", score.engagement))"
                + (score.isMQL ? ": an MQL under the active definition" : ": below the MQL bar today")
            rules = score.fitRules.map { "\($0.ruleID): \($0.points > 0 ? "+" : "")\($0.points) fit" }
                + score.engagementRules.prefix(4).map {
                    "\($0.ruleID): +\(String(format: "%.1f", $0.points)) from \($0.touches) touch\($0.touches == 1 ? "" : "es")"
                }
        }
        return Row(
            id: lead.id!.uuidString, person: name.isEmpty ? (person?.email ?? "—") : name,
            personHref: "/persons/\(lead.$person.id.uuidString)", email: person?.email ?? "",
            account: person?.account?.name ?? "no account", owner: ownerName ?? "unassigned", stage: lead.stage,
            priority: lead.priority ?? "—", waiting: waiting, overdue: overdue,
            due: waiting ? lead.slaDueAt.map { RelativeTime.describe($0, now: now) } ?? "no due time"
                         : lead.firstActionAt.map { "answered \(RelativeTime.span(now.timeIntervalSince($0))) ago" } ?? "answered",
            dueAt: lead.slaDueAt.map(ISOTimestamp.format) ?? "",
            freshness: Int((freshness * 100).rounded()), freshnessLabel: overdue ? "overdue" : Freshness.label(freshness),
            routingReason: lead.routingReason ?? "not routed", whyMQL: why, scoreRules: rules)
    }

    /// Scores of the persons under the active definition, if there is one.
    static func scores(for persons: [PersonModel], now: Date, on database: any Database) async throws
        -> [UUID: ScoreExplanation] {
        guard let (_, scorer) = try await DefinitionService.active(on: database) else { return [:] }
        let touches = try await TouchpointModel.query(on: database).filter(\.$person.$id ~~ persons.map { $0.id! }).all()
        let byPerson = Dictionary(grouping: touches, by: { $0.$person.id })
        var result: [UUID: ScoreExplanation] = [:]
        for person in persons {
            result[person.id!] = scorer.score(person.scoringProfile(account: person.account),
                                              touches: (byPerson[person.id!] ?? []).compactMap(\.scoringTouch), asOf: now)
        }
        return result
    }

    static func urgency(_ lead: LeadModel) -> (Int, Double) {
        LeadUrgency.key(stage: LeadStage(rawValue: lead.stage) ?? .new, firstActionAt: lead.firstActionAt,
                        slaDueAt: lead.slaDueAt)
    }
}
