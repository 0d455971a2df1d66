import AccordCore
import FluentKit
import Foundation

/// A company Accord sells to.
public final class AccountModel: Model, @unchecked Sendable {
    public static let schema = "accounts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    /// The company's web domain, lower-cased; persons are matched to the account by it.
    @OptionalField(key: "domain") public var domain: String?
    @OptionalField(key: "industry") public var industry: String?
    @OptionalField(key: "employee_count") public var employeeCount: Int?
    /// ISO 3166-1 alpha-2 country code.
    @OptionalField(key: "country") public var country: String?
    @OptionalParent(key: "owner_id") public var owner: UserModel?
    /// The id of the record in the CRM it came from, for idempotent imports.
    @OptionalField(key: "external_id") public var externalID: String?
    /// The buying group's engagement (written by `LiveScoring` when the definition qualifies accounts).
    @OptionalField(key: "engagement_score") public var engagementScore: Double?
    @OptionalField(key: "qualified") public var qualified: Bool?
    /// Flagged a key account by its owner: protected from marketing without the owner's consent (as is any account
    /// with an open opportunity).
    @Field(key: "key_account") public var keyAccount: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, domain: String? = nil, industry: String? = nil,
                employeeCount: Int? = nil, country: String? = nil, ownerID: UUID? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.domain = domain
        self.industry = industry
        self.employeeCount = employeeCount
        self.country = country
        self.$owner.id = ownerID
        self.keyAccount = false
    }
}
