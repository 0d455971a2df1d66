import Foundation

/// How to read a slashed date such as 03/04/2025, which CRMs export in the user's locale.
public enum SlashDateOrder: String, Vocabulary {
    /// 03/04/2025 is March 4 (United States).
    case mdy
    /// 03/04/2025 is 3 April (most of Europe).
    case dmy
}

/// Reads the dates CRM exports write: ISO 8601 dates and times (with or without a zone, milliseconds or `T`),
/// epoch milliseconds (HubSpot's API exports), and slashed dates with an optional time. A slashed date whose day
/// and month could be swapped (03/04/2025) is refused as ambiguous unless the order is given; one that cannot
/// (13/04/2025) is read the only way it can be. Times without a zone are UTC.
public struct ImportDateReader: Sendable {
    public var order: SlashDateOrder?

    public init(order: SlashDateOrder? = nil) {
        self.order = order
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public func read(_ raw: String) -> Result<Date, FieldError> {
        let text = raw.trimmingWhitespace()
        if let date = ISOTimestamp.parse(text) { return .success(date) }
        if text.count >= 11, text.count <= 13, text.allSatisfy(\.isNumber), let ms = Double(text) {
            return .success(Date(timeIntervalSince1970: ms / 1000))
        }
        // 2025-03-04, 2025-03-04 10:00[:00][.000], 2025-03-04T10:00:00.000+0000
        if let match = text.wholeMatch(of: /(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?/) {
            return make(Int(match.1)!, Int(match.2)!, Int(match.3)!, match.4.flatMap { Int($0) }, match.5.flatMap { Int($0) },
                        match.6.flatMap { Int($0) }, zone: match.7.map(String.init), text)
        }
        // 03/04/2025, 3/4/2025 10:00, 3/4/2025 10:00 PM, 03.04.2025
        if let match = text.wholeMatch(of: /(\d{1,2})[\/.](\d{1,2})[\/.](\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?/) {
            let first = Int(match.1)!, second = Int(match.2)!
            var hour = match.4.flatMap { Int($0) }
            if let meridiem = match.7?.lowercased(), let value = hour {
                guard (1...12).contains(value) else { return .failure(problem(text, "has an hour outside 1–12 before AM/PM")) }
                hour = value % 12 + (meridiem == "pm" ? 12 : 0)
            }
            let order: SlashDateOrder
            if let given = self.order {
                order = given
            } else if first > 12 && second <= 12 {
                order = .dmy
            } else if second > 12 && first <= 12 {
                order = .mdy
            } else if first == second {
                order = .dmy  // both readings are the same day
            } else {
                return .failure(problem(text, "is ambiguous (day and month could be either way round); give --date-format dmy or --date-format mdy"))
            }
            let (month, day) = order == .mdy ? (first, second) : (second, first)
            return make(Int(match.3)!, month, day, hour, match.5.flatMap { Int($0) }, match.6.flatMap { Int($0) }, zone: nil, text)
        }
        return .failure(problem(text, "is not a date (2025-03-04, 2025-03-04T10:00:00Z, 03/04/2025 or epoch milliseconds)"))
    }

    func problem(_ text: String, _ what: String) -> FieldError { FieldError(field: "", problem: "'\(text)' \(what)") }

    func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int?, _ minute: Int?, _ second: Int?, zone: String?,
              _ text: String) -> Result<Date, FieldError> {
        var parts = DateComponents(year: year, month: month, day: day, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0)
        parts.timeZone = TimeZone(identifier: "UTC")
        guard (1...12).contains(month), (0...23).contains(hour ?? 0), (0...59).contains(minute ?? 0), (0...60).contains(second ?? 0),
              let date = Self.utc.date(from: parts), Self.utc.component(.day, from: date) == day else {
            return .failure(problem(text, "is not a real date"))
        }
        var offset = 0
        if let zone, zone != "Z" {
            let digits = zone.dropFirst().replacingOccurrences(of: ":", with: "")
            offset = (Int(digits.prefix(2))! * 60 + Int(digits.suffix(2))!) * 60 * (zone.hasPrefix("-") ? -1 : 1)
        }
        return .success(date.addingTimeInterval(TimeInterval(-offset)))
    }
}

/// Which Accord stage a CRM's lifecycle or lead-status value means. Defaults below, overridden by `--mapping`;
/// a value neither knows is a problem with the row (reported with the value, never dropped).
public struct LifecycleMap: Sendable {
    public var overrides: [String: LeadStage?]

    public init(overrides: [String: LeadStage?] = [:]) {
        self.overrides = overrides
    }

    /// HubSpot's lifecycle stages (internal names; the UI's labels normalize to the same keys).
    static let hubspot: [String: LeadStage?] = [
        "subscriber": nil, "lead": .new, "marketingqualifiedlead": .mql, "salesqualifiedlead": .sql,
        "opportunity": .opportunity, "customer": .won, "evangelist": .won, "other": nil,
    ]
    /// Salesforce's default Lead Status values.
    static let salesforce: [String: LeadStage?] = [
        "opennotcontacted": .mql, "workingcontacted": .sal, "closedconverted": .sql, "closednotconverted": .rejected,
        "open": .mql, "contacted": .sal, "qualified": .sql, "unqualified": .rejected,
    ]

    public enum Outcome: Equatable, Sendable {
        case stage(LeadStage?)
        case unknown(String)
    }

    public func stage(_ raw: String, source: ImportSource) -> Outcome {
        let key = HeaderCatalog.key(raw)
        if let override = overrides[key] { return .stage(override) }
        if let known = (source == .hubspot ? Self.hubspot : Self.salesforce)[key] { return .stage(known) }
        // Accord's own stage names (what `accord export` writes where the CRM has no word for a stage).
        if let native = LeadStage(rawValue: raw.trimmingWhitespace().lowercased()) { return .stage(native) }
        return .unknown(raw)
    }

    /// The value `accord export` writes for a stage: the CRM's word when one maps back to exactly this stage,
    /// else Accord's own name (which the importer reads back as itself).
    public static func exported(_ stage: LeadStage?, source: ImportSource) -> String {
        switch (source, stage) {
        case (.hubspot, nil): "subscriber"
        case (.hubspot, .new?): "lead"
        case (.hubspot, .mql?): "marketingqualifiedlead"
        case (.hubspot, .sql?): "salesqualifiedlead"
        case (.hubspot, .opportunity?): "opportunity"
        case (.hubspot, .won?): "customer"
        case (.salesforce, .mql?): "Open - Not Contacted"
        case (.salesforce, .sal?): "Working - Contacted"
        case (.salesforce, .sql?): "Closed - Converted"
        case (.salesforce, .rejected?): "Closed - Not Converted"
        case (_, let stage?): stage.rawValue
        case (.salesforce, nil): ""
        }
    }
}

/// A person read from a row: contact data, the account it names, and the lead stage its lifecycle means.
public struct ImportedPerson: Sendable, Equatable {
    /// An `accord:<uuid>` id (written by `accord export` for records no CRM id names): matches that record.
    public var accordID: UUID?
    public var externalID: String?
    public var email: EmailAddress
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var companyName: String?
    public var accountExternalID: String?
    /// nil: no lead (a subscriber, a plain contact); otherwise the stage of the person's lead.
    public var stage: LeadStage?
    public var optedOut: Bool?
    public var createdAt: Date?
}

/// An account read from a row.
public struct ImportedAccount: Sendable, Equatable {
    public var accordID: UUID?
    public var externalID: String?
    public var name: String
    public var domain: String?
    public var industry: String?
    public var employees: Int?
    public var country: String?
    public var createdAt: Date?
}

public enum ImportedRecord: Sendable, Equatable {
    case person(ImportedPerson)
    case account(ImportedAccount)
    case campaign(ImportedCampaign)
    case member(ImportedMember)
    case opportunity(ImportedOpportunity)
    case contactRole(ImportedContactRole)
    case cost(ImportedCost)
    case suppression(SuppressionInput)
}

/// A row read: its record, or every problem it has (and the lifecycle or status values no mapping knows).
public enum ImportedRow: Sendable, Equatable {
    case record(ImportedRecord)
    case problems([FieldError], unknownValues: [String])
}

/// One row's non-empty cells by field, and the problems found reading them (each naming its column).
struct RowCells {
    let plan: ImportPlan
    let dates: ImportDateReader
    var fields: [ImportField: (column: String, value: String)] = [:]
    var problems: [FieldError] = []
    var unknown: [String] = []

    init(plan: ImportPlan, dates: ImportDateReader, values: [String]) {
        self.plan = plan
        self.dates = dates
        for (index, field) in plan.columns {
            let value = index < values.count ? values[index].trimmingWhitespace() : ""
            if !value.isEmpty { fields[field] = (plan.headers[index], value) }
        }
    }

    mutating func problem(_ field: ImportField, _ text: String) {
        problems.append(FieldError(field: fields[field]?.column ?? plan.column(field), problem: text))
    }

    mutating func text(_ field: ImportField, max: Int = 255) -> String? {
        guard let (column, value) = fields[field] else { return nil }
        if value.unicodeScalars.contains("\u{0}") { problems.append(FieldError(field: column, problem: "contains the NUL character")); return nil }
        if value.count > max { problems.append(FieldError(field: column, problem: "is longer than \(max) characters")); return nil }
        return value
    }

    /// The text of the first of `fields` with a value; a problem naming the first when none has one.
    mutating func required(_ fields: ImportField...) -> String? {
        for field in fields where self.fields[field] != nil { return text(field) }
        problem(fields[0], "is required")
        return nil
    }

    mutating func date(_ field: ImportField) -> Date? {
        guard let (column, value) = fields[field] else { return nil }
        switch dates.read(value) {
        case let .success(date): return date
        case let .failure(error): problems.append(FieldError(field: column, problem: error.problem)); return nil
        }
    }

    mutating func flag(_ field: ImportField) -> Bool? {
        guard let (column, value) = fields[field] else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes", "y": return true
        case "false", "0", "no", "n": return false
        default: problems.append(FieldError(field: column, problem: "'\(value)' is not true or false")); return nil
        }
    }

    /// A reference to another record: `accord:<uuid>` as written, else the id with its source (`salesforce:001…`).
    mutating func reference(_ field: ImportField) -> String? {
        text(field).map { ImportRowReader.reference($0, plan.source) }
    }

    /// The currency of the row (its column, else the mapping's), checked.
    mutating func currency() -> String? {
        guard let value = text(.currency)?.uppercased() ?? plan.currency else { problem(.currency, "is required"); return nil }
        guard CurrencyCode.isValid(value) else { problem(.currency, "'\(value)' is not an ISO 4217 currency code"); return nil }
        return value
    }

    /// An amount in the currency's minor units (empty: nil).
    mutating func amount(_ currency: String?) -> Int64? {
        guard let (column, value) = fields[.amount] else { return nil }
        guard let minor = ImportAmount.minor(value, currency: currency ?? "EUR") else {
            problems.append(FieldError(field: column, problem: "'\(value)' is not an amount of money"))
            return nil
        }
        return minor
    }
}

/// Turns one CSV row into a record, or into the list of its problems (each naming its column).
public struct ImportRowReader: Sendable {
    public var plan: ImportPlan
    public var dates: ImportDateReader
    public var lifecycle: LifecycleMap
    public var mapping: ImportMapping

    public init(plan: ImportPlan, dates: ImportDateReader = ImportDateReader(), lifecycle: LifecycleMap = LifecycleMap(),
                mapping: ImportMapping = ImportMapping()) {
        self.plan = plan
        self.dates = dates
        self.lifecycle = lifecycle
        self.mapping = mapping
    }

    /// External ids carry their source, so a Salesforce id and a HubSpot id never collide.
    public static func externalID(_ raw: String, _ source: ImportSource) -> String { source.rawValue + ":" + raw }

    /// `accord:<uuid>` → the uuid.
    public static func accordID(_ raw: String) -> UUID? {
        raw.hasPrefix("accord:") ? UUID(uuidString: String(raw.dropFirst(7))) : nil
    }

    /// How a record names another: `accord:<UUID>` (normalized) or `<source>:<id>`.
    public static func reference(_ raw: String, _ source: ImportSource) -> String {
        accordID(raw).map { "accord:" + $0.uuidString } ?? externalID(raw, source)
    }

    public func read(_ values: [String]) -> ImportedRow {
        var cells = RowCells(plan: plan, dates: dates, values: values)
        let record: ImportedRecord? = switch plan.kind {
        case .person: person(&cells)
        case .account: account(&cells)
        case .campaign: campaign(&cells)
        case .campaignMember: member(&cells)
        case .opportunity: opportunity(&cells)
        case .contactRole: contactRole(&cells)
        case .campaignCost: cost(&cells)
        case .suppression: suppression(&cells)
        }
        guard let record, cells.problems.isEmpty else { return .problems(cells.problems, unknownValues: cells.unknown) }
        return .record(record)
    }

    /// The row's own id: an `accord:<uuid>` (the record itself) or the CRM's id with its source.
    func identity(_ cells: inout RowCells) -> (accordID: UUID?, externalID: String?) {
        let raw = cells.text(.externalID)
        let accordID = raw.flatMap(Self.accordID)
        return (accordID, accordID == nil ? raw.map { Self.externalID($0, plan.source) } : nil)
    }

    func person(_ cells: inout RowCells) -> ImportedRecord? {
        let (accordID, externalID) = identity(&cells)
        let created = cells.date(.createdAt)
        var email: EmailAddress?
        if let (column, value) = cells.fields[.email] {
            do { email = try EmailAddress(value) } catch { cells.problems.append(FieldError(field: column, problem: error.problem)) }
        } else {
            cells.problem(.email, "is required")
        }
        let stage = self.stage(&cells, converted: cells.flag(.converted))
        let optedOut = cells.flag(.optedOut)
        let (first, last, title, company) = (cells.text(.firstName), cells.text(.lastName), cells.text(.title), cells.text(.companyName))
        let account = cells.reference(.accountExternalID)
        guard let email else { return nil }
        return .person(ImportedPerson(accordID: accordID, externalID: externalID, email: email, firstName: first, lastName: last,
                                      title: title, companyName: company, accountExternalID: account, stage: stage,
                                      optedOut: optedOut, createdAt: created))
    }

    func account(_ cells: inout RowCells) -> ImportedRecord? {
        let (accordID, externalID) = identity(&cells)
        let created = cells.date(.createdAt)
        let name = cells.required(.name)
        var employees: Int?
        if let (column, value) = cells.fields[.employees] {
            if let number = Int(value.replacingOccurrences(of: ",", with: "")), number >= 0 { employees = number } else {
                cells.problems.append(FieldError(field: column, problem: "'\(value)' is not a whole number of employees"))
            }
        }
        let domain = cells.fields[.domain].map { Self.domain($0.value) } ?? cells.fields[.website].map { Self.domain($0.value) }
        return .account(ImportedAccount(accordID: accordID, externalID: externalID, name: name ?? "", domain: domain ?? nil,
                                        industry: cells.text(.industry), employees: employees, country: cells.text(.country),
                                        createdAt: created))
    }

    /// The lead stage from the lifecycle stage, refined by the lead status (HubSpot's UNQUALIFIED rejects a lead;
    /// Salesforce's status is the stage) and the converted flag (a converted Salesforce lead is at least `sql`).
    func stage(_ cells: inout RowCells, converted: Bool?) -> LeadStage? {
        var stage: LeadStage?
        for field in [ImportField.lifecycle, .leadStatus] {
            guard let (column, value) = cells.fields[field] else { continue }
            if plan.source == .hubspot && field == .leadStatus {
                if HeaderCatalog.key(value) == "unqualified", let current = stage, [.new, .mql].contains(current) { stage = .rejected }
                continue
            }
            switch lifecycle.stage(value, source: plan.source) {
            case let .stage(mapped): stage = mapped
            case let .unknown(raw):
                cells.unknown.append(raw)
                cells.problems.append(FieldError(field: column, problem: "'\(raw)' is not a known \(field == .lifecycle ? "lifecycle stage" : "lead status"); map it to an Accord stage (or null) under \"stages\" in --mapping"))
            }
        }
        if converted == true, stage == nil || [.new, .mql, .sal].contains(stage!) { stage = .sql }
        return stage
    }

    /// `https://www.Acme.example/about` → `acme.example`.
    static func domain(_ raw: String) -> String? {
        var text = raw.lowercased()
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        if text.hasPrefix("www.") { text.removeFirst(4) }
        text = String(text.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" })
        return text.contains(".") ? text : nil
    }
}
