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
