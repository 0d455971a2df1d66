import AccordCore
import FluentKit
import Foundation

/// One handoff of one person from marketing to sales, with its lifecycle fields.
public final class LeadModel: Model, @unchecked Sendable {
    public static let schema = "leads"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "person_id") public var person: PersonModel
    @OptionalParent(key: "account_id") public var account: AccountModel?
    @OptionalParent(key: "owner_id") public var owner: UserModel?
    /// The campaign of the touch that qualified the lead, when there was one.
    @OptionalParent(key: "campaign_id") public var campaign: CampaignModel?
    /// One of Core's `LeadStage` raw values; changed only through the lifecycle.
    @Field(key: "stage") public var stage: String
    @Field(key: "stage_changed_at") public var stageChangedAt: Date
    /// `A`–`D`, from the fit grade.
    @OptionalField(key: "priority") public var priority: String?
    @Field(key: "fit_score") public var fitScore: Int
    @Field(key: "engagement_score") public var engagementScore: Double
    /// The lead definition version that qualified the lead.
    @OptionalField(key: "definition_version") public var definitionVersion: Int?
    /// Why routing chose the owner, in words ("owner of the account").
    @OptionalField(key: "routing_reason") public var routingReason: String?
    /// The team routing chose (through a territory rule or the owner's team).
    @OptionalField(key: "team_id") public var teamID: UUID?
    /// Core's `RoutingMethod` raw value.
    @OptionalField(key: "routing_method") public var routingMethod: String?
    /// When the lead became an MQL: the SLA clock starts here.
    @OptionalField(key: "qualified_at") public var qualifiedAt: Date?
    /// When the lead is recycled if nobody acts on it (the shelf life).
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "sla_due_at") public var slaDueAt: Date?
    /// Speed to lead, wall-clock and business seconds from qualification to the first action.
    @OptionalField(key: "speed_to_lead_seconds") public var speedToLeadSeconds: Int?
    @OptionalField(key: "speed_to_lead_business_seconds") public var speedToLeadBusinessSeconds: Int?
    /// Whether the first action came by the due time.
    @OptionalField(key: "sla_met") public var slaMet: Bool?
    /// Escalation steps already taken for the current owner (each happens once).
    @OptionalField(key: "sla_reminded_at") public var slaRemindedAt: Date?
    @OptionalField(key: "sla_breached_at") public var slaBreachedAt: Date?
    @OptionalField(key: "sla_reassigned_at") public var slaReassignedAt: Date?
    /// When the owner first acted (accept, reject, call, email, meeting): the SLA clock stops here.
    @OptionalField(key: "first_action_at") public var firstActionAt: Date?
    /// When sales accepted or rejected the lead (nil while it waits, and again after an overturned rejection).
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "rejection_reason") public var rejectionReason: String?
    @OptionalField(key: "rejection_note") public var rejectionNote: String?
    @OptionalField(key: "recycle_reason") public var recycleReason: String?
    @OptionalField(key: "recycle_note") public var recycleNote: String?
    @OptionalField(key: "loss_reason") public var lossReason: String?
    @OptionalParent(key: "opportunity_id") public var opportunity: OpportunityModel?
    /// For a lead from an account-level MQL: JSON list of the other engaged people (`[{"personId", "email"}]`).
    @OptionalField(key: "buying_group") public var buyingGroup: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, personID: UUID, accountID: UUID? = nil, ownerID: UUID? = nil,
                stage: LeadStage = .new, stageChangedAt: Date, fitScore: Int = 0, engagementScore: Double = 0) {
        self.id = id ?? TimeOrderedID.make()
        self.$person.id = personID
        self.$account.id = accountID
        self.$owner.id = ownerID
        self.stage = stage.rawValue
        self.stageChangedAt = stageChangedAt
        self.fitScore = fitScore
        self.engagementScore = engagementScore
    }
}
