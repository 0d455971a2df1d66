import AccordCore
import FluentKit
import Foundation

/// A request from sales to marketing (an event, a campaign, collateral, a target list), with marketing's answer,
/// the response clock and any appeal. Every step is also in the audit trail (entity `request`).
public final class RequestModel: Model, @unchecked Sendable {
    public static let schema = "requests"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "title") public var title: String
    @Field(key: "details") public var details: String
    @OptionalField(key: "expected_pipeline_minor") public var expectedPipelineMinor: Int64?
    @OptionalField(key: "expected_pipeline_currency") public var expectedPipelineCurrency: String?
    /// The accounts concerned, as a JSON array of ids (checked to exist when the request is made).
    @Field(key: "account_ids") public var accountIDsText: String
    @Field(key: "wanted_by") public var wantedBy: Date
    /// Core's `RequestState`.
    @Field(key: "state") public var state: String
    @OptionalParent(key: "requester_id") public var requester: UserModel?
    @Field(key: "requester_label") public var requesterLabel: String
    /// The requester's team when the request was made: its sales manager sees it, its calendar and policy time it.
    @OptionalField(key: "team_id") public var teamID: UUID?
    @Field(key: "submitted_at") public var submittedAt: Date
    @Field(key: "respond_by") public var respondBy: Date
    @OptionalField(key: "paused_remaining_seconds") public var pausedRemainingSeconds: Double?
    @OptionalField(key: "question") public var question: String?
    @OptionalField(key: "answer") public var answer: String?
    @OptionalField(key: "owner_id") public var ownerID: UUID?
    @OptionalField(key: "delivery_date") public var deliveryDate: Date?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "decided_by_id") public var decidedByID: UUID?
    @OptionalField(key: "decided_by_label") public var decidedByLabel: String?
    @OptionalField(key: "decline_reason") public var declineReason: String?
    @OptionalField(key: "alternative") public var alternative: String?
    @Field(key: "appealed") public var appealed: Bool
    @OptionalField(key: "appeal_reason") public var appealReason: String?
    @OptionalField(key: "appeal_decision") public var appealDecision: String?
    @OptionalField(key: "appeal_decided_by_label") public var appealDecidedByLabel: String?
    @OptionalField(key: "appeal_decided_at") public var appealDecidedAt: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    /// When the current response time was escalated as overdue (nil: not, or a new response time since).
    @OptionalField(key: "escalated_at") public var escalatedAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(input: RequestInput, requester: UUID?, requesterLabel: String, teamID: UUID?, submittedAt: Date,
                respondBy: Date) {
        self.id = TimeOrderedID.make(at: submittedAt)
        kind = input.kind.rawValue
        title = input.title
        details = input.details
        expectedPipelineMinor = input.expectedPipeline?.amountMinor
        expectedPipelineCurrency = input.expectedPipeline?.currency
        accountIDsText = StoredJSON.text(input.accountIDs)
        wantedBy = input.wantedBy
        state = RequestState.submitted.rawValue
        $requester.id = requester
        self.requesterLabel = requesterLabel
        self.teamID = teamID
        self.submittedAt = submittedAt
        self.respondBy = respondBy
        appealed = false
    }

    public var accountIDs: [UUID] { StoredJSON.decode([UUID].self, accountIDsText) ?? [] }

    public var expectedPipeline: Money? {
        guard let amount = expectedPipelineMinor, let currency = expectedPipelineCurrency else { return nil }
        return Money(amountMinor: amount, currency: currency)
    }

    /// What Core's rules look at.
    public var status: RequestStatus {
        get {
            RequestStatus(state: RequestState(rawValue: state) ?? .submitted, respondBy: respondBy,
                          pausedRemaining: pausedRemainingSeconds, decidedAt: decidedAt, appealed: appealed)
        }
        set {
            state = newValue.state.rawValue
            if newValue.respondBy != respondBy { escalatedAt = nil }
            respondBy = newValue.respondBy
            pausedRemainingSeconds = newValue.pausedRemaining
            decidedAt = newValue.decidedAt
            appealed = newValue.appealed
        }
    }
}
