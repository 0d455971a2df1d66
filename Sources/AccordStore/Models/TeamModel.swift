import AccordCore
import FluentKit
import Foundation

/// A sales or marketing team: routing targets, scorecards and calendars hang off it.
public final class TeamModel: Model, @unchecked Sendable {
    public static let schema = "teams"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    /// `sales` or `marketing` (Core's `Side`).
    @Field(key: "side") public var side: String
    /// The team's business calendar; nil: the default calendar.
    @OptionalField(key: "calendar_id") public var calendarID: UUID?
    /// The team's SLA policy; nil: the default policy.
    @OptionalField(key: "sla_policy_id") public var slaPolicyID: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, side: String) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.side = side
    }
}
