/// The attributes of a person and their account that fit rules may test.
public enum ScoringField: String, CaseIterable, Sendable, Codable {
    case personEmail = "person.email"
    case personEmailDomain = "person.emailDomain"
    case personTitle = "person.title"
    case personSeniority = "person.seniority"
    case accountName = "account.name"
    case accountDomain = "account.domain"
    case accountIndustry = "account.industry"
    case accountEmployeeCount = "account.employeeCount"
    case accountCountry = "account.country"

    /// The kind of value, which decides the operators that apply.
    public enum Kind: Sendable { case text, number, choice([String]) }

    public var kind: Kind {
        switch self {
        case .accountEmployeeCount: .number
        case .personSeniority: .choice(Seniority.allCases.map(\.rawValue))
        default: .text
        }
    }
}

/// How a fit rule compares a field with its value.
public enum RuleOperator: String, Vocabulary {
    case equals, `in`, contains, matches, gte, lte, between, exists

    /// Whether the operator makes sense for a kind of field.
    public func applies(to kind: ScoringField.Kind) -> Bool {
        switch (self, kind) {
        case (.equals, _), (.in, _), (.exists, _): true
        case (.contains, .text), (.matches, .text): true
        case (.gte, .number), (.lte, .number), (.between, .number): true
        default: false
        }
    }
}

/// A fit grade from fit points: A is the best fit.
public enum FitGrade: String, Vocabulary, Comparable {
    case a = "A", b = "B", c = "C", d = "D"

    public static func < (lhs: FitGrade, rhs: FitGrade) -> Bool { lhs.rawValue > rhs.rawValue }
}
