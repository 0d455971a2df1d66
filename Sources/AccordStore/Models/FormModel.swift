import AccordCore
import FluentKit
import Foundation

/// A web form on the company's site: posts to `/api/v1/forms/{key}` become touchpoints of their sender.
public final class FormModel: Model, @unchecked Sendable {
    public static let schema = "forms"

    @ID(key: .id) public var id: UUID?
    /// The public key in the form's address (not a secret: it is in the site's HTML).
    @Field(key: "key") public var key: String
    @Field(key: "name") public var name: String
    /// Where a browser's form post is sent after it is stored (303).
    @OptionalField(key: "success_url") public var successURL: String?
    /// The campaign every post counts toward; without one, UTM tags find or create it.
    @OptionalParent(key: "campaign_id") public var campaign: CampaignModel?
    @Field(key: "is_active") public var isActive: Bool
    /// The hidden field people leave empty and bots fill.
    @Field(key: "honeypot_field") public var honeypotField: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, key: String, name: String) {
        self.id = id ?? TimeOrderedID.make()
        self.key = key
        self.name = name
        self.isActive = true
        self.honeypotField = "website"
    }
}
