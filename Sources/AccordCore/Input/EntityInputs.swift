import Foundation

/// How a request body is read: creating needs the required fields; a `PATCH` changes only what it names.
public enum InputMode: Sendable {
    case create
    case update

    var creating: Bool { self == .create }
}

extension FieldReader {
    /// Refuses `null` for a field that must always have a value.
    mutating func notNull<T>(_ key: String, _ value: FieldValue<T>) -> FieldValue<T> {
        if case .null = value {
            problem(key, "must not be null or empty")
            return .absent
        }
        return value
    }

    /// Finishes reading: unknown fields are problems, and any problem throws.
    mutating func finish(entity: String) throws(AccordError) {
        rejectUnknownFields(entity: entity)
        try report.throwIfInvalid()
    }
}

/// How people's seniority is recorded, for fit rules.
public enum Seniority: String, Vocabulary {
    case cLevel = "c_level"
    case vp, director, manager, individual
}

/// The fields of an account in a request.
public struct AccountInput: Sendable {
    public var name: FieldValue<String>
    public var domain: FieldValue<String>
    public var industry: FieldValue<String>
    public var employeeCount: FieldValue<Int64>
    public var country: FieldValue<String>
    public var ownerID: FieldValue<UUID>
    public var externalID: FieldValue<String>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> AccountInput {
        var reader = FieldReader(json)
        let name = reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200))
        var domain = reader.string("domain", maxLength: 253)
        if let raw = domain.value {
            if let normalized = Domain.normalize(raw) { domain = .value(normalized) } else {
                reader.problem("domain", "must be a domain such as example.com")
            }
        }
        let industry = reader.string("industry", maxLength: 100)
        let employees = reader.integer("employeeCount", in: 0...10_000_000)
        var country = reader.string("country", maxLength: 2)
        if let code = country.value {
            let upper = code.uppercased()
            if upper.count == 2, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) {
                country = .value(upper)
            } else {
                reader.problem("country", "must be an ISO 3166-1 alpha-2 code such as DE")
            }
        }
        let input = AccountInput(name: name, domain: domain, industry: industry.map { $0.lowercased() },
                                 employeeCount: employees, country: country, ownerID: reader.id("ownerId"),
                                 externalID: reader.string("externalId", maxLength: 100))
        try reader.finish(entity: "account")
        return input
    }
}

/// The fields of a person in a request.
public struct PersonInput: Sendable {
    public var email: FieldValue<EmailAddress>
    public var firstName: FieldValue<String>
    public var lastName: FieldValue<String>
    public var title: FieldValue<String>
    public var seniority: FieldValue<Seniority>
    public var accountID: FieldValue<UUID>
    public var optedOut: FieldValue<Bool>
    public var externalID: FieldValue<String>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> PersonInput {
        var reader = FieldReader(json)
        let input = PersonInput(
            email: reader.notNull("email", reader.email("email", required: mode.creating)),
            firstName: reader.string("firstName", maxLength: 100), lastName: reader.string("lastName", maxLength: 100),
            title: reader.string("title", maxLength: 200), seniority: reader.vocabulary("seniority", Seniority.self),
            accountID: reader.id("accountId"), optedOut: reader.notNull("optedOut", reader.bool("optedOut")),
            externalID: reader.string("externalId", maxLength: 100))
        try reader.finish(entity: "person")
        return input
    }
}

/// What a campaign cost in one month.
public struct MonthlyCost: Sendable, Hashable, Codable {
    /// `YYYY-MM`.
    public var month: String
    public var amount: Money

    public init(month: String, amount: Money) {
        self.month = month
        self.amount = amount
    }
}

/// The fields of a campaign in a request.
public struct CampaignInput: Sendable {
    public var name: FieldValue<String>
    public var channel: FieldValue<Channel>
    public var supplier: FieldValue<String>
    public var startsOn: FieldValue<Date>
    public var endsOn: FieldValue<Date>
    public var utmSource: FieldValue<String>
    public var utmMedium: FieldValue<String>
    public var utmCampaign: FieldValue<String>
    public var externalID: FieldValue<String>
    /// When present, replaces every monthly cost of the campaign.
    public var costs: FieldValue<[MonthlyCost]>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> CampaignInput {
        var reader = FieldReader(json)
        let name = reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200))
        let channel = reader.notNull("channel", reader.vocabulary("channel", Channel.self, required: mode.creating))
        let startsOn = reader.date("startsOn"), endsOn = reader.date("endsOn")
        if let start = startsOn.value, let end = endsOn.value, end < start {
            reader.problem("endsOn", "must not be before startsOn")
        }
        let input = CampaignInput(
            name: name, channel: channel, supplier: reader.string("supplier", maxLength: 200),
            startsOn: startsOn, endsOn: endsOn,
            utmSource: reader.string("utmSource", maxLength: 200).map { $0.lowercased() },
            utmMedium: reader.string("utmMedium", maxLength: 200).map { $0.lowercased() },
            utmCampaign: reader.string("utmCampaign", maxLength: 200).map { $0.lowercased() },
            externalID: reader.string("externalId", maxLength: 100), costs: readCosts(&reader))
        try reader.finish(entity: "campaign")
        return input
    }

    private static func readCosts(_ reader: inout FieldReader) -> FieldValue<[MonthlyCost]> {
        guard let raw = reader.raw("costs") else { return .absent }
        guard case let .array(items) = raw else {
            reader.problem("costs", "must be an array of {month, amount}")
            return .absent
        }
        var costs: [MonthlyCost] = []
        var months = Set<String>()
        for (index, item) in items.enumerated() {
            var nested = FieldReader(item, prefix: reader.path("costs") + "[\(index)]")
            let month = nested.string("month", required: true, maxLength: 7).value
            if let month, !CalendarDate.isMonth(month) { nested.problem("month", "must be a month such as 2026-03") }
            if let month, !months.insert(month).inserted { nested.problem("month", "\(month) is listed twice") }
            let amount = nested.money("amount", required: true).value
            nested.rejectUnknownFields(entity: "cost")
            if nested.report.problems.isEmpty, let month, let amount {
                costs.append(MonthlyCost(month: month, amount: amount))
            }
            for problem in nested.report.problems { reader.problemAtPath(problem) }
        }
        return .value(costs)
    }
}

extension FieldReader {
    /// Records a problem whose path is already complete.
    mutating func problemAtPath(_ error: FieldError) {
        reportProblem(error)
    }
}

extension FieldValue {
    /// Transforms the value, keeping absent and null.
    public func map<T>(_ transform: (Value) -> T) -> FieldValue<T> {
        switch self {
        case .absent: .absent
        case .null: .null
        case let .value(value): .value(transform(value))
        }
    }
}

/// Web domains, as accounts and email matching use them.
public enum Domain {
    /// `https://www.Example.com/about` → `example.com`; nil when it is not a domain.
    public static func normalize(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text.removeFirst(scheme.count) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        if text.hasPrefix("www.") { text.removeFirst(4) }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }) else { return nil }
        return text
    }
}
