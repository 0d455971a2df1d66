import Foundation

/// What routing knows about the lead: its account's attributes and owner.
public struct RoutingTarget: Sendable, Hashable {
    public var accountName: String?
    public var accountOwnerID: UUID?
    public var country: String?
    public var industry: String?
    public var employeeCount: Int?

    public init(accountName: String? = nil, accountOwnerID: UUID? = nil, country: String? = nil,
                industry: String? = nil, employeeCount: Int? = nil) {
        self.accountName = accountName
        self.accountOwnerID = accountOwnerID
        self.country = country
        self.industry = industry
        self.employeeCount = employeeCount
    }
}

/// A person routing may give a lead to, with what decides whether they can take it now.
public struct RoutingCandidate: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var role: UserRole
    public var teamID: UUID?
    public var isActive: Bool
    public var isAway: Bool
    /// The most leads waiting for them or accepted (`mql`, `sal`) they take; nil for no limit.
    public var capacity: Int?
    public var openLeads: Int
    /// Their share of round robin in their team; 0 takes them out of it.
    public var weight: Int
    /// Set when a lead is reassigned away from them: they already had it and did not act in time.
    public var passedOver = false

    public init(id: UUID, name: String, role: UserRole, teamID: UUID?, isActive: Bool = true, isAway: Bool = false,
                capacity: Int? = nil, openLeads: Int = 0, weight: Int = 1, passedOver: Bool = false) {
        self.passedOver = passedOver
        self.id = id
        self.name = name
        self.role = role
        self.teamID = teamID
        self.isActive = isActive
        self.isAway = isAway
        self.capacity = capacity
        self.openLeads = openLeads
        self.weight = weight
    }

    var isSales: Bool { role == .rep || role == .salesManager }
    /// Capacity does not keep an account's owner from their own account's leads.
    var capacityNote: String? { isAtCapacity ? "is at capacity (\(openLeads) of \(capacity!) open leads)" : nil }
    var isAtCapacity: Bool { capacity.map { openLeads >= $0 } ?? false }

    /// Why they cannot take a lead now, or nil when they can.
    var unavailability: String? {
        if passedOver { return "did not act on it in time" }
        if !isActive { return "is deactivated" }
        if isAway { return "is away" }
        if let note = capacityNote { return note }
        return nil
    }
}

/// Where in its smooth weighted round robin a team is: a running credit per member (nginx's algorithm).
/// Kept in the database, so every instance continues the same rotation.
public struct RoundRobinState: Sendable, Hashable, Codable {
    public var credits: [UUID: Int]

    public init(credits: [UUID: Int] = [:]) {
        self.credits = credits
    }
}

/// How a lead found its owner.
public enum RoutingMethod: String, Sendable, Codable {
    case accountOwner = "account_owner"
    case roundRobin = "round_robin"
    case teamManager = "team_manager"
    /// Someone chose the owner by hand.
    case manual
    case unassigned
}

/// Routing's answer, with the explanation shown on the lead.
public struct RoutingDecision: Sendable, Equatable {
    public var ownerID: UUID?
    public var teamID: UUID?
    public var method: RoutingMethod
    public var ruleID: UUID?
    /// `routed to Ana Keller: owner of the account Globex`, preceded by anything skipped on the way.
    public var explanation: String

    public init(ownerID: UUID?, teamID: UUID?, method: RoutingMethod, ruleID: UUID?, explanation: String) {
        self.ownerID = ownerID
        self.teamID = teamID
        self.method = method
        self.ruleID = ruleID
        self.explanation = explanation
    }
}

/// The first half of routing: the account owner if they can take the lead, otherwise the team a territory rule names.
public enum RoutingPlan: Sendable, Equatable {
    case decided(RoutingDecision)
    /// Round robin inside `teamID` decides; `notes` say what was skipped.
    case team(UUID, rule: RoutingRule, notes: [String])
}

/// Decides who gets an MQL: the account owner first (if active and not away); then the first territory rule
/// that matches names a team; inside it, smooth weighted round robin over the reps who are available and
/// under capacity. If nobody in the team can take it, the team's sales manager does; if no rule matches,
/// the lead waits unassigned for a manager.
///
/// Routing is two steps so the store can lock only the chosen team's round-robin position between them.
public struct Router: Sendable {
    public var rules: [RoutingRule]
    public var people: [UUID: RoutingCandidate]
    public var teamNames: [UUID: String]
    /// Each team's reps in round robin, in a fixed order (ties go to the first), built once.
    private let rotation: [UUID: [RoutingCandidate]]

    public init(rules: [RoutingRule], people: [RoutingCandidate], teamNames: [UUID: String]) {
        self.rules = rules.sorted { ($0.position, $0.id) < ($1.position, $1.id) }
        self.people = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.teamNames = teamNames
        self.rotation = Dictionary(grouping: self.people.values.filter { $0.role == .rep && $0.weight > 0 && $0.teamID != nil },
                                   by: { $0.teamID! }).mapValues { $0.sorted { $0.id < $1.id } }
    }

    /// Step one: the account owner, or the team, or nobody.
    public func plan(_ target: RoutingTarget) -> RoutingPlan {
        var notes: [String] = []
        let account = target.accountName.map { "the account \($0)" } ?? "the account"
        if let ownerID = target.accountOwnerID {
            if let owner = people[ownerID], owner.isSales {
                if let reason = owner.unavailability, reason != owner.capacityNote {
                    notes.append("\(owner.name), owner of \(account), \(reason)")
                } else {
                    return .decided(RoutingDecision(ownerID: ownerID, teamID: owner.teamID, method: .accountOwner, ruleID: nil,
                                                    explanation: "routed to \(owner.name): owner of \(account)"))
                }
            } else {
                notes.append("the owner of \(account) is not in sales")
            }
        }
        guard let rule = rules.first(where: { $0.matches(target) }) else {
            notes.append("no territory rule matches (\(Self.describe(target)))")
            return .decided(RoutingDecision(ownerID: nil, teamID: nil, method: .unassigned, ruleID: nil,
                                            explanation: Self.sentence(notes + ["unassigned: waiting for a manager"])))
        }
        return .team(rule.teamID, rule: rule, notes: notes)
    }

    /// Step two: weighted round robin in the team, advancing `state`.
    public func assign(in teamID: UUID, rule: RoutingRule, notes: [String], state: inout RoundRobinState) -> RoutingDecision {
        let team = teamNames[teamID] ?? "the team"
        let territory = "territory rule \"\(rule.name)\" (\(rule.conditions)) → \(team)"
        let members = rotation[teamID] ?? []
        let eligible = members.filter { $0.unavailability == nil }
        if state.credits.keys.contains(where: { id in people[id]?.teamID != teamID }) {
            state.credits = state.credits.filter { id, _ in members.contains { $0.id == id } }  // forget people who left
        }
        if let chosen = Self.pick(eligible, state: &state) {
            let total = eligible.reduce(0) { $0 + $1.weight }
            return RoutingDecision(ownerID: chosen.id, teamID: teamID, method: .roundRobin, ruleID: rule.id,
                                   explanation: Self.sentence(notes + [
                                       "routed to \(chosen.name): \(territory), weighted round robin "
                                           + "(weight \(chosen.weight) of \(total))",
                                   ]))
        }
        var skipped = notes
        let unavailable = members.compactMap { member in member.unavailability.map { "\(member.name) \($0)" } }
        skipped.append(members.isEmpty ? "\(team) has no reps in round robin"
                                       : "nobody in \(team) can take it (\(unavailable.joined(separator: ", ")))")
        if let manager = people.values.filter({ $0.teamID == teamID && $0.role == .salesManager && $0.isActive })
            .min(by: { $0.id < $1.id }) {
            return RoutingDecision(ownerID: manager.id, teamID: teamID, method: .teamManager, ruleID: rule.id,
                                   explanation: Self.sentence(skipped + ["routed to \(manager.name): manager of \(team) "
                                       + "(\(territory))"]))
        }
        return RoutingDecision(ownerID: nil, teamID: teamID, method: .unassigned, ruleID: rule.id,
                               explanation: Self.sentence(skipped + ["unassigned in \(team): waiting for a manager"]))
    }

    /// Both steps, for callers that hold every team's state (tests, the demo).
    public func route(_ target: RoutingTarget, states: inout [UUID: RoundRobinState]) -> RoutingDecision {
        switch plan(target) {
        case let .decided(decision):
            return decision
        case let .team(teamID, rule, notes):
            var state = states[teamID] ?? RoundRobinState()
            defer { states[teamID] = state }
            return assign(in: teamID, rule: rule, notes: notes, state: &state)
        }
    }

    /// Smooth weighted round robin: every eligible member earns their weight, the richest is chosen and pays
    /// the total. Over any run each member's share differs from its weight share by less than one lead per cycle.
    static func pick(_ eligible: [RoutingCandidate], state: inout RoundRobinState) -> RoutingCandidate? {
        guard !eligible.isEmpty else { return nil }
        let total = eligible.reduce(0) { $0 + $1.weight }
        var best: RoutingCandidate?
        var bestCredit = Int.min
        for member in eligible {
            let credit = (state.credits[member.id] ?? 0) + member.weight
            state.credits[member.id] = credit
            if credit > bestCredit {
                best = member
                bestCredit = credit
            }
        }
        state.credits[best!.id, default: 0] -= total
        return best
    }

    static func describe(_ target: RoutingTarget) -> String {
        let parts = [target.country.map { "country \($0)" }, target.industry.map { "industry \($0)" },
                     target.employeeCount.map { "\($0) employees" }].compactMap { $0 }
        return parts.isEmpty ? "no account attributes" : parts.joined(separator: ", ")
    }

    static func sentence(_ parts: [String]) -> String {
        parts.joined(separator: "; ")
    }
}
