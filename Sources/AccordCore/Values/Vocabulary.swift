/// A closed set of string values that arrive from outside (API, CSV, configuration).
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Sendable, Hashable, Codable {}

extension Vocabulary {
    /// Parses a value, or fails with a problem that lists the allowed values.
    public static func parse(_ raw: String) throws(FieldError) -> Self {
        guard let value = Self(rawValue: raw) else {
            let allowed = allCases.map(\.rawValue).joined(separator: ", ")
            throw FieldError(field: "", problem: "'\(raw)' is not one of: \(allowed)")
        }
        return value
    }
}

/// The marketing or sales channel of a campaign or touchpoint.
public enum Channel: String, Vocabulary {
    case event, webinar, email
    case paidSearch = "paid_search"
    case paidSocial = "paid_social"
    case organicSearch = "organic_search"
    case content, website, partner, referral
    case directMail = "direct_mail"
    case fieldSales = "field_sales"
}

/// What happened in one interaction between a person and the company.
public enum TouchpointKind: String, Vocabulary {
    case sent, opened, clicked, visited, downloaded, registered, attended
    case formSubmitted = "form_submitted"
    case replied, call, email, meeting
}

/// Which team a touchpoint, a team or a message belongs to.
public enum Side: String, Vocabulary {
    case marketing, sales
}

/// What a user may do; see the authorization policy.
public enum UserRole: String, Vocabulary {
    case rep
    case salesManager = "sales_manager"
    case marketer
    case marketingManager = "marketing_manager"
    case admin

    /// The team side the role works on; admins belong to neither.
    public var side: Side? {
        switch self {
        case .rep, .salesManager: .sales
        case .marketer, .marketingManager: .marketing
        case .admin: nil
        }
    }
}

/// The urgency of a lead, from its fit grade: A is the most urgent.
public enum LeadPriority: String, Vocabulary, Comparable {
    case a = "A", b = "B", c = "C", d = "D"

    public static func < (lhs: LeadPriority, rhs: LeadPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Whether an opportunity is still being worked, or how it ended.
public enum OpportunityStatus: String, Vocabulary {
    case open, won, lost
}
