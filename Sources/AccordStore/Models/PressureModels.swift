import AccordCore
import FluentKit
import Foundation

/// A consent request: marketing wants a campaign to reach a protected account's people; the account's owner grants
/// or denies it with a reason before the due time. One per campaign and account (asked again when a grant expires).
public final class ConsentRequestModel: Model, @unchecked Sendable {
    public static let schema = "consent_requests"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "campaign_id") public var campaign: CampaignModel
    @Parent(key: "account_id") public var account: AccountModel
    /// The account's owner, who answers (their manager sees the request too).
    @OptionalField(key: "owner_id") public var ownerID: UUID?
    @OptionalField(key: "team_id") public var teamID: UUID?
    @OptionalField(key: "requested_by_id") public var requestedByID: UUID?
    @Field(key: "requested_by_label") public var requestedByLabel: String
    @OptionalField(key: "note") public var note: String?
    /// Core's `ConsentState` as stored: pending, granted or denied.
    @Field(key: "state") public var state: String
    @Field(key: "requested_at") public var requestedAt: Date
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    @OptionalField(key: "answered_by_label") public var answeredByLabel: String?
    @OptionalField(key: "reason") public var reason: String?
    @OptionalField(key: "valid_until") public var validUntil: Date?
    @Field(key: "on_silence") public var onSilence: Bool

    public init() {}

    public var status: ConsentStatus {
        get {
            ConsentStatus(stored: state, dueAt: dueAt, answeredAt: answeredAt, validUntil: validUntil,
                          onSilence: onSilence)
        }
        set {
            state = newValue.state.rawValue
            dueAt = newValue.dueAt
            answeredAt = newValue.answeredAt
            validUntil = newValue.validUntil
            onSilence = newValue.onSilence
        }
    }
}

/// The messages a check allowed, held for 15 minutes until the sending tool confirms them (then they are
/// touchpoints) or they expire. Kept compactly: the allowed persons' ids (16 bytes each), the blocked ones with their
/// rule (for the figures), the weight added to each account.
public final class PressureReservationModel: Model, @unchecked Sendable {
    public static let schema = "pressure_reservations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "campaign_id") public var campaign: CampaignModel
    @Field(key: "side") public var side: String
    @Field(key: "channel") public var channel: String
    @Field(key: "created_by_label") public var createdByLabel: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?
    @Field(key: "allowed_count") public var allowedCount: Int
    @Field(key: "blocked_count") public var blockedCount: Int
    /// `{"rule": count}` of the blocked, unknown persons included.
    @Field(key: "blocked_by_rule") public var blockedByRule: String
    @Field(key: "persons") public var persons: Data
    @Field(key: "blocked") public var blocked: Data
    @Field(key: "account_loads") public var accountLoads: Data

    public init() {}
}

extension ConsentStatus {
    /// A consent request's status from its stored columns (an unknown state reads as pending).
    init(stored state: String, dueAt: Date, answeredAt: Date?, validUntil: Date?, onSilence: Bool) {
        self.init(state: ConsentState(rawValue: state) ?? .pending, dueAt: dueAt, answeredAt: answeredAt,
                  validUntil: validUntil, onSilence: onSilence)
    }
}
