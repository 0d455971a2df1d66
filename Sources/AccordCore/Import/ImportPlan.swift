import Foundation

/// Overrides from `--mapping FILE`: which field a header fills; which Accord stage a CRM lifecycle or status value
/// means (`null`: the person gets no lead); which channel a campaign type is; which touchpoint kind a campaign
/// member status is (`null`: not a touch, such as "Sent" when only responses count); whether a deal stage is open,
/// won or lost; and the currency of amounts when the file has no currency column.
///
///     {"columns": {"Customer Email": "email", "Notes": "ignore"},
///      "stages": {"evangelist": "won", "Nurture": "new", "other": null},
///      "channels": {"Roadshow": "event"}, "statuses": {"Booth Visit": "attended", "Sent": null},
///      "outcomes": {"Signed": "won"}, "currency": "EUR"}
public struct ImportMapping: Sendable, Equatable {
    public var columns: [String: ImportField] = [:]
    public var stages: [String: LeadStage?] = [:]
    public var channels: [String: Channel] = [:]
    public var statuses: [String: TouchpointKind?] = [:]
    public var outcomes: [String: OpportunityStatus] = [:]
    public var currency: String?

    public init(columns: [String: ImportField] = [:], stages: [String: LeadStage?] = [:], channels: [String: Channel] = [:],
                statuses: [String: TouchpointKind?] = [:], outcomes: [String: OpportunityStatus] = [:], currency: String? = nil) {
        self.columns = columns
        self.stages = stages
        self.channels = channels
        self.statuses = statuses
        self.outcomes = outcomes
        self.currency = currency
    }

    static let keys = ["columns", "stages", "channels", "statuses", "outcomes", "currency"]

    /// Reads the mapping file's JSON; every bad entry is named.
    public static func parse(_ data: Data) throws(AccordError) -> ImportMapping {
        var report = ValidationReport()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .validation([FieldError(field: "mapping", problem: "must be a JSON object with any of: \(keys.joined(separator: ", "))")])
        }
        var mapping = ImportMapping()
        for key in object.keys where !keys.contains(key) {
            report.add("mapping.\(key)", "is not a known key (\(keys.joined(separator: ", ")))")
        }
        /// One section: an object of CRM value → one of `T`'s values (or null where `nullable`).
        func section<T: Vocabulary>(_ name: String, _ what: String, nullable: Bool, _ set: (String, T?) -> Void) {
            guard let value = object[name] else { return }
            guard let entries = value as? [String: Any] else { return report.add("mapping.\(name)", "must be an object of \(what)") }
            for (key, entry) in entries {
                if nullable, entry is NSNull {
                    set(HeaderCatalog.key(key), nil)
                } else if let raw = entry as? String, let parsed = T(rawValue: raw) {
                    set(HeaderCatalog.key(key), parsed)
                } else {
                    report.add("mapping.\(name).\(key)", "must be \(nullable ? "null or " : "")one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
        section("columns", "header → field", nullable: false) { (key, field: ImportField?) in mapping.columns[key] = field }
        section("stages", "CRM value → Accord stage", nullable: true) { (key, stage: LeadStage?) in mapping.stages[key] = .some(stage) }
        section("channels", "campaign type → channel", nullable: false) { (key, channel: Channel?) in mapping.channels[key] = channel }
        section("statuses", "member status → touchpoint kind", nullable: true) { (key, kind: TouchpointKind?) in
            mapping.statuses[key] = .some(kind)
        }
        section("outcomes", "deal stage → open, won or lost", nullable: false) { (key, outcome: OpportunityStatus?) in
            mapping.outcomes[key] = outcome
        }
        if let currency = object["currency"] {
            if let code = currency as? String, CurrencyCode.isValid(code) { mapping.currency = code } else {
                report.add("mapping.currency", "must be an ISO 4217 code such as \"EUR\"")
            }
        }
        if !report.problems.isEmpty { throw .validation(report.problems) }
        return mapping
    }
}

/// A whole-file problem (nothing was read): the message says what to do.
public struct ImportSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a file's columns fill Accord's fields, decided once from its header row.
public struct ImportPlan: Sendable, Equatable {
    public var source: ImportSource
    public var object: ImportObject
    public var headers: [String]
    /// Column index → field (columns not listed are not imported).
    public var columns: [Int: ImportField]
    /// Headers Accord does not know (reported, not imported).
    public var unrecognized: [String]

    /// The currency of amounts when the file has no currency column (from the mapping).
    public var currency: String?

    public var kind: ImportKind { object.kind }

    /// The header of the column that fills `field`, or the field's own name when no column does.
    public func column(_ field: ImportField) -> String {
        columns.first { $0.value == field }.map { headers[$0.key] } ?? field.rawValue
    }

    public static func make(headers: [String], source: ImportSource?, object: ImportObject?,
                            mapping: ImportMapping = ImportMapping()) throws(ImportSetupError) -> ImportPlan {
        let keys = headers.map(HeaderCatalog.key)
        guard keys.contains(where: { !$0.isEmpty }) else { throw ImportSetupError("the file has no header row") }
        // A suppression list names no CRM; its source does not matter.
        let source = source ?? detectSource(keys) ?? (object == .suppressions ? .salesforce : nil)
        guard let source else {
            throw ImportSetupError("cannot tell whether this is a Salesforce or a HubSpot export from its headers; give --source salesforce or --source hubspot")
        }
        let objects = ImportObject.exported(by: source)
        let object = object ?? detectObject(keys, source: source)
        guard let object else {
            throw ImportSetupError("cannot tell which \(source.rawValue) object this is from its headers; give --object (\(objects.map(\.rawValue).joined(separator: ", ")))")
        }
        guard objects.contains(object) else {
            throw ImportSetupError("\(source.rawValue) exports have no \(object.rawValue); use \(objects.map(\.rawValue).joined(separator: ", "))")
        }
        let catalog = HeaderCatalog.fields(source, object)
        var columns: [Int: ImportField] = [:], unrecognized: [String] = []
        var filledBy: [ImportField: Int] = [:]
        for (index, key) in keys.enumerated() {
            guard let field = mapping.columns[key] ?? catalog[key] else {
                if !key.isEmpty { unrecognized.append(headers[index]) }
                continue
            }
            guard field != .ignore else { continue }
            if let other = filledBy[field] {
                throw ImportSetupError("columns \"\(headers[other])\" and \"\(headers[index])\" both fill \(field.rawValue); map one of them to \"ignore\" with --mapping")
            }
            filledBy[field] = index
            columns[index] = field
        }
        // Each group needs one of its fields filled by a column.
        let required: [[ImportField]] = switch object.kind {
        case .person: [[.email]]
        case .account, .campaign: [[.name]]
        case .campaignMember: [[.campaignExternalID], [.leadExternalID, .contactExternalID, .email], [.memberStatus, .responded]]
        case .opportunity: [[.name], [.accountExternalID], [.dealStage, .closed, .won]]
        case .contactRole: [[.opportunityExternalID], [.contactExternalID, .email]]
        case .campaignCost: [[.campaignExternalID, .campaignName], [.month], [.amount]]
        case .suppression: [[.email, .domain]]
        }
        for group in required where !group.contains(where: { filledBy[$0] != nil }) {
            let known = catalog.filter { group.contains($0.value) }.map(\.key).sorted().joined(separator: ", ")
            throw ImportSetupError("no column fills \(group.map(\.rawValue).joined(separator: " or ")) (looked for \(known)); name it with --mapping")
        }
        if filledBy[.amount] != nil && filledBy[.currency] == nil && mapping.currency == nil {
            throw ImportSetupError("the file has amounts but no currency column; give the currency in --mapping, such as {\"currency\": \"EUR\"}")
        }
        return ImportPlan(source: source, object: object, headers: headers, columns: columns, unrecognized: unrecognized,
                          currency: mapping.currency)
    }

    static func detectSource(_ keys: [String]) -> ImportSource? {
        let salesforce = keys.filter(HeaderCatalog.salesforceMarks.contains).count
        let hubspot = keys.filter(HeaderCatalog.hubspotMarks.contains).count
        if salesforce == hubspot {
            // A cost file names no CRM of its own; its campaign ids are Salesforce's (HubSpot exports no campaigns).
            return isCampaignCosts(keys) ? .salesforce : nil
        }
        return salesforce > hubspot ? .salesforce : .hubspot
    }

    static func isCampaignCosts(_ keys: [String]) -> Bool {
        let costs = HeaderCatalog.fields(.salesforce, .campaignCosts)
        return keys.contains { costs[$0] == .month } && keys.contains { costs[$0] == .amount }
    }

    static func detectObject(_ keys: [String], source: ImportSource) -> ImportObject? {
        if isCampaignCosts(keys) { return .campaignCosts }
        func has(_ object: ImportObject, _ fields: ImportField...) -> Bool {
            let catalog = HeaderCatalog.fields(source, object)
            return fields.allSatisfy { field in keys.contains { catalog[$0] == field } }
        }
        if source == .hubspot {
            if has(.deals, .dealStage) || has(.deals, .name) { return .deals }
        } else {
            if has(.contactRoles, .opportunityExternalID) && !has(.opportunities, .dealStage) { return .contactRoles }
            if has(.campaignMembers, .campaignExternalID) && (has(.campaignMembers, .memberStatus) || has(.campaignMembers, .responded)) {
                return .campaignMembers
            }
            if has(.opportunities, .dealStage) || has(.opportunities, .won) { return .opportunities }
            // Accounts have a Type column too; a campaign file has no account attributes.
            let accountish = [ImportField.website, .industry, .employees, .country].contains { has(.accounts, $0) }
            if !accountish && [ImportField.channel, .startsAt, .endsAt].contains(where: { has(.campaigns, $0) }) { return .campaigns }
        }
        let person = HeaderCatalog.fields(source, .contacts), account = HeaderCatalog.fields(source, .accounts)
        let hasEmail = keys.contains { person[$0] == .email }
        if hasEmail {
            guard source == .salesforce else { return .contacts }
            // A Salesforce lead has a status, a company name or a converted flag; a contact has an account.
            let leadish = keys.contains { [.leadStatus, .converted, .companyName].contains(person[$0]) }
            return leadish ? .leads : .contacts
        }
        if keys.contains(where: { account[$0] == .name || account[$0] == .domain }) {
            return source == .salesforce ? .accounts : .companies
        }
        return nil
    }
}
