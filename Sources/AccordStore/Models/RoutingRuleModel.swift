import AccordCore
import FluentKit
import Foundation

/// A territory rule: conditions on the account and the team that gets matching leads.
public final class RoutingRuleModel: Model, @unchecked Sendable {
    public static let schema = "routing_rules"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "position") public var position: Int
    @Parent(key: "team_id") public var team: TeamModel
    /// JSON arrays as text: ISO country codes, region codes, lower-cased industries.
    @Field(key: "countries") public var countries: String
    @Field(key: "regions") public var regions: String
    @Field(key: "industries") public var industries: String
    @OptionalField(key: "min_employees") public var minimumEmployees: Int?
    @OptionalField(key: "max_employees") public var maximumEmployees: Int?
    @Field(key: "is_active") public var isActive: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, rule: RoutingRule) {
        self.id = id ?? rule.id
        name = rule.name
        position = rule.position
        $team.id = rule.teamID
        countryList = rule.countries.sorted()
        regionList = rule.regions.map(\.rawValue).sorted()
        industryList = rule.industries.sorted()
        minimumEmployees = rule.minimumEmployees
        maximumEmployees = rule.maximumEmployees
        isActive = rule.isActive
    }

    public var countryList: [String] {
        get { StoredJSON.decode([String].self, countries) ?? [] }
        set { countries = StoredJSON.text(newValue) }
    }

    public var regionList: [String] {
        get { StoredJSON.decode([String].self, regions) ?? [] }
        set { regions = StoredJSON.text(newValue) }
    }

    public var industryList: [String] {
        get { StoredJSON.decode([String].self, industries) ?? [] }
        set { industries = StoredJSON.text(newValue) }
    }

    /// The rule as Core's value.
    public var rule: RoutingRule {
        RoutingRule(id: id!, name: name, position: position, teamID: $team.id, countries: Set(countryList),
                    regions: Set(regionList.compactMap(SalesRegion.init(rawValue:))), industries: Set(industryList),
                    minimumEmployees: minimumEmployees, maximumEmployees: maximumEmployees, isActive: isActive)
    }
}
