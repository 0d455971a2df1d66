import AccordCore
import FluentKit
import Foundation

/// A person who signs in to Accord: a rep, a manager, a marketer or an admin.
public final class UserModel: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    /// Normalized (trimmed, lower-cased), unique.
    @Field(key: "email") public var email: String
    @Field(key: "name") public var name: String
    /// One of Core's `UserRole` raw values.
    @Field(key: "role") public var role: String
    @OptionalParent(key: "team_id") public var team: TeamModel?
    @OptionalParent(key: "manager_id") public var manager: UserModel?
    /// Bcrypt hash; nil for users who cannot sign in with a password.
    @OptionalField(key: "password_hash") public var passwordHash: String?
    @Field(key: "is_active") public var isActive: Bool
    /// Away users are skipped by routing.
    @Field(key: "is_away") public var isAway: Bool
    /// The most open leads routing gives this user; nil means no limit.
    @OptionalField(key: "capacity") public var capacity: Int?
    /// Their share of round robin in their team; 0 takes them out of it.
    @Field(key: "routing_weight") public var routingWeight: Int
    /// Email (besides the inbox) for SLA reminders and for breaches.
    @Field(key: "email_sla_warnings") public var emailSLAWarnings: Bool
    @Field(key: "email_sla_breaches") public var emailSLABreaches: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, email: String, name: String, role: String, teamID: UUID? = nil,
                managerID: UUID? = nil, passwordHash: String? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.email = email
        self.name = name
        self.role = role
        self.$team.id = teamID
        self.$manager.id = managerID
        self.passwordHash = passwordHash
        self.isActive = true
        self.isAway = false
        self.routingWeight = 1
        self.emailSLAWarnings = true
        self.emailSLABreaches = true
    }
}
