import AccordCore
import FluentKit
import Foundation

/// One entry of a configurable feedback list (rejection reasons, objection codes).
public final class FeedbackCodeModel: Model, @unchecked Sendable {
    public static let schema = "feedback_codes"

    @ID(key: .id) public var id: UUID?
    /// `rejection` or `objection`; with `code`, unique and never changed.
    @Field(key: "kind") public var kind: String
    @Field(key: "code") public var code: String
    @Field(key: "label") public var label: String
    @Field(key: "needs_note") public var needsNote: Bool
    @Field(key: "is_active") public var isActive: Bool
    /// Order in pick lists.
    @Field(key: "position") public var position: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, code: FeedbackCode, position: Int) {
        self.id = id ?? TimeOrderedID.make()
        self.kind = code.kind.rawValue
        self.code = code.code
        self.label = code.label
        self.needsNote = code.needsNote
        self.isActive = code.isActive
        self.position = position
    }

    public var feedbackCode: FeedbackCode {
        FeedbackCode(kind: FeedbackKind(rawValue: kind) ?? .rejection, code: code, label: label, needsNote: needsNote,
                     isActive: isActive)
    }

    /// The lists in force, in order; the defaults when the table is empty (a database from before the lists).
    public static func vocabulary(on database: any Database) async throws -> FeedbackVocabulary {
        let rows = try await query(on: database).sort(\.$kind).sort(\.$position).sort(\.$code).all()
        return rows.isEmpty ? .defaults : FeedbackVocabulary(codes: rows.map(\.feedbackCode))
    }
}

/// An objection heard from the prospect on a lead.
public final class LeadObjectionModel: Model, @unchecked Sendable {
    public static let schema = "lead_objections"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "lead_id") public var lead: LeadModel
    @Field(key: "code") public var code: String
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "recorded_by_id") public var recordedByID: UUID?
    @Field(key: "recorded_by_label") public var recordedByLabel: String
    @Field(key: "recorded_at") public var recordedAt: Date

    public init() {}

    public init(id: UUID? = nil, leadID: UUID, objection: Objection, by actorID: UUID?, label: String, at: Date) {
        self.id = id ?? TimeOrderedID.make()
        self.$lead.id = leadID
        self.code = objection.code
        self.note = objection.note
        self.recordedByID = actorID
        self.recordedByLabel = label
        self.recordedAt = at
    }
}

/// Marketing's dispute of a rejection, decided by the rep's sales manager before `dueAt`.
public final class DisputeModel: Model, @unchecked Sendable {
    public static let schema = "disputes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "lead_id") public var lead: LeadModel
    /// The rejection disputed: its reason code and the rep who rejected.
    @Field(key: "rejection_reason") public var rejectionReason: String
    @OptionalField(key: "rep_id") public var repID: UUID?
    /// Who decides: the rep's manager when the dispute was opened (admins may decide too).
    @OptionalField(key: "manager_id") public var managerID: UUID?
    @OptionalField(key: "opened_by_id") public var openedByID: UUID?
    @Field(key: "opened_by_label") public var openedByLabel: String
    @Field(key: "reason") public var reason: String
    @Field(key: "opened_at") public var openedAt: Date
    @Field(key: "due_at") public var dueAt: Date
    /// `open`, `upheld` or `overturned` (Core's `DisputeState`).
    @Field(key: "state") public var state: String
    @OptionalField(key: "decision_reason") public var decisionReason: String?
    @OptionalField(key: "decided_by_id") public var decidedByID: UUID?
    @OptionalField(key: "decided_by_label") public var decidedByLabel: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "reminded_at") public var remindedAt: Date?
    @OptionalField(key: "overdue_at") public var overdueAt: Date?

    public init() {}

    public init(id: UUID? = nil, leadID: UUID, rejectionReason: String, repID: UUID?, managerID: UUID?,
                openedByID: UUID?, openedByLabel: String, reason: String, openedAt: Date, dueAt: Date) {
        self.id = id ?? TimeOrderedID.make()
        self.$lead.id = leadID
        self.rejectionReason = rejectionReason
        self.repID = repID
        self.managerID = managerID
        self.openedByID = openedByID
        self.openedByLabel = openedByLabel
        self.reason = reason
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.state = DisputeState.open.rawValue
        self.decisionReason = nil
        self.decidedByID = nil
        self.decidedByLabel = nil
        self.decidedAt = nil
        self.remindedAt = nil
        self.overdueAt = nil
    }

    public var disputeState: DisputeState { DisputeState(rawValue: state) ?? .open }
}
