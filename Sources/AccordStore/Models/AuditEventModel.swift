import AccordCore
import FluentKit
import Foundation

/// An append-only record of one state change: who, when, what changed, and why.
public final class AuditEventModel: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "occurred_at") public var occurredAt: Date
    /// The user who made the change; nil for the system (jobs, imports). No foreign key, so the
    /// trail outlives the user.
    @OptionalField(key: "actor_id") public var actorID: UUID?
    /// A readable name of the actor at the time (`ana@example.com`, `job:sla-escalation`).
    @Field(key: "actor_label") public var actorLabel: String
    @Field(key: "entity_type") public var entityType: String
    @Field(key: "entity_id") public var entityID: UUID
    @Field(key: "action") public var action: String
    /// JSON object `{"field": {"before": …, "after": …}}` of the changed fields.
    @Field(key: "changes") public var changes: String
    @OptionalField(key: "reason") public var reason: String?
    @OptionalField(key: "request_id") public var requestID: String?

    public init() {}

    public init(id: UUID? = nil, occurredAt: Date, actorID: UUID?, actorLabel: String, entityType: String,
                entityID: UUID, action: String, changes: String, reason: String? = nil, requestID: String? = nil) {
        self.id = id ?? TimeOrderedID.make()
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorLabel = actorLabel
        self.entityType = entityType
        self.entityID = entityID
        self.action = action
        self.changes = changes
        self.reason = reason
        self.requestID = requestID
    }
}
