import AccordCore
import FluentKit
import Foundation

/// A person's part in an opportunity (decision maker, champion, user…); attribution walks these.
public final class ContactRoleModel: Model, @unchecked Sendable {
    public static let schema = "contact_roles"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "opportunity_id") public var opportunity: OpportunityModel
    @Parent(key: "person_id") public var person: PersonModel
    @OptionalField(key: "role") public var role: String?
    @Field(key: "is_primary") public var isPrimary: Bool

    public init() {}

    public init(id: UUID? = nil, opportunityID: UUID, personID: UUID, role: String? = nil, isPrimary: Bool = false) {
        self.id = id ?? TimeOrderedID.make()
        self.$opportunity.id = opportunityID
        self.$person.id = personID
        self.role = role
        self.isPrimary = isPrimary
    }
}
