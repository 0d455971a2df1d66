import AccordCore
import FluentKit
import Foundation

/// One interaction between a person and the company, from marketing or sales.
public final class TouchpointModel: Model, @unchecked Sendable {
    public static let schema = "touchpoints"

    @ID(key: .id) public var id: UUID?
    /// The sender's id for the event; unique, so a retried delivery is stored once.
    @OptionalField(key: "event_id") public var eventID: String?
    @Parent(key: "person_id") public var person: PersonModel
    @OptionalParent(key: "campaign_id") public var campaign: CampaignModel?
    /// One of Core's `TouchpointKind` raw values.
    @Field(key: "kind") public var kind: String
    /// `marketing` or `sales`.
    @Field(key: "side") public var side: String
    /// The campaign's channel at the time, or the channel the sender gave (`field_sales` for sales touches).
    @Field(key: "channel") public var channel: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, eventID: String? = nil, personID: UUID, campaignID: UUID? = nil, kind: String,
                side: String, channel: String, occurredAt: Date) {
        self.id = id ?? TimeOrderedID.make()
        self.eventID = eventID
        self.$person.id = personID
        self.$campaign.id = campaignID
        self.kind = kind
        self.side = side
        self.channel = channel
        self.occurredAt = occurredAt
    }
}
