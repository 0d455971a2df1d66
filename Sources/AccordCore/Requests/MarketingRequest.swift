import Foundation

/// What sales asks marketing for.
public enum RequestKind: String, Vocabulary {
    case event, campaign, collateral
    case targetList = "target_list"
    case other
}

/// Where a request stands.
public enum RequestState: String, Vocabulary {
    /// Waiting for marketing's answer; the response clock runs.
    case submitted
    /// Marketing asked the requester for information; the response clock is paused.
    case needsInfo = "needs_info"
    /// Marketing took it on, with an owner and a delivery date.
    case accepted
    /// Marketing said no, with a reason (and perhaps an alternative).
    case declined
    /// The requester appealed the decline to both managers.
    case appealed
    /// Marketing delivered what was asked.
    case delivered
    /// The requester withdrew it.
    case withdrawn

    /// No move leaves these.
    public var isFinal: Bool { self == .delivered || self == .withdrawn }
    /// Marketing owes an answer (the response clock counts, unless paused).
    public var awaitsMarketing: Bool { self == .submitted }
}

/// A move on a request, by its name in the API (`{"move": "decline", …}`).
public enum RequestMoveName: String, Vocabulary {
    case accept, decline
    case askInfo = "ask_info"
    case provideInfo = "provide_info"
    case appeal
    case decideAppeal = "decide_appeal"
    case deliver, withdraw

    /// Who makes it: marketing answers and delivers; the requester informs, appeals and withdraws; managers decide
    /// appeals.
    public var side: RequestSide {
        switch self {
        case .accept, .decline, .askInfo, .deliver: .marketing
        case .provideInfo, .appeal, .withdraw: .requester
        case .decideAppeal: .manager
        }
    }
}

public enum RequestSide: Sendable { case marketing, requester, manager }

/// A manager's answer to an appeal.
public enum AppealDecision: String, Vocabulary {
    /// The decline stands.
    case uphold
    /// Marketing must answer again, with a new response time.
    case overturn
}

/// A new request, as sales writes it.
public struct RequestInput: Sendable, Equatable {
    public var kind: RequestKind
    public var title: String
    /// What is asked and why.
    public var details: String
    public var expectedPipeline: Money?
    public var accountIDs: [UUID]
    /// The day it is wanted by (the start of that day in UTC).
    public var wantedBy: Date

    public init(kind: RequestKind, title: String, details: String, expectedPipeline: Money?, accountIDs: [UUID],
                wantedBy: Date) {
        self.kind = kind
        self.title = title
        self.details = details
        self.expectedPipeline = expectedPipeline
        self.accountIDs = accountIDs
        self.wantedBy = wantedBy
    }

    /// Reads and checks the body; `today` is the start of the current UTC day (a wanted-by day before it is refused).
    public static func read(_ json: JSONValue, today: Date) throws(AccordError) -> RequestInput {
        var reader = FieldReader(json)
        let kind = reader.notNull("kind", reader.vocabulary("kind", RequestKind.self, required: true)).value
        let title = reader.notNull("title", reader.string("title", required: true, maxLength: 200)).value
        let details = reader.notNull("details", reader.string("details", required: true, maxLength: 5_000)).value
        if let title, title.trimmingWhitespace().count < 3 { reader.problem("title", "must say what is asked, in at least 3 characters") }
        if let details, details.trimmingWhitespace().count < 10 {
            reader.problem("details", "must say what is needed and why, in at least 10 characters")
        }
        let pipeline = reader.money("expectedPipeline").value
        let wantedBy = reader.notNull("wantedBy", reader.date("wantedBy", required: true)).value
        if let wantedBy, wantedBy < today { reader.problem("wantedBy", "is in the past; give today or a later day") }
        var accounts: [UUID] = []
        switch reader.raw("accountIds") {
        case nil, .null?: break
        case let .array(items)?:
            if items.count > 100 { reader.problem("accountIds", "may name at most 100 accounts") }
            for (index, item) in items.enumerated() {
                if case let .string(text) = item, let id = UUID(uuidString: text) {
                    if !accounts.contains(id) { accounts.append(id) }
                } else {
                    reader.problem("accountIds[\(index)]", "must be a UUID")
                }
            }
        case let value?: reader.problem("accountIds", "must be an array of account ids, not \(value.typeName)")
        }
        try reader.finish(entity: "request")
        return RequestInput(kind: kind!, title: title!.trimmingWhitespace(), details: details!.trimmingWhitespace(),
                            expectedPipeline: pipeline, accountIDs: accounts, wantedBy: wantedBy!)
    }
}

/// A move with what it carries.
public enum RequestMove: Sendable, Equatable {
    case accept(ownerID: UUID, deliveryDate: Date, note: String?)
    case decline(reason: String, alternative: String?)
    case askInfo(question: String)
    case provideInfo(answer: String)
    case appeal(reason: String)
    case decideAppeal(AppealDecision, reason: String)
    case deliver(note: String?)
    case withdraw(reason: String?)

    public var name: RequestMoveName {
        switch self {
        case .accept: .accept
        case .decline: .decline
        case .askInfo: .askInfo
        case .provideInfo: .provideInfo
        case .appeal: .appeal
        case .decideAppeal: .decideAppeal
        case .deliver: .deliver
        case .withdraw: .withdraw
        }
    }

    /// The text the audit trail keeps as the move's reason.
    public var reason: String? {
        switch self {
        case let .accept(_, _, note): note
        case let .decline(reason, alternative): alternative.map { "\(reason) Alternative: \($0)" } ?? reason
        case let .askInfo(question): question
        case let .provideInfo(answer): answer
        case let .appeal(reason): reason
        case let .decideAppeal(_, reason): reason
        case let .deliver(note): note
        case let .withdraw(reason): reason
        }
    }

    /// Reads `{"move": "decline", "reason": "…", …}`; a date before `today` is refused.
    public static func read(_ json: JSONValue, today: Date) throws(AccordError) -> RequestMove {
        var reader = FieldReader(json)
        guard let name = reader.notNull("move", reader.vocabulary("move", RequestMoveName.self, required: true)).value else {
            // Without a move the other fields cannot be judged: only the move is named.
            throw AccordError.validation(reader.report.problems)
        }
        func text(_ key: String, required: Bool, what: String) -> String? {
            let value = reader.string(key, required: required, maxLength: 2_000)
            let text = required ? reader.notNull(key, value).value : value.value
            if let text, text.trimmingWhitespace().count < 3 { reader.problem(key, "must say \(what), in at least 3 characters") }
            return text?.trimmingWhitespace()
        }
        let move: RequestMove?
        switch name {
        case .accept:
            let owner = reader.notNull("ownerId", reader.id("ownerId", required: true)).value
            let delivery = reader.notNull("deliveryDate", reader.date("deliveryDate", required: true)).value
            if let delivery, delivery < today { reader.problem("deliveryDate", "is in the past; give today or a later day") }
            let note = text("note", required: false, what: "something")
            move = owner.flatMap { owner in delivery.map { .accept(ownerID: owner, deliveryDate: $0, note: note) } }
        case .decline:
            let reason = text("reason", required: true, what: "why it is declined")
            let alternative = text("alternative", required: false, what: "what could be done instead")
            move = reason.map { .decline(reason: $0, alternative: alternative) }
        case .askInfo:
            move = text("question", required: true, what: "what is missing").map { .askInfo(question: $0) }
        case .provideInfo:
            move = text("answer", required: true, what: "the missing information").map { .provideInfo(answer: $0) }
        case .appeal:
            move = text("reason", required: true, what: "why the decline should be reconsidered").map { .appeal(reason: $0) }
        case .decideAppeal:
            let decision = reader.notNull("decision", reader.vocabulary("decision", AppealDecision.self, required: true)).value
            let reason = text("reason", required: true, what: "why")
            move = decision.flatMap { decision in reason.map { .decideAppeal(decision, reason: $0) } }
        case .deliver:
            move = .deliver(note: text("note", required: false, what: "something"))
        case .withdraw:
            move = .withdraw(reason: text("reason", required: false, what: "why"))
        }
        try reader.finish(entity: "\(name.rawValue) move")
        return move!
    }
}

/// The state of a request that its rules look at and change.
public struct RequestStatus: Sendable, Equatable {
    public var state: RequestState
    /// When marketing must answer by (meaningful while submitted).
    public var respondBy: Date
    /// Business seconds left on the response clock while it is paused for information.
    public var pausedRemaining: TimeInterval?
    /// When marketing first answered (accepted or declined): the end of the response time.
    public var decidedAt: Date?
    /// Whether the decline was appealed already (once per request).
    public var appealed: Bool

    public init(state: RequestState, respondBy: Date, pausedRemaining: TimeInterval? = nil, decidedAt: Date? = nil,
                appealed: Bool = false) {
        self.state = state
        self.respondBy = respondBy
        self.pausedRemaining = pausedRemaining
        self.decidedAt = decidedAt
        self.appealed = appealed
    }
}

/// The rules of requests: marketing answers within the response time in business hours (accept with an owner and
/// a delivery date, decline with a reason, or ask for information, which pauses the clock until the requester
/// answers); a decline may be appealed once, and a manager upholds it or sends it back to marketing with a fresh
/// response time; accepted work is delivered; the requester may withdraw until then.
public enum RequestRules {
    /// The default response time: two business days of eight hours.
    public static let defaultResponseSeconds: TimeInterval = 2 * 8 * 3_600

    public static func respondBy(submittedAt: Date, responseSeconds: TimeInterval, calendar: BusinessCalendar) -> Date {
        calendar.add(responseSeconds, to: submittedAt)
    }

    /// The status after the move, or why it cannot be made now.
    public static func apply(_ move: RequestMove, to status: RequestStatus, at now: Date, responseSeconds: TimeInterval,
                             calendar: BusinessCalendar) throws(AccordError) -> RequestStatus {
        var next = status
        func refuse(_ reason: String) -> AccordError {
            .invalidTransition(from: status.state.rawValue, to: move.name.rawValue, reason: reason)
        }
        switch (status.state, move) {
        case (.submitted, .accept):
            next.state = .accepted
            next.decidedAt = now
        case (.submitted, .decline):
            next.state = .declined
            next.decidedAt = now
        case (.submitted, .askInfo):
            next.state = .needsInfo
            next.pausedRemaining = max(0, calendar.businessTime(from: now, to: status.respondBy))
        case (.needsInfo, .provideInfo):
            next.state = .submitted
            next.respondBy = calendar.add(status.pausedRemaining ?? responseSeconds, to: now)
            next.pausedRemaining = nil
        case (.declined, .appeal):
            guard !status.appealed else { throw refuse("a decline can be appealed once, and this one was") }
            next.state = .appealed
            next.appealed = true
        case (.appealed, .decideAppeal(.uphold, _)):
            next.state = .declined
        case (.appealed, .decideAppeal(.overturn, _)):
            next.state = .submitted
            next.decidedAt = nil
            next.respondBy = calendar.add(responseSeconds, to: now)
        case (.accepted, .deliver):
            next.state = .delivered
        case (.submitted, .withdraw), (.needsInfo, .withdraw), (.accepted, .withdraw), (.declined, .withdraw),
             (.appealed, .withdraw):
            next.state = .withdrawn
            next.pausedRemaining = nil
        case (.needsInfo, .accept), (.needsInfo, .decline), (.needsInfo, .askInfo):
            throw refuse("the request waits for the requester's information first")
        case (_, .provideInfo):
            throw refuse("nobody asked for information")
        case (_, .appeal):
            throw refuse("only a declined request can be appealed")
        case (_, .decideAppeal):
            throw refuse("there is no appeal to decide")
        case (_, .deliver):
            throw refuse("only accepted work can be delivered")
        default:
            throw refuse(status.state.isFinal ? "the request is \(status.state.rawValue)" : "marketing answered already")
        }
        return next
    }

    /// Whether marketing's answer is overdue at `now` (submitted, clock running, past the response time).
    public static func isOverdue(_ status: RequestStatus, at now: Date) -> Bool {
        status.state.awaitsMarketing && now >= status.respondBy
    }
}

/// The escalation of an unanswered request: a reminder to marketing halfway through the response time (in business
/// time), and at the
/// response time the marketing managers are told it is overdue. A step acts once, only if the request still waits
/// for the same response time (answering, pausing or a new response time makes a scheduled step moot).
public enum RequestEscalationStep: String, Vocabulary {
    case remind, overdue

    public func uniqueKey(request: UUID, respondBy: Date) -> String {
        "request:\(request.uuidString.lowercased()):\(rawValue):\(Int64(respondBy.timeIntervalSince1970 * 1_000))"
    }

    public static func schedule(from start: Date, respondBy: Date, calendar: BusinessCalendar)
        -> [(step: RequestEscalationStep, at: Date)] {
        let half = max(0, calendar.businessTime(from: start, to: respondBy)) / 2
        return [(.remind, min(calendar.add(half, to: start), respondBy)), (.overdue, respondBy)]
    }

    public func shouldAct(_ status: RequestStatus, scheduledRespondBy: Date, alreadyDone: Bool) -> Bool {
        status.state.awaitsMarketing && abs(status.respondBy.timeIntervalSince(scheduledRespondBy)) < 1 && !alreadyDone
    }
}

/// Nearest-rank percentiles, the same on every database: the smallest value with at least p % of values at or below.
public enum NearestRank {
    public static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}

/// Median and 90th percentile of decision times, and how many there were.
public struct Turnaround: Sendable, Equatable, Codable {
    public var count: Int
    public var medianHours: Double?
    public var p90Hours: Double?
    /// Decisions that took the silence path (approve on silence); zero for requests.
    public var silent: Int

    public init(seconds: [Double], silent: Int = 0) {
        count = seconds.count
        medianHours = NearestRank.percentile(50, of: seconds).map { ($0 / 3_600 * 100).rounded() / 100 }
        p90Hours = NearestRank.percentile(90, of: seconds).map { ($0 / 3_600 * 100).rounded() / 100 }
        self.silent = silent
    }
}
