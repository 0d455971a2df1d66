import Foundation

/// The lifecycle fields of a lead: what the state machine reads and writes.
public struct LeadLifecycleState: Sendable, Hashable {
    public var stage: LeadStage
    public var stageChangedAt: Date
    /// Set when the lead was rejected; cleared when a rejection is overturned.
    public var rejectionReason: String?
    public var rejectionNote: String?
    /// Why the lead went back to nurture (`expired` or a disqualification reason).
    public var recycleReason: String?
    public var recycleNote: String?
    /// Why a lost opportunity was lost, when known.
    public var lossReason: String?
    /// The opportunity the lead became; required to win.
    public var opportunityID: UUID?

    public init(stage: LeadStage = .new, stageChangedAt: Date, rejectionReason: String? = nil,
                rejectionNote: String? = nil, recycleReason: String? = nil, recycleNote: String? = nil, lossReason: String? = nil,
                opportunityID: UUID? = nil) {
        self.stage = stage
        self.stageChangedAt = stageChangedAt
        self.rejectionReason = rejectionReason
        self.rejectionNote = rejectionNote
        self.recycleReason = recycleReason
        self.recycleNote = recycleNote
        self.lossReason = lossReason
        self.opportunityID = opportunityID
    }
}

/// The lead lifecycle: which moves are allowed from which stage and what each requires.
///
/// Every change of a lead's stage goes through `apply`, so the rules live in one place.
public struct LeadLifecycle: Sendable {
    /// The reason codes sales may give for a rejection or disqualification.
    public var reasonCodes: Set<String>
    /// Reason codes that need a free-text note as well.
    public var reasonCodesNeedingNote: Set<String>

    /// The default rejection reasons, from the feedback agreement (`FeedbackVocabulary.defaults`).
    public static let defaultReasonCodes: [String] = FeedbackVocabulary.defaults.offered(.rejection).map(\.code)

    public init(reasonCodes: Set<String> = Set(LeadLifecycle.defaultReasonCodes),
                reasonCodesNeedingNote: Set<String> = ["other"]) {
        self.reasonCodes = reasonCodes
        self.reasonCodesNeedingNote = reasonCodesNeedingNote
    }

    /// The reason recorded when a lead expires on its shelf life.
    public static let expiredReason = "expired"

    /// The stages a lead may move to from `stage`, whatever the move.
    public static func targets(from stage: LeadStage) -> Set<LeadStage> {
        Set(allMoveShapes.filter { $0.sources.contains(stage) }.map(\.target))
    }

    /// One move of each kind, for enumerating the rules (arguments do not affect sources or targets).
    public static let allMoveShapes: [LeadMove] = [
        .qualify, .accept, .reject(reason: "other", note: "x"), .overturnRejection(note: nil), .qualifyForSales,
        .convert(opportunityID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))), .win,
        .lose(reason: nil), .expire, .disqualify(reason: "no_need", note: nil),
    ]

    /// Applies a move at time `now`, or explains why it is not allowed.
    public func apply(_ move: LeadMove, to state: LeadLifecycleState, at now: Date) throws(AccordError)
        -> LeadLifecycleState {
        let from = state.stage
        guard move.sources.contains(from) else {
            throw AccordError.invalidTransition(from: from.rawValue, to: move.target.rawValue,
                                                reason: Self.refusal(of: move, from: from))
        }
        var next = state
        switch move {
        case let .reject(reason, note):
            try checkReason(reason, note: note, field: "reason")
            next.rejectionReason = reason
            next.rejectionNote = note.flatMap(Self.nonBlank)
        case .overturnRejection:
            next.rejectionReason = nil
            next.rejectionNote = nil
        case let .convert(opportunityID):
            next.opportunityID = opportunityID
        case .win:
            guard state.opportunityID != nil else {
                throw AccordError.invalidTransition(from: from.rawValue, to: LeadStage.won.rawValue,
                                                    reason: "a win needs a linked opportunity")
            }
        case let .lose(reason):
            next.lossReason = reason.flatMap(Self.nonBlank)
        case .expire:
            next.recycleReason = Self.expiredReason
        case let .disqualify(reason, note):
            try checkReason(reason, note: note, field: "reason")
            next.recycleReason = reason
            next.recycleNote = note.flatMap(Self.nonBlank)
        case .qualify, .accept, .qualifyForSales:
            break
        }
        next.stage = move.target
        next.stageChangedAt = now
        return next
    }

    private func checkReason(_ reason: String, note: String?, field: String) throws(AccordError) {
        var report = ValidationReport()
        if reason.isEmpty {
            report.add(field, "a reason code is required")
        } else if !reasonCodes.contains(reason) {
            report.add(field, "'\(reason)' is not one of: \(reasonCodes.sorted().joined(separator: ", "))")
        } else if reasonCodesNeedingNote.contains(reason), note.flatMap(Self.nonBlank) == nil {
            report.add("note", "is required when the reason is '\(reason)'")
        }
        try report.throwIfInvalid()
    }

    private static func nonBlank(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func refusal(of move: LeadMove, from: LeadStage) -> String {
        if from.isFinal { return "\(from.rawValue) is final for this lead" }
        let sources = move.sources.map(\.rawValue).sorted().joined(separator: " or ")
        let allowed = targets(from: from).map(\.rawValue).sorted().joined(separator: ", ")
        return "\(move.name) starts only from \(sources); from \(from.rawValue) a lead may move to \(allowed)"
    }
}
