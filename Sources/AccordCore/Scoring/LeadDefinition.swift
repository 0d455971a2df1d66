import Foundation

/// What a lead is, written down: fit rules on the person and account, engagement rules on touchpoints
/// with decay, and the MQL threshold. Stored as JSON (docs/lead-definition.md); `parse` checks it and
/// lists every problem by JSON path.
public struct LeadDefinition: Sendable, Equatable, Codable {
    public struct FitRule: Sendable, Equatable, Codable {
        public var id: String
        public var description: String?
        public var field: ScoringField
        public var op: RuleOperator
        /// A string, number or list (for `in` and `between`); absent for `exists`.
        public var value: JSONValue?
        public var points: Int

        enum CodingKeys: String, CodingKey { case id, description, field, op = "operator", value, points }
    }

    public struct EngagementRule: Sendable, Equatable, Codable {
        public var id: String
        /// The touchpoint kind the rule counts; nil counts every kind.
        public var kind: TouchpointKind?
        /// The channel the rule counts; nil counts every channel.
        public var channel: Channel?
        /// Points per touch, before decay.
        public var points: Double
        /// The most the rule adds, after decay; nil for no cap.
        public var cap: Double?
    }

    /// Fit points needed for each grade (the rest is D).
    public struct Grades: Sendable, Equatable, Codable {
        public var a: Int
        public var b: Int
        public var c: Int

        enum CodingKeys: String, CodingKey { case a = "A", b = "B", c = "C" }
    }

    /// Qualifying an account as a buying group: its engagement is the sum over its people, each adding at
    /// most `perPersonCap`; at `minimumEngagement` the account is an MQL, and one lead goes to its most
    /// engaged person who fits.
    public struct AccountLevel: Sendable, Equatable, Codable {
        public var minimumEngagement: Double
        public var perPersonCap: Double

        public init(minimumEngagement: Double, perPersonCap: Double) {
            self.minimumEngagement = minimumEngagement
            self.perPersonCap = perPersonCap
        }
    }

    public var fitRules: [FitRule]
    public var grades: Grades
    public var engagementRules: [EngagementRule]
    /// Days after which a touch counts half.
    public var halfLifeDays: Double
    public var minimumFit: Int
    public var minimumEngagement: Double
    /// The priority a new MQL gets from its fit grade.
    public var priorityByGrade: [String: LeadPriority]
    /// Account-level qualification; nil: people qualify one by one only.
    public var accountLevel: AccountLevel? = nil

    /// The most fit points the rules can give (every positive rule firing).
    public var maximumFit: Int { fitRules.reduce(0) { $0 + max(0, $1.points) } }

    /// The most engagement the rules can give, or nil when some rule has no cap.
    public var maximumEngagement: Double? {
        var total = 0.0
        for rule in engagementRules where rule.points > 0 {
            guard let cap = rule.cap else { return nil }
            total += cap
        }
        return total
    }
}
