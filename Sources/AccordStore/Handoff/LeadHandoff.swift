import AccordCore
import FluentKit
import Foundation
import SQLKit

/// The calendar and SLA policy a team works under.
public struct HandoffAgreement: Sendable {
    public var calendar: BusinessCalendar
    public var policy: SLAPolicy
}

/// The handoff of an MQL to sales: routing (decided by Core's `Router`), the due time on the team's
/// business calendar, the shelf life, and speed to lead when the owner first acts. Call inside a write
/// transaction: routing locks the chosen team's round-robin position until the transaction ends.
public enum LeadHandoff {
    /// Stages in which a lead counts against its owner's capacity.
    public static let capacityStages: [LeadStage] = [.mql, .sal]

    /// The agreement for a team: its own calendar and policy, else the defaults, else office hours in UTC
    /// and the standard policy.
    public static func agreement(teamID: UUID?, on database: any Database) async throws -> HandoffAgreement {
        let team = try await teamID.asyncFlatMap { try await TeamModel.find($0, on: database) }
        let calendarRow: BusinessCalendarModel? = if let id = team?.calendarID {
            try await BusinessCalendarModel.find(id, on: database)
        } else {
            try await BusinessCalendarModel.query(on: database).filter(\.$isDefault == true).first()
        }
        let policyRow: SLAPolicyModel? = if let id = team?.slaPolicyID {
            try await SLAPolicyModel.find(id, on: database)
        } else {
            try await SLAPolicyModel.query(on: database).filter(\.$isDefault == true).first()
        }
        return HandoffAgreement(calendar: try calendarRow?.calendar() ?? .officeHours(.gmt),
                                policy: policyRow?.policy ?? .standard)
    }

    /// Routes a lead that has just become an MQL and starts its SLA clock. A lead that already has an owner
    /// keeps them (assigned by hand); routing then only records the team and due time.
    @discardableResult
    public static func qualify(_ lead: LeadModel, at now: Date, on database: any Database) async throws -> RoutingDecision {
        let decision: RoutingDecision
        if let ownerID = lead.$owner.id, let owner = try await UserModel.find(ownerID, on: database) {
            decision = RoutingDecision(ownerID: ownerID, teamID: owner.$team.id, method: .manual, ruleID: nil,
                                       explanation: "assigned by hand to \(owner.name)")
        } else {
            decision = try await route(lead, on: database)
        }
        record(decision, on: lead)
        try await startClock(lead, at: now, on: database)
        if lead.$owner.id != nil {
            try await WebhookOutbox.publish(.leadAssigned, data: eventData(lead), at: now, on: database)
        }
        return decision
    }

    /// What webhook events say about a lead.
    public static func eventData(_ lead: LeadModel) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISOTimestamp.format($0)) } ?? .null }
        return .object([
            "leadId": .string(lead.id?.uuidString ?? ""), "personId": .string(lead.$person.id.uuidString),
            "ownerId": lead.$owner.id.map { .string($0.uuidString) } ?? .null,
            "teamId": lead.teamID.map { .string($0.uuidString) } ?? .null, "stage": .string(lead.stage),
            "priority": lead.priority.map(JSONValue.string) ?? .null, "slaDueAt": time(lead.slaDueAt),
            "routingReason": lead.routingReason.map(JSONValue.string) ?? .null,
        ])
    }

    /// Writes routing's answer onto the lead: owner, team, method and the explanation shown with it.
    static func record(_ decision: RoutingDecision, on lead: LeadModel) {
        lead.$owner.id = decision.ownerID
        lead.teamID = decision.teamID
        lead.routingMethod = decision.method.rawValue
        lead.routingReason = decision.explanation
    }

    /// Sets the qualification time, the due time for the lead's priority and the expiry, from the lead's team.
    public static func startClock(_ lead: LeadModel, at now: Date, on database: any Database) async throws {
        let agreement = try await agreement(teamID: lead.teamID, on: database)
        let priority = lead.priority.flatMap(LeadPriority.init(rawValue:))
        lead.qualifiedAt = now
        lead.slaDueAt = agreement.policy.dueTime(for: priority, qualifiedAt: now, on: agreement.calendar)
        lead.expiresAt = agreement.policy.expiry(qualifiedAt: now)
        lead.firstActionAt = nil
        lead.speedToLeadSeconds = nil
        lead.speedToLeadBusinessSeconds = nil
        lead.slaMet = nil
        lead.slaRemindedAt = nil
        lead.slaBreachedAt = nil
        lead.slaReassignedAt = nil
        try await SLAEscalation.schedule(lead, agreement: agreement, on: database)
    }

    /// Stops the SLA clock at the owner's first action and records speed to lead; later actions change nothing.
    public static func recordFirstAction(_ lead: LeadModel, at moment: Date, on database: any Database) async throws {
        guard lead.firstActionAt == nil else { return }
        lead.firstActionAt = moment
        guard let qualifiedAt = lead.qualifiedAt else { return }
        let agreement = try await agreement(teamID: lead.teamID, on: database)
        let speed = SpeedToLead(qualifiedAt: qualifiedAt, firstActionAt: moment, dueAt: lead.slaDueAt,
                                calendar: agreement.calendar)
        lead.speedToLeadSeconds = speed.wallSeconds
        lead.speedToLeadBusinessSeconds = speed.businessSeconds
        lead.slaMet = speed.metSLA
    }

    /// Stops the clock of waiting leads whose person got a sales call, email or meeting in `touches`
    /// (from the API or a batch), at the earliest such touch after the lead was qualified.
    public static func recordSalesActions(_ touches: [Touchpoint], on database: any Database) async throws {
        let actions = touches.filter { $0.side == .sales && SpeedToLead.actionKinds.contains($0.kind) }
        guard !actions.isEmpty else { return }
        let byPerson = Dictionary(grouping: actions, by: \.personID)
        let persons = Array(byPerson.keys)
        for start in stride(from: 0, to: persons.count, by: 1_000) {
            let chunk = Array(persons[start..<min(start + 1_000, persons.count)])
            let waiting = try await LeadModel.query(on: database).filter(\.$person.$id ~~ chunk)
                .filter(\.$stage == LeadStage.mql.rawValue).filter(\.$firstActionAt == nil).all()
            for lead in waiting {
                let first = byPerson[lead.$person.id, default: []]
                    .filter { SpeedToLead.stopsClock(side: $0.side, kind: $0.kind, at: $0.occurredAt,
                                                     qualifiedAt: lead.qualifiedAt) }
                    .map(\.occurredAt).min()
                guard let first else { continue }
                try await recordFirstAction(lead, at: first, on: database)
                try await lead.save(on: database)
            }
        }
    }

    /// Routes a waiting lead again (after rules or availability changed, or when it is unassigned): a new owner
    /// gets a fresh response time from now; speed to lead still counts from the original qualification.
    @discardableResult
    public static func reroute(_ lead: LeadModel, at now: Date, passingOver passedOver: UUID? = nil,
                               on database: any Database) async throws -> RoutingDecision {
        lead.$owner.id = nil
        let decision = try await route(lead, excluding: passedOver, on: database)
        record(decision, on: lead)
        if lead.firstActionAt == nil {
            // A fresh response time for the new owner, and fresh escalation steps with it.
            let agreement = try await agreement(teamID: lead.teamID, on: database)
            lead.slaDueAt = agreement.policy.dueTime(for: lead.priority.flatMap(LeadPriority.init(rawValue:)),
                                                     qualifiedAt: now, on: agreement.calendar)
            lead.slaRemindedAt = nil
            lead.slaBreachedAt = nil
            try await SLAEscalation.schedule(lead, agreement: agreement, from: now, on: database)
        }
        return decision
    }

    /// Who would get this lead now, without changing anything (the round-robin position is read, not advanced).
    public static func preview(_ lead: LeadModel, on database: any Database) async throws -> RoutingDecision {
        let (router, target) = try await inputs(for: lead, on: database)
        switch router.plan(target) {
        case let .decided(decision):
            return decision
        case let .team(teamID, rule, notes):
            var state = try await RoutingPositionModel.find(teamID, on: database)
                .flatMap { StoredJSON.decode(RoundRobinState.self, $0.credits) } ?? RoundRobinState()
            return router.assign(in: teamID, rule: rule, notes: notes, state: &state)
        }
    }

    static func route(_ lead: LeadModel, excluding passedOver: UUID? = nil, on database: any Database) async throws
        -> RoutingDecision {
        let (router, target) = try await inputs(for: lead, passedOver: passedOver, on: database)
        switch router.plan(target) {
        case let .decided(decision):
            return decision
        case let .team(teamID, rule, notes):
            var state = try await lockPosition(of: teamID, on: database)
            let decision = router.assign(in: teamID, rule: rule, notes: notes, state: &state)
            try await Catalog.sqlDatabase(database).update(RoutingPositionModel.schema)
                .set("credits", to: StoredJSON.text(state))
                .set(SQLIdentifier("assigned"), to: SQLRaw("assigned + \(decision.method == .roundRobin ? 1 : 0)"))
                .set("updated_at", to: Date())
                .where("team_id", .equal, teamID).run()
            return decision
        }
    }

    /// The team's round-robin position, created if missing and locked (`FOR UPDATE`) on PostgreSQL; SQLite's
    /// write transaction already holds the database's one write lock.
    static func lockPosition(of teamID: UUID, on database: any Database) async throws -> RoundRobinState {
        let sql = try Catalog.sqlDatabase(database)
        try await sql.insert(into: RoutingPositionModel.schema).columns("team_id", "credits", "assigned", "updated_at")
            .values(SQLBind(teamID), SQLBind("{\"credits\":{}}"), SQLBind(0), SQLBind(Date()))
            .ignoringConflicts(with: "team_id").run()
        let row = try await sql.select().column("credits").from(RoutingPositionModel.schema)
            .where("team_id", .equal, teamID).for(.update).first()
        let text = try row?.decode(column: "credits", as: String.self) ?? ""
        return StoredJSON.decode(RoundRobinState.self, text) ?? RoundRobinState()
    }

    /// Everything routing reads: rules, sales people with their open-lead counts, team names, the lead's account.
    static func inputs(for lead: LeadModel, passedOver: UUID? = nil, on database: any Database) async throws
        -> (Router, RoutingTarget) {
        let rules = try await RoutingRuleModel.query(on: database).filter(\.$isActive == true).all().map(\.rule)
        let users = try await UserModel.query(on: database)
            .filter(\.$role ~~ [UserRole.rep.rawValue, UserRole.salesManager.rawValue]).all()
        let load = try await openLeadCounts(on: database)
        let people = users.map { user in
            RoutingCandidate(id: user.id!, name: user.name, role: UserRole(rawValue: user.role) ?? .rep,
                             teamID: user.$team.id, isActive: user.isActive, isAway: user.isAway,
                             capacity: user.capacity, openLeads: load[user.id!] ?? 0, weight: user.routingWeight,
                             passedOver: user.id == passedOver)
        }
        let teams = try await TeamModel.query(on: database).all()
        let router = Router(rules: rules, people: people,
                            teamNames: Dictionary(uniqueKeysWithValues: teams.map { ($0.id!, $0.name) }))
        var target = RoutingTarget()
        if let accountID = lead.$account.id, let account = try await AccountModel.find(accountID, on: database) {
            target = RoutingTarget(accountName: account.name, accountOwnerID: account.$owner.id, country: account.country,
                                   industry: account.industry, employeeCount: account.employeeCount)
        }
        return (router, target)
    }

    /// Leads in `mql` or `sal` per owner, counted in the database.
    public static func openLeadCounts(on database: any Database) async throws -> [UUID: Int] {
        let rows = try await Catalog.sqlDatabase(database).select()
            .column("owner_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "open")
            .from(LeadModel.schema)
            .where("stage", .in, capacityStages.map(\.rawValue))
            .where("owner_id", .isNot, SQLLiteral.null)
            .groupBy("owner_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "owner_id", as: UUID.self)] = try row.decode(column: "open", as: Int.self)
        }
        return counts
    }
}

extension Optional {
    /// `flatMap` with an async transform (look up a record for an optional id).
    public func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// How much waits for one owner: leads waiting for a first action, of those overdue, and open (`mql`, `sal`).
public struct QueueCount: Sendable {
    public var waiting = 0
    public var overdue = 0
    public var open = 0

    public init() {}
}

extension LeadHandoff {
    /// Queue counts per owner, aggregated in the database.
    public static func queueCounts(owners: [UUID], now: Date, on database: any Database) async throws -> [UUID: QueueCount] {
        guard !owners.isEmpty else { return [:] }
        let sql = try Catalog.sqlDatabase(database)
        let waiting: SQLQueryString = "\(ident: "stage") = \(bind: LeadStage.mql.rawValue) AND \(ident: "first_action_at") IS NULL"
        let rows = try await sql.raw("""
            SELECT \(ident: "owner_id"),
              SUM(CASE WHEN \(waiting) THEN 1 ELSE 0 END) AS \(ident: "waiting"),
              SUM(CASE WHEN \(waiting) AND \(ident: "sla_due_at") < \(bind: now) THEN 1 ELSE 0 END) AS \(ident: "overdue"),
              COUNT(*) AS \(ident: "open")
            FROM \(ident: LeadModel.schema)
            WHERE \(ident: "stage") IN (\(binds: capacityStages.map(\.rawValue)))
              AND \(ident: "owner_id") IN (\(binds: owners))
            GROUP BY \(ident: "owner_id")
            """).all()
        var result: [UUID: QueueCount] = [:]
        for row in rows {
            var count = QueueCount()
            count.waiting = try row.decode(column: "waiting", as: Int?.self) ?? 0
            count.overdue = try row.decode(column: "overdue", as: Int?.self) ?? 0
            count.open = try row.decode(column: "open", as: Int.self)
            result[try row.decode(column: "owner_id", as: UUID.self)] = count
        }
        return result
    }
}
