import AccordCore
import FluentKit
import Foundation

/// A deal at an account, usually imported from the CRM.
public final class OpportunityModel: Model, @unchecked Sendable {
    public static let schema = "opportunities"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "account_id") public var account: AccountModel
    @Field(key: "name") public var name: String
    @Field(key: "amount_minor") public var amountMinor: Int64
    @Field(key: "currency") public var currency: String
    /// The CRM's stage name (free text: every CRM names its stages).
    @Field(key: "stage") public var stage: String
    /// `open`, `won` or `lost` (Core's `OpportunityStatus`).
    @Field(key: "status") public var status: String
    @OptionalParent(key: "owner_id") public var owner: UserModel?
    /// When the deal was created in the CRM (not when Accord learned of it).
    @Field(key: "opened_at") public var openedAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "external_id") public var externalID: String?
    @Children(for: \.$opportunity) public var contactRoles: [ContactRoleModel]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, accountID: UUID, name: String, amountMinor: Int64, currency: String,
                stage: String, status: String, openedAt: Date, closedAt: Date? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.$account.id = accountID
        self.name = name
        self.amountMinor = amountMinor
        self.currency = currency
        self.stage = stage
        self.status = status
        self.openedAt = openedAt
        self.closedAt = closedAt
    }
}
