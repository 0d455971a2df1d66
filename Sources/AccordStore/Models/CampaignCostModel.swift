import AccordCore
import FluentKit
import Foundation

/// What a campaign cost in one calendar month: budgets are spent over time, so ROI is per period.
public final class CampaignCostModel: Model, @unchecked Sendable {
    public static let schema = "campaign_costs"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "campaign_id") public var campaign: CampaignModel
    /// The month as `YYYY-MM`; unique per campaign.
    @Field(key: "month") public var month: String
    @Field(key: "amount_minor") public var amountMinor: Int64
    @Field(key: "currency") public var currency: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, campaignID: UUID, month: String, amountMinor: Int64, currency: String) {
        self.id = id ?? TimeOrderedID.make()
        self.$campaign.id = campaignID
        self.month = month
        self.amountMinor = amountMinor
        self.currency = currency
    }
}
