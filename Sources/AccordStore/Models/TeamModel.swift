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
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, side: String) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.side = side
    }
}
