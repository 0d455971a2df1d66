import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Scores people as things happen: a touchpoint arrives, a person or account changes, or time passes (decay).
/// A person becomes an MQL only when their score crosses the active definition's threshold from below and they
/// have no open lead; then exactly one lead is created, stamped with the definition version and routed at once.
/// Runs inside the caller's write transaction; on PostgreSQL the persons' rows are locked first, so concurrent
/// arrivals for one person take turns and the second sees the first one's lead.
public enum LiveScoring {
    /// The periodic rescoring that applies decay.
    public static let decayJobKind = "score.decay"
    /// How often decay is applied.
    public static let decayInterval: TimeInterval = 3_600

    /// Rescoring everyone, enqueued when a definition becomes active.
    public static let rescoreJobKind = "score.all"

    /// Enqueues the next decay pass, at the next whole interval after `now`; one job per slot.
    public static func scheduleDecay(after now: Date, on database: any Database) async throws {
        let next = ((now.timeIntervalSince1970 / decayInterval).rounded(.down) + 1) * decayInterval
        try await JobQueue.enqueue(decayJobKind, uniqueKey: "\(decayJobKind):\(Int(next))",
                                   runAt: Date(timeIntervalSince1970: next), on: database)
    }

    /// Enqueues rescoring everyone under a newly active definition `version`.
    public static func scheduleRescore(version: Int, on database: any Database) async throws {
        try await JobQueue.enqueue(rescoreJobKind, uniqueKey: "\(rescoreJobKind):v\(version)", on: database)
    }

    /// What a scoring pass did.
    public struct Summary: Sendable, Equatable {
        public var scored = 0
        /// Persons whose score crossed the threshold from below.
        public var crossed = 0
        /// Leads created: by persons crossing, and by accounts qualifying as buying groups.
        public var personLeads = 0
        public var accountLeads = 0

        public init() {}

        mutating func add(_ other: Summary) {
            scored += other.scored
            crossed += other.crossed
            personLeads += other.personLeads
            accountLeads += other.accountLeads
        }
    }

    /// The active definition, compiled, and its version.
    public struct ActiveDefinition: Sendable {
        public var version: Int
        public var scorer: LeadScorer
    }

    public static func active(on database: any Database) async throws -> ActiveDefinition? {
        guard let model = try await LeadDefinitionModel.query(on: database).filter(\.$state == "active").first() else {
            return nil
        }
        return ActiveDefinition(version: model.version, scorer: LeadScorer(try model.definition()))
    }

    /// Rescores `persons` now (call inside a write transaction). Without an active definition nothing happens.
    @discardableResult
    public static func rescore(_ persons: some Collection<UUID>, now: Date = Date(), on database: any Database)
        async throws -> Summary {
        guard !persons.isEmpty, let active = try await active(on: database) else { return Summary() }
        var summary = Summary()
        let sorted = Set(persons).sorted { $0 < $1 }
        for start in stride(from: 0, to: sorted.count, by: chunkSize) {
            summary.add(try await score(Array(sorted[start..<min(start + chunkSize, sorted.count)]), active: active,
                                        now: now, createLeads: true, on: database))
        }
        return summary
    }

    /// Rescores the people of `accounts` (an account's attributes changed).
    @discardableResult
    public static func rescore(accounts: some Collection<UUID>, now: Date = Date(), on database: any Database)
        async throws -> Summary {
        guard !accounts.isEmpty else { return Summary() }
        let ids = try await PersonModel.query(on: database).filter(\.$account.$id ~~ Array(Set(accounts)))
            .field(\.$id).all().compactMap(\.id)
        return try await rescore(ids, now: now, on: database)
    }

    static let chunkSize = 2_000

    /// Rescores everyone (or, with `onlyEngaged`, everyone with engagement to decay or a qualification to lose),
    /// a chunk of persons per write transaction, in id order, with batched reads and writes. With
    /// `createLeads: false` the scores and qualifications are written but no lead is created (a baseline after
    /// loading data that already has its leads).
    @discardableResult
    public static func rescoreAll(now: Date = Date(), onlyEngaged: Bool = false, createLeads: Bool = true,
                                  on database: any Database, progress: (Int) -> Void = { _ in }) async throws -> Summary {
        guard let active = try await active(on: database) else { return Summary() }
        let sql = try Catalog.sqlDatabase(database)
        var summary = Summary()
        var after: UUID?
        while true {
            var query = sql.select().column("id").from(PersonModel.schema)
            if let after { query = query.where("id", .greaterThan, after) }
            if onlyEngaged {
                query = query.where { group in
                    group.where("engagement_score", .greaterThan, 0).orWhere("qualified", .equal, true)
                }
            }
            let ids = try await query.orderBy("id").limit(chunkSize).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard let last = ids.last else { return summary }
            summary.add(try await database.writeTransaction { database in
                try await score(ids, active: active, now: now, createLeads: createLeads, on: database)
            })
            progress(summary.scored)
            after = last
        }
    }

    /// One person's row as scoring reads it.
    struct Row {
        var id: UUID
        var accountID: UUID?
        var profile: ScoringProfile
        var wasQualified: Bool
    }

    /// Persons with what scoring knows of them (all persons when `ids` is nil), in one query with their accounts.
    static func profiles(_ ids: [UUID]?, on sql: any SQLDatabase) async throws -> [Row] {
        let filter: SQLQueryString = ids.map { "WHERE p.id IN (\(binds: $0))" } ?? ""
        return try await sql.raw("""
            SELECT p.id, p.email, p.title, p.seniority, p.account_id, p.qualified, a.name AS account_name, a.domain,
                   a.industry, a.employee_count, a.country
            FROM persons p LEFT JOIN accounts a ON a.id = p.account_id \(filter) ORDER BY p.id
            """).all().map { row in
            Row(id: try row.decode(column: "id", as: UUID.self),
                accountID: try row.decode(column: "account_id", as: UUID?.self),
                profile: ScoringProfile(
                    email: try row.decode(column: "email", as: String.self),
                    title: try row.decode(column: "title", as: String?.self),
                    seniority: try row.decode(column: "seniority", as: String?.self).flatMap(Seniority.init(rawValue:)),
                    accountName: try row.decode(column: "account_name", as: String?.self),
                    accountDomain: try row.decode(column: "domain", as: String?.self),
                    industry: try row.decode(column: "industry", as: String?.self),
                    employeeCount: try row.decode(column: "employee_count", as: Int?.self),
                    country: try row.decode(column: "country", as: String?.self)),
                wasQualified: try row.decode(column: "qualified", as: Bool?.self) ?? false)
        }
    }

    /// Scores a chunk of persons and acts on the crossings.
    static func score(_ ids: [UUID], active: ActiveDefinition, now: Date, createLeads: Bool,
                      on database: any Database) async throws -> Summary {
        let sql = try Catalog.sqlDatabase(database)
        if sql.dialect.name == "postgresql" {
            // NO KEY UPDATE, not UPDATE: it waits for other scorers of the same people but not for inserts that
            // merely reference them (a touchpoint's foreign key takes KEY SHARE), which would otherwise deadlock
            // two ingestions of the same person.
            _ = try await sql.select().column("id").from(PersonModel.schema).where("id", .in, ids).orderBy("id")
                .lockingClause(SQLRaw("FOR NO KEY UPDATE")).all()
        }
        let rows = try await profiles(ids, on: sql)
        var touches: [UUID: [ScoringTouch]] = [:]
        var lastCampaign: [UUID: (at: Date, campaign: UUID)] = [:]
        for row in try await sql.raw("""
            SELECT person_id, kind, channel, occurred_at, campaign_id FROM touchpoints
            WHERE person_id IN (\(binds: ids))
            """).all() {
            let person = try row.decode(column: "person_id", as: UUID.self)
            let at = try row.decode(column: "occurred_at", as: Date.self)
            guard let kind = TouchpointKind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            touches[person, default: []].append(ScoringTouch(kind: kind, channel: channel, occurredAt: at))
            if let campaign = try row.decode(column: "campaign_id", as: UUID?.self), at >= (lastCampaign[person]?.at ?? .distantPast) {
                lastCampaign[person] = (at, campaign)
            }
        }

        var summary = Summary()
        var updates: [[ColumnValue]] = []
        var crossings: [(Row, ScoreExplanation)] = []
        var scores: [UUID: ScoreExplanation] = [:]
        for row in rows {
            let score = active.scorer.score(row.profile, touches: touches[row.id] ?? [], asOf: now)
            scores[row.id] = score
            updates.append([.uuid(row.id), .integer(score.fit), .double(score.engagement), .bool(score.isMQL),
                            .integer(active.version), .date(now)])
            if score.isMQL, !row.wasQualified { crossings.append((row, score)) }
        }
        try await BulkUpdate.update(PersonModel.schema,
                                    columns: ["fit_score", "engagement_score", "qualified", "score_version", "scored_at"],
                                    rows: updates, on: database)
        summary.scored = rows.count
        summary.crossed = crossings.count
        if createLeads, !crossings.isEmpty {
            let open = try await personsWithOpenLeads(crossings.map(\.0.id), on: database)
            for (row, score) in crossings where !open.contains(row.id) {
                try await createLead(for: row.id, accountID: row.accountID, fit: score.fit, engagement: score.engagement,
                                     priority: score.priority,
                                     rules: score.fitRules.map(\.ruleID) + score.engagementRules.map(\.ruleID),
                                     version: active.version, campaign: lastCampaign[row.id]?.campaign, buyingGroup: nil,
                                     now: now, on: database)
                summary.personLeads += 1
            }
        }
        if active.scorer.definition.accountLevel != nil {
            let accounts = Set(rows.compactMap(\.accountID))
            summary.accountLeads = try await qualifyAccounts(accounts, active: active, now: now, createLeads: createLeads,
                                                             on: database)
        }
        return summary
    }

    /// Recomputes the buying-group engagement of `accounts` from their people's stored scores; an account that
    /// crosses from below, none of whose people has an open lead, gets one lead for its most engaged person who
    /// fits, listing the others. Returns how many leads it created.
    static func qualifyAccounts(_ accounts: Set<UUID>, active: ActiveDefinition, now: Date, createLeads: Bool,
                                on database: any Database) async throws -> Int {
        guard !accounts.isEmpty else { return 0 }
        let sql = try Catalog.sqlDatabase(database)
        let ids = Array(accounts)
        if sql.dialect.name == "postgresql" {
            _ = try await sql.select().column("id").from(AccountModel.schema).where("id", .in, ids).orderBy("id")
                .lockingClause(SQLRaw("FOR NO KEY UPDATE")).all()
        }
        var members: [UUID: [(member: BuyingGroupMember, email: String)]] = [:]
        for row in try await sql.raw("""
            SELECT id, account_id, email, fit_score, engagement_score FROM persons WHERE account_id IN (\(binds: ids))
            """).all() {
            let member = BuyingGroupMember(personID: try row.decode(column: "id", as: UUID.self),
                                           fit: try row.decode(column: "fit_score", as: Int?.self) ?? .min,
                                           engagement: try row.decode(column: "engagement_score", as: Double?.self) ?? 0)
            members[try row.decode(column: "account_id", as: UUID.self), default: []]
                .append((member, try row.decode(column: "email", as: String.self)))
        }
        var wasQualified: [UUID: Bool] = [:]
        for row in try await sql.select().column("id").column("qualified").from(AccountModel.schema)
            .where("id", .in, ids).all() {
            wasQualified[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "qualified", as: Bool?.self) ?? false
        }
        var updates: [[ColumnValue]] = []
        var created = 0
        // One query for every member's open lead, not one per account.
        var open = createLeads ? try await personsWithOpenLeads(members.values.flatMap { $0.map(\.member.personID) },
                                                                on: database) : []
        for account in ids.sorted(by: { $0 < $1 }) {
            let group = members[account] ?? []
            let engagement = active.scorer.accountEngagement(group.map(\.member)) ?? 0
            let qualification = active.scorer.buyingGroup(group.map(\.member))
            updates.append([.uuid(account), .double(engagement), .bool(qualification != nil)])
            guard createLeads, let qualification, wasQualified[account] != true else { continue }
            guard open.isDisjoint(with: group.map(\.member.personID)) else { continue }
            let emails = Dictionary(uniqueKeysWithValues: group.map { ($0.member.personID, $0.email) })
            let others = JSONValue.array(qualification.others.map { id in
                .object(["personId": .string(id.uuidString), "email": .string(emails[id] ?? "")])
            })
            let lead = group.first { $0.member.personID == qualification.leadPersonID }!.member
            let priority = active.scorer.definition.priorityByGrade[active.scorer.grade(lead.fit).rawValue] ?? .d
            try await createLead(for: lead.personID, accountID: account, fit: lead.fit, engagement: lead.engagement,
                                 priority: priority, rules: [], version: active.version, campaign: nil,
                                 buyingGroup: others, now: now, on: database)
            open.insert(lead.personID)
            created += 1
        }
        try await BulkUpdate.update(AccountModel.schema, columns: ["engagement_score", "qualified"], rows: updates,
                                    on: database)
        return created
    }

    static func personsWithOpenLeads(_ persons: [UUID], on database: any Database) async throws -> Set<UUID> {
        guard !persons.isEmpty else { return [] }
        return Set(try await LeadModel.query(on: database).filter(\.$person.$id ~~ persons)
            .filter(\.$stage ~~ LeadStage.allCases.filter(\.isOpen).map(\.rawValue)).field(\.$person.$id).all()
            .map { $0.$person.id })
    }

    /// The MQL lead: qualified by the definition version, routed at once, audited.
    static func createLead(for person: UUID, accountID: UUID?, fit: Int, engagement: Double, priority: LeadPriority,
                           rules fired: [String], version: Int, campaign: UUID?, buyingGroup: JSONValue?, now: Date,
                           on database: any Database) async throws {
        let lead = LeadModel(personID: person, accountID: accountID, stage: .new, stageChangedAt: now,
                             fitScore: fit, engagementScore: engagement)
        lead.apply(try LeadLifecycle().apply(.qualify, to: lead.lifecycleState, at: now))
        lead.priority = priority.rawValue
        lead.definitionVersion = version
        lead.$campaign.id = campaign
        lead.buyingGroup = buyingGroup.map { StoredJSON.text($0) }
        try await lead.create(on: database)
        let decision = try await LeadHandoff.qualify(lead, at: now, on: database)
        try await lead.save(on: database)
        let why = buyingGroup == nil
            ? "score crossed the MQL threshold of definition v\(version)"
                + (fired.isEmpty ? "" : " (rules: \(fired.joined(separator: ", ")))")
            : "account qualified as a buying group under definition v\(version)"
        try await AuditTrail.record(.system, entity: "lead", id: lead.id!, action: "qualify",
                                    changes: ["stage": .init(before: .null, after: .string(lead.stage)),
                                              "ownerId": .init(before: .null,
                                                               after: lead.$owner.id.map { .string($0.uuidString) } ?? .null)],
                                    reason: "\(why); \(decision.explanation)", at: now, on: database)
    }
}
