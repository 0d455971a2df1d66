import Foundation

/// What a feedback code is for: why sales rejected or disqualified a lead, or an objection heard from the prospect.
public enum FeedbackKind: String, Vocabulary {
    case rejection, objection
}

/// One entry of a configurable feedback list: a stable code (what reports group by), a label for people,
/// and whether it needs a free-text note (`other`). Retired codes stay valid on old leads but are not offered.
public struct FeedbackCode: Sendable, Hashable {
    public var kind: FeedbackKind
    public var code: String
    public var label: String
    public var needsNote: Bool
    public var isActive: Bool

    public init(kind: FeedbackKind, code: String, label: String, needsNote: Bool = false, isActive: Bool = true) {
        self.kind = kind
        self.code = code
        self.label = label
        self.needsNote = needsNote
        self.isActive = isActive
    }
}

/// The rejection reasons and objection codes in force, with the feedback agreement's defaults.
public struct FeedbackVocabulary: Sendable, Hashable {
    public var codes: [FeedbackCode]

    public init(codes: [FeedbackCode]) {
        self.codes = codes
    }

    /// The lists a new installation starts with: the rejection reasons of the feedback agreement (`other` needs
    /// text) and the objections sales hears most.
    public static let defaults = FeedbackVocabulary(codes: [
        FeedbackCode(kind: .rejection, code: "not_target_profile", label: "Not our target profile"),
        FeedbackCode(kind: .rejection, code: "no_budget", label: "No budget"),
        FeedbackCode(kind: .rejection, code: "no_authority", label: "No authority to buy"),
        FeedbackCode(kind: .rejection, code: "no_need", label: "No need"),
        FeedbackCode(kind: .rejection, code: "bad_timing", label: "Bad timing"),
        FeedbackCode(kind: .rejection, code: "duplicate", label: "Duplicate of another lead"),
        FeedbackCode(kind: .rejection, code: "contact_data_wrong", label: "Contact data wrong"),
        FeedbackCode(kind: .rejection, code: "competitor", label: "A competitor"),
        FeedbackCode(kind: .rejection, code: "student_or_job_seeker", label: "Student or job seeker"),
        FeedbackCode(kind: .rejection, code: "spam", label: "Spam"),
        FeedbackCode(kind: .rejection, code: "other", label: "Other (say why)", needsNote: true),
        FeedbackCode(kind: .objection, code: "price_too_high", label: "Price too high"),
        FeedbackCode(kind: .objection, code: "has_a_solution", label: "Already has a solution"),
        FeedbackCode(kind: .objection, code: "no_time_now", label: "No time right now"),
        FeedbackCode(kind: .objection, code: "needs_approval", label: "Needs someone else's approval"),
        FeedbackCode(kind: .objection, code: "missing_feature", label: "Missing a feature"),
        FeedbackCode(kind: .objection, code: "contract_lock_in", label: "Locked into a contract"),
        FeedbackCode(kind: .objection, code: "security_or_compliance", label: "Security or compliance concerns"),
        FeedbackCode(kind: .objection, code: "other", label: "Other (say what)", needsNote: true),
    ])

    /// The codes of one kind that may be chosen now, in list order.
    public func offered(_ kind: FeedbackKind) -> [FeedbackCode] {
        codes.filter { $0.kind == kind && $0.isActive }
    }

    /// The label of a code, or the code itself when it is not (or no longer) in the list.
    public func label(_ kind: FeedbackKind, _ code: String) -> String {
        codes.first { $0.kind == kind && $0.code == code }?.label ?? code
    }

    /// The lifecycle with these rejection reasons (also used for disqualification).
    public var lifecycle: LeadLifecycle {
        let rejection = offered(.rejection)
        return LeadLifecycle(reasonCodes: Set(rejection.map(\.code)),
                             reasonCodesNeedingNote: Set(rejection.filter(\.needsNote).map(\.code)))
    }

    /// Checks an objection heard on a lead into `report`: an offered code, and a note when the code needs one.
    func check(objection code: String, note: String?, into report: inout ValidationReport) {
        let offered = offered(.objection)
        if let known = offered.first(where: { $0.code == code }) {
            if known.needsNote && note == nil { report.add("note", "is required when the objection is '\(code)'") }
        } else {
            report.add("code", "'\(code)' is not one of: \(offered.map(\.code).joined(separator: ", "))")
        }
    }
}

/// An objection heard from the prospect, recorded on a lead at any stage.
public struct Objection: Sendable, Hashable {
    public var code: String
    public var note: String?

    public init(code: String, note: String?) {
        self.code = code
        self.note = note
    }

    /// Reads `{"code", "note"?}`, checked against the objection codes offered now.
    public static func read(_ json: JSONValue, vocabulary: FeedbackVocabulary) throws(AccordError) -> Objection {
        var reader = FieldReader(json)
        let code = reader.notNull("code", reader.string("code", required: true, maxLength: 40)).value
        let note = reader.string("note", maxLength: 2_000).value?.trimmingWhitespace()
        let text = (note?.isEmpty ?? true) ? nil : note
        reader.rejectUnknownFields(entity: "objection")
        var report = reader.report
        if let code { vocabulary.check(objection: code, note: text, into: &report) }
        try report.throwIfInvalid()
        return Objection(code: code!, note: text)
    }
}

/// The fields of a feedback code in a request (`/api/v1/feedback-codes`).
public struct FeedbackCodeInput: Sendable {
    public var kind: FieldValue<FeedbackKind>
    public var code: FieldValue<String>
    public var label: FieldValue<String>
    public var needsNote: FieldValue<Bool>
    public var isActive: FieldValue<Bool>
    public var position: FieldValue<Int64>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> FeedbackCodeInput {
        var reader = FieldReader(json)
        // The kind and code are what old leads and reports refer to: set once, never changed.
        let kind = mode.creating ? reader.notNull("kind", reader.vocabulary("kind", FeedbackKind.self, required: true)) : .absent
        var code = mode.creating ? reader.notNull("code", reader.string("code", required: true, maxLength: 40)) : .absent
        if let text = code.value, text.range(of: "^[a-z][a-z0-9_]{1,39}$", options: .regularExpression) == nil {
            reader.problem("code", "must be 2 to 40 lower-case letters, digits or underscores, starting with a letter")
            code = .absent
        }
        let input = FeedbackCodeInput(
            kind: kind, code: code,
            label: reader.notNull("label", reader.string("label", required: mode.creating, maxLength: 120)),
            needsNote: reader.notNull("needsNote", reader.bool("needsNote")),
            isActive: reader.notNull("isActive", reader.bool("isActive")),
            position: reader.notNull("position", reader.integer("position", in: 0...10_000)))
        try reader.finish(entity: "feedback code")
        return input
    }
}
