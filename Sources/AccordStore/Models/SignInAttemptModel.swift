import AccordCore
import FluentKit
import Foundation

/// One sign-in attempt, for throttling by account and by address across instances.
public final class SignInAttemptModel: Model, @unchecked Sendable {
    public static let schema = "sign_in_attempts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "address") public var address: String
    @Field(key: "succeeded") public var succeeded: Bool
    @Field(key: "attempted_at") public var attemptedAt: Date

    public init() {}

    public init(email: String, address: String, succeeded: Bool, attemptedAt: Date) {
        self.id = TimeOrderedID.make(at: attemptedAt)
        self.email = email
        self.address = address
        self.succeeded = succeeded
        self.attemptedAt = attemptedAt
    }
}
