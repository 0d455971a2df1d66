import AccordCore
import FluentKit
import Foundation

/// Where a team's weighted round robin stands; locked while a lead is routed, so instances share one rotation.
public final class RoutingPositionModel: Model, @unchecked Sendable {
    public static let schema = "routing_positions"

    @ID(custom: "team_id", generatedBy: .user) public var id: UUID?
    /// Core's `RoundRobinState` as JSON text.
    @Field(key: "credits") public var credits: String
    /// Leads assigned by round robin in this team so far.
    @Field(key: "assigned") public var assigned: Int
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
