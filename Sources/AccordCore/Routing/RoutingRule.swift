import Foundation

/// A territory rule: leads at accounts matching every condition it sets go to its team.
/// Within one condition any listed value matches (`countries: [DE, AT, CH]`); a rule with no
/// conditions matches every lead (a catch-all at the end of the list).
public struct RoutingRule: Sendable, Hashable {
    public var id: UUID
    public var name: String
    /// Rules are tried in ascending position; the first that matches decides the team.
    public var position: Int
    public var teamID: UUID
    public var countries: Set<String>
    public var regions: Set<SalesRegion>
    /// Lower-cased industry names.
    public var industries: Set<String>
    public var minimumEmployees: Int?
    public var maximumEmployees: Int?
    public var isActive: Bool

    public init(id: UUID, name: String, position: Int, teamID: UUID, countries: Set<String> = [],
                regions: Set<SalesRegion> = [], industries: Set<String> = [], minimumEmployees: Int? = nil,
                maximumEmployees: Int? = nil, isActive: Bool = true) {
        self.id = id
        self.name = name
        self.position = position
        self.teamID = teamID
        self.countries = Set(countries.map { $0.uppercased() })
        self.regions = regions
        self.industries = Set(industries.map { $0.lowercased() })
        self.minimumEmployees = minimumEmployees
        self.maximumEmployees = maximumEmployees
        self.isActive = isActive
    }

    /// Whether the lead's account meets every condition; a condition on a missing attribute fails.
    public func matches(_ target: RoutingTarget) -> Bool {
        guard isActive else { return false }
        if !countries.isEmpty, !(target.country.map { countries.contains($0.uppercased()) } ?? false) { return false }
        if !regions.isEmpty, !(SalesRegion.of(country: target.country).map(regions.contains) ?? false) { return false }
        if !industries.isEmpty, !(target.industry.map { industries.contains($0.lowercased()) } ?? false) { return false }
        if minimumEmployees != nil || maximumEmployees != nil {
            guard let employees = target.employeeCount else { return false }
            if let minimum = minimumEmployees, employees < minimum { return false }
            if let maximum = maximumEmployees, employees > maximum { return false }
        }
        return true
    }

    /// The conditions in words, for explanations: `country DE, AT; 200–5000 employees`.
    public var conditions: String {
        var parts: [String] = []
        if !countries.isEmpty { parts.append("country " + countries.sorted().joined(separator: ", ")) }
        if !regions.isEmpty { parts.append("region " + regions.map(\.rawValue).sorted().joined(separator: ", ")) }
        if !industries.isEmpty { parts.append("industry " + industries.sorted().joined(separator: ", ")) }
        switch (minimumEmployees, maximumEmployees) {
        case let (minimum?, maximum?): parts.append("\(minimum)–\(maximum) employees")
        case let (minimum?, nil): parts.append("at least \(minimum) employees")
        case let (nil, maximum?): parts.append("at most \(maximum) employees")
        case (nil, nil): break
        }
        return parts.isEmpty ? "every lead" : parts.joined(separator: "; ")
    }
}

/// The fields of a routing rule in a request.
public struct RoutingRuleInput: Sendable {
    public var name: FieldValue<String>
    public var position: FieldValue<Int64>
    public var teamID: FieldValue<UUID>
    public var countries: FieldValue<[String]>
    public var regions: FieldValue<[SalesRegion]>
    public var industries: FieldValue<[String]>
    public var minimumEmployees: FieldValue<Int64>
    public var maximumEmployees: FieldValue<Int64>
    public var isActive: FieldValue<Bool>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> RoutingRuleInput {
        var reader = FieldReader(json)
        var report = ValidationReport()
        let input = RoutingRuleInput(
            name: reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200)),
            position: reader.notNull("position", reader.integer("position", in: 0...1_000_000)),
            teamID: reader.notNull("teamId", reader.id("teamId", required: mode.creating)),
            countries: Self.list(reader.raw("countries"), "countries", into: &report) { text in
                let code = text.uppercased()
                return code.count == 2 && code.allSatisfy({ $0.isASCII && $0.isLetter }) ? code : nil
            } problem: { "'\($0)' is not an ISO 3166-1 alpha-2 code such as DE" },
            regions: Self.list(reader.raw("regions"), "regions", into: &report) { SalesRegion(rawValue: $0.uppercased()) }
                problem: { "'\($0)' is not a region; use one of \(SalesRegion.allCases.map(\.rawValue).joined(separator: ", "))" },
            industries: Self.list(reader.raw("industries"), "industries", into: &report) { text in
                let trimmed = text.trimmingWhitespace().lowercased()
                return trimmed.isEmpty || trimmed.count > 100 ? nil : trimmed
            } problem: { _ in "must be an industry name of 1 to 100 characters" },
            minimumEmployees: reader.integer("minEmployees", in: 0...10_000_000),
            maximumEmployees: reader.integer("maxEmployees", in: 0...10_000_000),
            isActive: reader.notNull("isActive", reader.bool("isActive")))
        // minEmployees ≤ maxEmployees is checked with the stored values, where a PATCH changes only one of them.
        reader.rejectUnknownFields(entity: "routing rule")
        report.merge(reader.report, prefix: "")
        try report.throwIfInvalid()
        return input
    }

    /// A list of strings, each checked; null or absent leaves it empty or unchanged.
    static func list<T>(_ raw: JSONValue?, _ key: String, into report: inout ValidationReport,
                        _ parse: (String) -> T?, problem: (String) -> String) -> FieldValue<[T]> {
        switch raw {
        case nil: return .absent
        case .null?: return .value([])
        case let .array(items)?:
            var values: [T] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item else {
                    report.add("\(key)[\(index)]", "must be a string, not \(item.typeName)")
                    continue
                }
                if let value = parse(text) { values.append(value) } else { report.add("\(key)[\(index)]", problem(text)) }
            }
            if items.count > 300 { report.add(key, "must have at most 300 entries") }
            return .value(values)
        case let value?:
            report.add(key, "must be a list of strings, not \(value.typeName)")
            return .absent
        }
    }
}
