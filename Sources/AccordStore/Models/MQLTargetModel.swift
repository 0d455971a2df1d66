import AccordCore
import FluentKit
import Foundation

/// Marketing's commitment to a team for a month: MQL volume and the acceptance rate it aims for.
public final class MQLTargetModel: Model, @unchecked Sendable {
    public static let schema = "mql_targets"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "team_id") public var team: TeamModel
    /// `YYYY-MM`.
    @Field(key: "month") public var month: String
    @Field(key: "mql_volume") public var mqlVolume: Int
    /// 0 to 1.
    @Field(key: "acceptance_rate") public var acceptanceRate: Double
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, teamID: UUID, month: String, mqlVolume: Int, acceptanceRate: Double) {
        self.id = id ?? TimeOrderedID.make()
        self.$team.id = teamID
        self.month = month
        self.mqlVolume = mqlVolume
        self.acceptanceRate = acceptanceRate
    }
}
