import AccordCore
import FluentKit
import Foundation

/// An SLA policy: business minutes to the first action per priority, and the shelf life in days.
public final class SLAPolicyModel: Model, @unchecked Sendable {
    public static let schema = "sla_policies"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "response_minutes_a") public var responseMinutesA: Int
    @Field(key: "response_minutes_b") public var responseMinutesB: Int
    @Field(key: "response_minutes_c") public var responseMinutesC: Int
    @Field(key: "response_minutes_d") public var responseMinutesD: Int
    @Field(key: "shelf_life_days") public var shelfLifeDays: Int
    /// The policy of teams that have none.
    @Field(key: "is_default") public var isDefault: Bool
    /// Escalation: reminder at this share of the response time (nil: none), manager told at a breach,
    /// reassignment this many business minutes after it (nil: never).
    @OptionalField(key: "remind_at_share") public var remindAtShare: Double?
    @Field(key: "notify_manager_at_breach") public var notifyManagerAtBreach: Bool
    @OptionalField(key: "reassign_after_minutes") public var reassignAfterMinutes: Int?
    /// Business minutes a sales manager has to decide a dispute (nil on rows from before disputes: the default).
    @OptionalField(key: "dispute_response_minutes") public var disputeResponseMinutes: Int?
    /// Business minutes marketing has to answer a request (nil on rows from before requests: the default).
    @OptionalField(key: "request_response_minutes") public var requestResponseMinutes: Int?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, policy: SLAPolicy, isDefault: Bool = false) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.isDefault = isDefault
        set(policy)
    }

    public func set(_ policy: SLAPolicy) {
        setResponse(policy.responseMinutes)
        shelfLifeDays = policy.shelfLifeDays
        remindAtShare = policy.escalation.remindAtShare
        notifyManagerAtBreach = policy.escalation.notifyManagerAtBreach
        reassignAfterMinutes = policy.escalation.reassignAfterMinutes
        disputeResponseMinutes = policy.disputeResponseMinutes
        requestResponseMinutes = policy.requestResponseMinutes
    }

    public func setResponse(_ minutes: [LeadPriority: Int]) {
        responseMinutesA = minutes[.a] ?? 60
        responseMinutesB = minutes[.b] ?? 240
        responseMinutesC = minutes[.c] ?? 480
        responseMinutesD = minutes[.d] ?? 1_440
    }

    public var responseMinutes: [LeadPriority: Int] {
        [.a: responseMinutesA, .b: responseMinutesB, .c: responseMinutesC, .d: responseMinutesD]
    }

    /// The policy as Core's value.
    public var policy: SLAPolicy {
        SLAPolicy(responseMinutes: responseMinutes, shelfLifeDays: shelfLifeDays,
                  escalation: EscalationPolicy(remindAtShare: remindAtShare, notifyManagerAtBreach: notifyManagerAtBreach,
                                               reassignAfterMinutes: reassignAfterMinutes),
                  disputeResponseMinutes: disputeResponseMinutes ?? SLAPolicy.defaultDisputeResponseMinutes,
                  requestResponseMinutes: requestResponseMinutes ?? SLAPolicy.defaultRequestResponseMinutes)
    }
}
