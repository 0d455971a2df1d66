import AccordCore
import FluentKit
import Foundation

/// A row of the job queue, for listing and inspecting jobs (the queue itself works in `JobQueue`).
public final class JobModel: Model, @unchecked Sendable {
    public static let schema = JobQueue.table

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "payload") public var payload: String
    @OptionalField(key: "unique_key") public var uniqueKey: String?
    /// Core's `JobState` raw value.
    @Field(key: "state") public var state: String
    @Field(key: "run_at") public var runAt: Date
    @Field(key: "attempt") public var attempt: Int
    @Field(key: "max_attempts") public var maxAttempts: Int
    @OptionalField(key: "lease_owner") public var leaseOwner: String?
    @OptionalField(key: "lease_expires_at") public var leaseExpiresAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "updated_at") public var updatedAt: Date?
    @OptionalField(key: "completed_at") public var completedAt: Date?

    public init() {}
}
