import AccordCore
import FluentKit
import Foundation

/// One version of the lead definition. Every version is kept; exactly one is active.
public final class LeadDefinitionModel: Model, @unchecked Sendable {
    public static let schema = "lead_definitions"

    @ID(key: .id) public var id: UUID?
    /// 1, 2, 3, … in creation order; unique.
    @Field(key: "version") public var version: Int
    @Field(key: "name") public var name: String
    /// `draft`, `proposed`, `active` or `retired` (Core's `DefinitionState`).
    @Field(key: "state") public var state: String
    /// The definition as JSON (docs/lead-definition.md).
    @Field(key: "body") public var body: String
    /// Comma-separated sides that approved the current proposal.
    @Field(key: "approvals") public var approvals: String
    @OptionalField(key: "rejection_reason") public var rejectionReason: String?
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @OptionalField(key: "activated_at") public var activatedAt: Date?
    @OptionalField(key: "retired_at") public var retiredAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(version: Int, name: String, body: String, createdBy: UUID?) {
        self.id = TimeOrderedID.make()
        self.version = version
        self.name = name
        self.state = DefinitionState.draft.rawValue
        self.body = body
        self.approvals = ""
        self.createdBy = createdBy
    }

    /// The workflow fields as Core's value.
    public var workflow: DefinitionWorkflow {
        get {
            DefinitionWorkflow(state: DefinitionState(rawValue: state) ?? .draft,
                               approvals: Set(approvals.split(separator: ",").compactMap { Side(rawValue: String($0)) }),
                               rejectionReason: rejectionReason)
        }
        set {
            state = newValue.state.rawValue
            approvals = newValue.approvals.map(\.rawValue).sorted().joined(separator: ",")
            rejectionReason = newValue.rejectionReason
        }
    }
}
