import Foundation

/// What happens to a lead nobody acts on, step by step: a reminder to the owner at a share of the response
/// time, the owner and their manager told at the breach, the lead reassigned a while after it, and recycled
/// to nurture (reason `expired`) at the end of its shelf life.
public struct EscalationPolicy: Sendable, Hashable {
    /// Share of the response time after which the owner is reminded (0.5: halfway); nil: no reminder.
    public var remindAtShare: Double?
    /// Whether the owner's manager hears of a breach too.
    public var notifyManagerAtBreach: Bool
    /// Business minutes after the breach at which the lead is routed to someone else; nil: never.
    public var reassignAfterMinutes: Int?

    public static let standard = EscalationPolicy(remindAtShare: 0.5, notifyManagerAtBreach: true, reassignAfterMinutes: 240)

    public init(remindAtShare: Double?, notifyManagerAtBreach: Bool, reassignAfterMinutes: Int?) {
        self.remindAtShare = remindAtShare
        self.notifyManagerAtBreach = notifyManagerAtBreach
        self.reassignAfterMinutes = reassignAfterMinutes
    }
}

/// One escalation step of one lead.
public enum EscalationStep: String, Vocabulary {
    case remind, breach, reassign, expire

    /// The job's unique key: one live job per step and lead.
    public func uniqueKey(lead: UUID) -> String { "lead:\(lead.uuidString.lowercased()):\(rawValue)" }

    /// When each step is due for a lead qualified at `qualifiedAt`, due at `dueAt`, expiring at `expiresAt`.
    public static func schedule(qualifiedAt: Date, dueAt: Date, expiresAt: Date, responseTime: TimeInterval,
                                policy: EscalationPolicy, calendar: BusinessCalendar) -> [(step: EscalationStep, at: Date)] {
        var steps: [(EscalationStep, Date)] = []
        if let share = policy.remindAtShare, share > 0, share < 1 {
            steps.append((.remind, calendar.add(responseTime * share, to: qualifiedAt)))
        }
        steps.append((.breach, dueAt))
        if let minutes = policy.reassignAfterMinutes {
            steps.append((.reassign, calendar.add(TimeInterval(minutes * 60), to: dueAt)))
        }
        steps.append((.expire, expiresAt))
        return steps.filter { $0.1 <= expiresAt || $0.0 == .expire }
    }
}

/// What an escalation step needs to know about its lead when its job runs.
public struct EscalationLeadState: Sendable, Equatable {
    public var stage: LeadStage
    public var firstActionAt: Date?
    public var slaDueAt: Date?
    public var expiresAt: Date?
    public var remindedAt: Date?
    public var breachedAt: Date?
    public var reassignedAt: Date?

    public init(stage: LeadStage, firstActionAt: Date? = nil, slaDueAt: Date? = nil, expiresAt: Date? = nil,
                remindedAt: Date? = nil, breachedAt: Date? = nil, reassignedAt: Date? = nil) {
        self.stage = stage
        self.firstActionAt = firstActionAt
        self.slaDueAt = slaDueAt
        self.expiresAt = expiresAt
        self.remindedAt = remindedAt
        self.breachedAt = breachedAt
        self.reassignedAt = reassignedAt
    }
}

/// One thing an escalation step does.
public enum EscalationAction: Sendable, Equatable {
    /// Remind the owner.
    case remind
    /// Mark the breach and tell the owner (and their manager, when the policy says so).
    case breach(notifyManager: Bool)
    /// Route the lead to someone else.
    case reassign
    /// Recycle the lead to nurture with reason `expired`.
    case expire
}

extension EscalationStep {
    /// What the step's job does when it runs at `now`, in order; empty when there is nothing to do because the
    /// lead was acted on or closed, its due time moved since the job was scheduled (`scheduledFor`), or the step
    /// was already taken. After downtime a late reminder is skipped (the breach says it), and a reassignment
    /// that runs before its breach breaches first, so the owner always hears of the breach before losing the lead.
    public func actions(scheduledFor: Date, lead: EscalationLeadState, now: Date,
                        policy: EscalationPolicy) -> [EscalationAction] {
        guard LeadUrgency.isWaiting(stage: lead.stage, firstActionAt: lead.firstActionAt),
              let current = self == .expire ? lead.expiresAt : lead.slaDueAt,
              abs(current.timeIntervalSince(scheduledFor)) < 1 else { return [] }
        switch self {
        case .remind:
            return lead.remindedAt == nil && now < current ? [.remind] : []
        case .breach:
            return lead.breachedAt == nil ? [.breach(notifyManager: policy.notifyManagerAtBreach)] : []
        case .reassign:
            guard lead.reassignedAt == nil else { return [] }
            return (lead.breachedAt == nil ? [.breach(notifyManager: policy.notifyManagerAtBreach)] : []) + [.reassign]
        case .expire:
            return [.expire]
        }
    }
}
