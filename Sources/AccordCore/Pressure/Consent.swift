import Foundation

/// What happens to a consent request its account owner leaves unanswered past the due time.
public enum ConsentNoAnswer: String, Vocabulary {
    /// Silence protects the customer: the campaign stays out of the account.
    case deny
    /// Silence lets the campaign in (recorded as granted on silence, never as a real grant).
    case grant
}

/// How consent requests run: how long an owner has to answer, how long a grant lasts, what silence means.
public struct ConsentPolicy: Sendable, Equatable, Codable {
    public var dueHours: Double
    public var validDays: Int
    public var onNoAnswer: ConsentNoAnswer

    public init(dueHours: Double, validDays: Int, onNoAnswer: ConsentNoAnswer) {
        self.dueHours = dueHours
        self.validDays = validDays
        self.onNoAnswer = onNoAnswer
    }

    /// Two days to answer, a grant lasts 30 days, silence denies.
    public static let standard = ConsentPolicy(dueHours: 48, validDays: 30, onNoAnswer: .deny)

    public var json: JSONValue {
        .object(["dueHours": .number(dueHours), "validDays": .integer(Int64(validDays)),
                 "onNoAnswer": .string(onNoAnswer.rawValue)])
    }

    static func read(_ value: JSONValue, into reader: inout FieldReader) -> ConsentPolicy? {
        var nested = FieldReader(value, prefix: "consent")
        let due = nested.notNull("dueHours", nested.number("dueHours", in: 1...720)).value
        let valid = nested.notNull("validDays", nested.integer("validDays", in: 1...365)).value
        let silence = nested.notNull("onNoAnswer", nested.vocabulary("onNoAnswer", ConsentNoAnswer.self)).value
        nested.rejectUnknownFields(entity: "consent policy")
        reader.absorb(nested)
        guard nested.report.problems.isEmpty else { return nil }
        return ConsentPolicy(dueHours: due ?? standard.dueHours, validDays: valid.map(Int.init) ?? standard.validDays,
                             onNoAnswer: silence ?? standard.onNoAnswer)
    }
}

/// Where a consent request stands. Stored: pending, granted, denied. `expired` is a grant past its validity.
public enum ConsentState: String, Vocabulary {
    case pending, granted, denied, expired
}

/// The owner's answer.
public enum ConsentDecision: String, Vocabulary {
    case grant, deny
}

/// A consent request as the rules see it.
public struct ConsentStatus: Sendable, Equatable {
    public var state: ConsentState
    public var dueAt: Date
    public var answeredAt: Date?
    /// Until when a grant holds.
    public var validUntil: Date?
    /// Whether the answer came from the no-answer policy rather than the owner.
    public var onSilence: Bool

    public init(state: ConsentState, dueAt: Date, answeredAt: Date? = nil, validUntil: Date? = nil, onSilence: Bool = false) {
        self.state = state
        self.dueAt = dueAt
        self.answeredAt = answeredAt
        self.validUntil = validUntil
        self.onSilence = onSilence
    }
}

/// Account protection and its consent requests. An account with an open opportunity, or flagged key by its owner,
/// is protected: marketing reaches its people only with the owner's consent for that campaign, asked with a due time
/// and answered with a reason. A grant lasts `validDays`; silence past the due time follows `onNoAnswer`.
public enum ConsentRules {
    public static func isProtected(key: Bool, openOpportunities: Int) -> Bool { key || openOpportunities > 0 }

    /// A new request's status.
    public static func open(at now: Date, policy: ConsentPolicy) -> ConsentStatus {
        ConsentStatus(state: .pending, dueAt: now.addingTimeInterval(policy.dueHours * 3_600))
    }

    /// The status as of `now`: silence past the due time answered by the policy, a grant past its validity expired.
    /// The check uses this, so the outcome holds before the due-time job has run.
    public static func effective(_ status: ConsentStatus, policy: ConsentPolicy, at now: Date) -> ConsentStatus {
        var status = status
        if status.state == .pending, now >= status.dueAt { status = silence(status, policy: policy) }
        if status.state == .granted, let until = status.validUntil, now >= until { status.state = .expired }
        return status
    }

    /// The policy's answer to a request left unanswered at its due time.
    public static func silence(_ status: ConsentStatus, policy: ConsentPolicy) -> ConsentStatus {
        guard status.state == .pending else { return status }
        var status = status
        status.answeredAt = status.dueAt
        status.onSilence = true
        switch policy.onNoAnswer {
        case .grant:
            status.state = .granted
            status.validUntil = status.dueAt.addingTimeInterval(Double(policy.validDays) * 86_400)
        case .deny:
            status.state = .denied
        }
        return status
    }

    /// The owner's answer: only while pending and before the due time, always with a reason.
    public static func answer(_ status: ConsentStatus, _ decision: ConsentDecision, reason: String?, policy: ConsentPolicy,
                              at now: Date) throws(AccordError) -> ConsentStatus {
        let current = effective(status, policy: policy, at: now)
        guard current.state == .pending else {
            let why = status.state == .pending ? "its due time passed (\(ISOTimestamp.format(status.dueAt)))"
                : "it was already answered (\(status.state.rawValue))"
            throw AccordError.invalidTransition(from: current.state.rawValue, to: decision == .grant ? "granted" : "denied",
                                                reason: "This consent request can no longer be answered: \(why).")
        }
        guard let reason, !reason.trimmingWhitespace().isEmpty else {
            throw AccordError.validation([FieldError(field: "reason", problem: "is required: say why")])
        }
        var next = status
        next.answeredAt = now
        next.onSilence = false
        switch decision {
        case .grant:
            next.state = .granted
            next.validUntil = now.addingTimeInterval(Double(policy.validDays) * 86_400)
        case .deny:
            next.state = .denied
        }
        return next
    }

    /// Whether a campaign may reach a protected account under this (effective) status.
    public static func allows(_ status: ConsentStatus?) -> Bool { status?.state == .granted }

    /// Whether a check should ask again: never asked, or a grant that expired. A denial stands for the campaign.
    public static func needsRequest(_ status: ConsentStatus?) -> Bool {
        guard let status else { return true }
        return status.state == .expired
    }
}
