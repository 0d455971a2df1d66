import Foundation

/// Where a dispute of a rejection stands.
public enum DisputeState: String, Vocabulary {
    /// Marketing disputed the rejection; the rep's sales manager has not decided yet.
    case open
    /// The manager agreed with the rep: the lead stays rejected.
    case upheld
    /// The manager agreed with marketing: the lead is back in the rep's queue as an MQL.
    case overturned
}

/// A sales manager's answer to a dispute.
public enum DisputeDecision: String, Vocabulary {
    case uphold, overturn

    public var resultingState: DisputeState { self == .uphold ? .upheld : .overturned }
}

/// The facts the dispute rules look at.
public struct DisputeFacts: Sendable {
    public var leadStage: LeadStage
    /// Whether the lead already has an open dispute.
    public var hasOpenDispute: Bool
    /// How many disputes of this lead's current rejection were decided already.
    public var decidedForThisRejection: Int

    public init(leadStage: LeadStage, hasOpenDispute: Bool, decidedForThisRejection: Int) {
        self.leadStage = leadStage
        self.hasOpenDispute = hasOpenDispute
        self.decidedForThisRejection = decidedForThisRejection
    }
}

/// What marketing says when it disputes a rejection.
public struct DisputeInput: Sendable, Equatable {
    public var reason: String

    public static func read(_ json: JSONValue) throws(AccordError) -> DisputeInput {
        DisputeInput(reason: try ReasonInput.read(json, entity: "dispute").reason)
    }
}

/// A body that is only a reason (`{"reason": "…"}`, at least 3 characters): disputes, erasures.
public struct ReasonInput: Sendable, Equatable {
    public var reason: String

    public static func read(_ json: JSONValue, entity: String) throws(AccordError) -> ReasonInput {
        var reader = FieldReader(json)
        let reason = reader.notNull("reason", reader.string("reason", required: true, maxLength: 2_000)).value
        if let reason, reason.trimmingWhitespace().count < 3 { reader.problem("reason", "must say why, in at least 3 characters") }
        try reader.finish(entity: entity)
        return ReasonInput(reason: reason!.trimmingWhitespace())
    }
}

/// The manager's decision in a request: uphold or overturn, and always why.
public struct DisputeDecisionInput: Sendable, Equatable {
    public var decision: DisputeDecision
    public var reason: String

    public static func read(_ json: JSONValue) throws(AccordError) -> DisputeDecisionInput {
        var reader = FieldReader(json)
        let decision = reader.notNull("decision", reader.vocabulary("decision", DisputeDecision.self, required: true)).value
        let reason = reader.notNull("reason", reader.string("reason", required: true, maxLength: 2_000)).value
        if let reason, reason.trimmingWhitespace().count < 3 { reader.problem("reason", "must say why, in at least 3 characters") }
        try reader.finish(entity: "dispute decision")
        return DisputeDecisionInput(decision: decision!, reason: reason!.trimmingWhitespace())
    }
}

/// The rules of disputes: marketing may dispute a rejected lead once per rejection, one at a time; the rep's
/// sales manager decides before a due time in business hours; a decided dispute stays decided.
public enum DisputeRules {
    /// A rejection may be disputed this often (a second opinion, not a ping-pong).
    public static let disputesPerRejection = 1

    /// Why a dispute may not be opened, or nil when it may.
    public static func refusalToOpen(_ facts: DisputeFacts) -> AccordError? {
        guard facts.leadStage == .rejected else {
            return .invalidTransition(from: facts.leadStage.rawValue, to: LeadStage.mql.rawValue,
                                      reason: "only a rejected lead can be disputed")
        }
        if facts.hasOpenDispute { return .conflict("This lead's rejection is already disputed; wait for the decision.") }
        if facts.decidedForThisRejection >= disputesPerRejection {
            return .conflict("This rejection was disputed and decided already.")
        }
        return nil
    }

    /// The state after the decision, or why it cannot be taken.
    public static func decide(_ state: DisputeState, _ decision: DisputeDecision) throws(AccordError) -> DisputeState {
        guard state == .open else { throw AccordError.conflict("This dispute was \(state.rawValue) already.") }
        return decision.resultingState
    }

    /// When the manager must have decided: `responseMinutes` business minutes after the dispute was opened.
    public static func dueTime(openedAt: Date, responseMinutes: Int, calendar: BusinessCalendar) -> Date {
        calendar.add(TimeInterval(responseMinutes * 60), to: openedAt)
    }
}

/// The escalation of an undecided dispute: a reminder to the manager halfway, and at the due time the manager,
/// the marketer who disputed and the admins are told it is overdue. Each happens once, only while it is open.
public enum DisputeEscalationStep: String, Vocabulary {
    case remind, overdue

    public func uniqueKey(dispute: UUID) -> String { "dispute:\(dispute.uuidString.lowercased()):\(rawValue)" }

    /// When each step is due for a dispute opened at `openedAt` and due at `dueAt`.
    public static func schedule(openedAt: Date, dueAt: Date) -> [(step: DisputeEscalationStep, at: Date)] {
        [(.remind, openedAt.addingTimeInterval(dueAt.timeIntervalSince(openedAt) / 2)), (.overdue, dueAt)]
    }

    /// Whether the step should act: the dispute is still open, still due at the time the step was scheduled for,
    /// and the step has not acted yet.
    public func shouldAct(state: DisputeState, dueAt: Date, scheduledDueAt: Date, alreadyDone: Bool) -> Bool {
        state == .open && abs(dueAt.timeIntervalSince(scheduledDueAt)) < 1 && !alreadyDone
    }
}
