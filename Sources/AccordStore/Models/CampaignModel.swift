import AccordCore
import FluentKit
import Foundation

/// A marketing program with a channel, a supplier, a run time and UTM tags.
public final class CampaignModel: Model, @unchecked Sendable {
    public static let schema = "campaigns"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    /// One of Core's `Channel` raw values.
    @Field(key: "channel") public var channel: String
    /// Who the campaign was bought from: an agency, an event organiser, an ad network.
    @OptionalField(key: "supplier") public var supplier: String?
    @OptionalField(key: "starts_at") public var startsAt: Date?
    @OptionalField(key: "ends_at") public var endsAt: Date?
    @OptionalField(key: "utm_source") public var utmSource: String?
    @OptionalField(key: "utm_medium") public var utmMedium: String?
    @OptionalField(key: "utm_campaign") public var utmCampaign: String?
    @OptionalField(key: "external_id") public var externalID: String?
    @Children(for: \.$campaign) public var costs: [CampaignCostModel]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, channel: String, supplier: String? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.channel = channel
        self.supplier = supplier
    }
}
