import Foundation

/// The fields of a user an admin may set through the API (never the password hash).
public struct UserInput: Sendable {
    public var email: FieldValue<EmailAddress>
    public var name: FieldValue<String>
    public var role: FieldValue<UserRole>
    public var teamID: FieldValue<UUID>
    public var managerID: FieldValue<UUID>
    public var isAway: FieldValue<Bool>
    /// The most open leads routing gives the user; null for no limit.
    public var capacity: FieldValue<Int64>
    /// The user's share of round robin in their team (0 takes them out of it).
    public var routingWeight: FieldValue<Int64>
    /// Email for SLA reminders and breaches, besides the inbox.
    public var emailSLAWarnings: FieldValue<Bool>
    public var emailSLABreaches: FieldValue<Bool>
    public var password: FieldValue<String>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> UserInput {
        var reader = FieldReader(json)
        let input = UserInput(
            email: reader.notNull("email", reader.email("email", required: mode.creating)),
            name: reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200)),
            role: reader.notNull("role", reader.vocabulary("role", UserRole.self, required: mode.creating)),
            teamID: reader.id("teamId"), managerID: reader.id("managerId"),
            isAway: reader.notNull("isAway", reader.bool("isAway")),
            capacity: reader.integer("capacity", in: 0...10_000),
            routingWeight: reader.notNull("routingWeight", reader.integer("routingWeight", in: 0...100)),
            emailSLAWarnings: reader.notNull("emailSlaWarnings", reader.bool("emailSlaWarnings")),
            emailSLABreaches: reader.notNull("emailSlaBreaches", reader.bool("emailSlaBreaches")),
            password: mode.creating ? reader.string("password", required: true, maxLength: 200) : .absent)
        if let password = input.password.value, password.count < 10 {
            reader.problem("password", "must have at least 10 characters")
        }
        for key in ["passwordHash", "isActive"] where reader.raw(key) != nil {
            reader.problem(key, key == "isActive" ? "changes only by POST /api/v1/users/{userId}/deactivate"
                                                  : "is never set directly; use password-reset")
        }
        try reader.finish(entity: "user")
        return input
    }
}
