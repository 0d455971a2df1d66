import Foundation

/// What scoring knows about a person and their account.
public struct ScoringProfile: Sendable, Equatable {
    public var email: String
    public var title: String?
    public var seniority: Seniority?
    public var accountName: String?
    public var accountDomain: String?
    public var industry: String?
    public var employeeCount: Int?
    public var country: String?

    public init(email: String, title: String? = nil, seniority: Seniority? = nil, accountName: String? = nil,
                accountDomain: String? = nil, industry: String? = nil, employeeCount: Int? = nil, country: String? = nil) {
        self.email = email
        self.title = title
        self.seniority = seniority
        self.accountName = accountName
        self.accountDomain = accountDomain
        self.industry = industry
        self.employeeCount = employeeCount
        self.country = country
    }

    /// The text of a field, lower-cased; nil when unknown.
    func text(_ field: ScoringField) -> String? {
        let value: String? = switch field {
        case .personEmail: email
        case .personEmailDomain: email.split(separator: "@").last.map(String.init)
        case .personTitle: title
        case .personSeniority: seniority?.rawValue
        case .accountName: accountName
        case .accountDomain: accountDomain
        case .accountIndustry: industry
        case .accountCountry: country
        case .accountEmployeeCount: employeeCount.map(String.init)
        }
        return value?.lowercased()
    }
}

/// One touch, as engagement rules see it.
public struct ScoringTouch: Sendable, Equatable {
    public var kind: TouchpointKind
    public var channel: Channel
    public var occurredAt: Date

    public init(kind: TouchpointKind, channel: Channel, occurredAt: Date) {
        self.kind = kind
        self.channel = channel
        self.occurredAt = occurredAt
    }
}

/// A score and every rule behind it, so a rep can see why a lead is an MQL.
public struct ScoreExplanation: Sendable, Equatable {
    /// A fit rule that fired.
    public struct FitContribution: Sendable, Equatable, Codable {
        public var ruleID: String
        public var description: String?
        public var points: Int
    }

    /// What one engagement rule added.
    public struct EngagementContribution: Sendable, Equatable, Codable {
        public var ruleID: String
        public var touches: Int
        /// Points after decay and cap.
        public var points: Double
        public var capped: Bool
    }

    public var fit: Int
    public var grade: FitGrade
    public var engagement: Double
    public var isMQL: Bool
    public var priority: LeadPriority
    public var fitRules: [FitContribution]
    public var engagementRules: [EngagementContribution]
}
