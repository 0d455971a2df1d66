import AccordCore
import FluentKit
import Foundation

/// A contact at an account; one row per normalized email.
public final class PersonModel: Model, @unchecked Sendable {
    public static let schema = "persons"

    @ID(key: .id) public var id: UUID?
    /// Normalized (Core's `EmailAddress`), unique.
    @Field(key: "email") public var email: String
    @OptionalField(key: "first_name") public var firstName: String?
    @OptionalField(key: "last_name") public var lastName: String?
    @OptionalField(key: "title") public var title: String?
    /// Seniority derived from or given with the title (`c_level`, `vp`, `director`, `manager`, `individual`).
    @OptionalField(key: "seniority") public var seniority: String?
    @OptionalParent(key: "account_id") public var account: AccountModel?
    /// The person asked not to be contacted by marketing.
    @Field(key: "opted_out") public var optedOut: Bool
    @OptionalField(key: "external_id") public var externalID: String?
    /// Live score under the active definition as of `scoredAt` (version `scoreVersion`); `qualified` is whether it
    /// made the person an MQL then (written by `LiveScoring`; the column defaults to false).
    @OptionalField(key: "fit_score") public var fitScore: Int?
    @OptionalField(key: "engagement_score") public var engagementScore: Double?
    @OptionalField(key: "qualified") public var qualified: Bool?
    @OptionalField(key: "score_version") public var scoreVersion: Int?
    @OptionalField(key: "scored_at") public var scoredAt: Date?
    /// Where the person came from (`api`, `touchpoints`, `form:…`, `import:salesforce`, or the demo's first channel).
    @OptionalField(key: "source") public var source: String?
    /// Set when sales said the contact data is wrong (a rejection `contact_data_wrong`); cleared when it is fixed.
    @OptionalField(key: "data_flagged_at") public var dataFlaggedAt: Date?
    @OptionalField(key: "data_flag_reason") public var dataFlagReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, email: String, firstName: String? = nil, lastName: String? = nil,
                title: String? = nil, seniority: String? = nil, accountID: UUID? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.title = title
        self.seniority = seniority
        self.$account.id = accountID
        self.optedOut = false
    }
}
