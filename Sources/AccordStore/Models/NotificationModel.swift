import AccordCore
import FluentKit
import Foundation

/// A message in someone's in-app inbox (an SLA reminder, a breach, a reassignment, an expiry).
public final class NotificationModel: Model, @unchecked Sendable {
    public static let schema = "notifications"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    /// `lead.sla_warning`, `lead.sla_breached`, `lead.reassigned`, `lead.recycled`, `lead.assigned`.
    @Field(key: "kind") public var kind: String
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @OptionalParent(key: "lead_id") public var lead: LeadModel?
    /// Where the message points when it is not about a lead (`/requests/<id>`).
    @OptionalField(key: "link") public var link: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "read_at") public var readAt: Date?

    public init() {}

    public init(userID: UUID, kind: String, title: String, body: String, leadID: UUID?, link: String? = nil, at time: Date) {
        self.id = TimeOrderedID.make()
        self.$user.id = userID
        self.kind = kind
        self.title = title
        self.body = body
        self.$lead.id = leadID
        self.link = link
        self.createdAt = time
    }
}
