import Foundation

/// `accord export ENTITY --format salesforce|hubspot|csv|ndjson`.
public enum ExportFormat: String, Vocabulary {
    case salesforce, hubspot, csv, ndjson
}

/// What to export, in the format's own words.
public enum ExportEntity: String, Vocabulary {
    case persons, contacts, leads, accounts, companies, campaigns, opportunities, deals
    case campaignMembers = "campaign_members"
    case contactRoles = "contact_roles"
    case campaignCosts = "campaign_costs"

    public var isAccount: Bool { self == .accounts || self == .companies }
}

/// A person as exported: contact data, the account, and the stage of their latest lead.
public struct ExportPerson: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var externalID: String?
    public var optedOut: Bool
    public var source: String?
    public var accountID: UUID?
    public var accountExternalID: String?
    public var accountName: String?
    public var stage: LeadStage?
    public var createdAt: Date?

    public init(id: UUID, email: String, firstName: String? = nil, lastName: String? = nil, title: String? = nil,
                externalID: String? = nil, optedOut: Bool = false, source: String? = nil, accountID: UUID? = nil,
                accountExternalID: String? = nil, accountName: String? = nil, stage: LeadStage? = nil, createdAt: Date? = nil) {
        self.id = id
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.title = title
        self.externalID = externalID
        self.optedOut = optedOut
        self.source = source
        self.accountID = accountID
        self.accountExternalID = accountExternalID
        self.accountName = accountName
        self.stage = stage
        self.createdAt = createdAt
    }
}

public struct ExportAccount: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var domain: String?
    public var industry: String?
    public var employees: Int?
    public var country: String?
    public var externalID: String?
    public var createdAt: Date?

    public init(id: UUID, name: String, domain: String? = nil, industry: String? = nil, employees: Int? = nil,
                country: String? = nil, externalID: String? = nil, createdAt: Date? = nil) {
        self.id = id
        self.name = name
        self.domain = domain
        self.industry = industry
        self.employees = employees
        self.country = country
        self.externalID = externalID
        self.createdAt = createdAt
    }
}

/// The columns and cells of each format. Salesforce and HubSpot files use the headers `accord import` recognises,
/// so an export imports back with no change: a record's CRM id is its id from that CRM, else `accord:<uuid>`
/// (which the importer matches to the record itself); a stage the CRM has no word for is written by its Accord name.
public enum ExportTable {
    public static func check(_ entity: ExportEntity, _ format: ExportFormat) throws(FieldError) {
        let allowed: [ExportEntity] = switch format {
        case .salesforce: [.contacts, .leads, .accounts, .campaigns, .campaignMembers, .opportunities, .contactRoles, .campaignCosts]
        case .hubspot: [.contacts, .companies, .deals]
        case .csv, .ndjson: [.persons, .accounts, .campaigns, .campaignMembers, .opportunities, .contactRoles, .campaignCosts]
        }
        guard allowed.contains(entity) else {
            throw FieldError(field: "entity", problem: "\(format.rawValue) exports \(allowed.map(\.rawValue).joined(separator: ", ")), not \(entity.rawValue)")
        }
    }

    public static func header(_ entity: ExportEntity, _ format: ExportFormat) -> [String] {
        if let header = recordHeader(entity, format) { return header }
        return switch (format, entity) {
        case (.salesforce, .contacts): ["Id", "FirstName", "LastName", "Email", "Title", "AccountId", "HasOptedOutOfEmail", "CreatedDate"]
        case (.salesforce, .leads): ["Id", "FirstName", "LastName", "Email", "Title", "Company", "Status", "IsConverted", "HasOptedOutOfEmail", "CreatedDate"]
        case (.salesforce, _): ["Id", "Name", "Website", "Industry", "NumberOfEmployees", "BillingCountry", "CreatedDate"]
        case (.hubspot, .contacts): ["hs_object_id", "email", "firstname", "lastname", "jobtitle", "associatedcompanyid", "lifecyclestage", "hs_email_optout", "createdate"]
        case (.hubspot, _): ["hs_object_id", "name", "domain", "industry", "numberofemployees", "country", "createdate"]
        case (_, .accounts), (_, .companies): ["id", "name", "domain", "industry", "employees", "country", "external_id", "created_at"]
        default: ["id", "email", "first_name", "last_name", "title", "account_id", "external_id", "opted_out", "stage", "source", "created_at"]
        }
    }

    /// A record's id in a CRM's file.
    public static func crmID(_ externalID: String?, _ id: UUID, _ source: ImportSource) -> String {
        let prefix = source.rawValue + ":"
        if let externalID, externalID.hasPrefix(prefix) { return String(externalID.dropFirst(prefix.count)) }
        return "accord:" + id.uuidString
    }

    static func date(_ date: Date?) -> String { date.map(ISOTimestamp.format) ?? "" }

    /// Whether a person belongs in the file (a Salesforce leads file holds the people with a lead).
    public static func includes(_ person: ExportPerson, _ entity: ExportEntity, _ format: ExportFormat) -> Bool {
        !(format == .salesforce && entity == .leads && person.stage == nil)
    }

    public static func cells(_ person: ExportPerson, _ entity: ExportEntity, _ format: ExportFormat) -> [String] {
        let account = { (source: ImportSource) in person.accountID.map { crmID(person.accountExternalID, $0, source) } ?? "" }
        switch (format, entity) {
        case (.salesforce, .leads):
            let converted = [LeadStage.sql, .opportunity, .won].contains(person.stage)
            return [crmID(person.externalID, person.id, .salesforce), person.firstName ?? "", person.lastName ?? "", person.email,
                    person.title ?? "", person.accountName ?? "", LifecycleMap.exported(person.stage, source: .salesforce),
                    converted ? "true" : "false", person.optedOut ? "true" : "false", date(person.createdAt)]
        case (.salesforce, _):
            return [crmID(person.externalID, person.id, .salesforce), person.firstName ?? "", person.lastName ?? "", person.email,
                    person.title ?? "", account(.salesforce), person.optedOut ? "true" : "false", date(person.createdAt)]
        case (.hubspot, _):
            return [crmID(person.externalID, person.id, .hubspot), person.email, person.firstName ?? "", person.lastName ?? "",
                    person.title ?? "", account(.hubspot), LifecycleMap.exported(person.stage, source: .hubspot),
                    person.optedOut ? "true" : "false", date(person.createdAt)]
        default:
            return [person.id.uuidString, person.email, person.firstName ?? "", person.lastName ?? "", person.title ?? "",
                    person.accountID?.uuidString ?? "", person.externalID ?? "", person.optedOut ? "true" : "false",
                    person.stage?.rawValue ?? "", person.source ?? "", date(person.createdAt)]
        }
    }

    public static func cells(_ account: ExportAccount, _ format: ExportFormat) -> [String] {
        let common = [account.industry ?? "", account.employees.map(String.init) ?? "", account.country ?? ""]
        switch format {
        case .salesforce:
            return [crmID(account.externalID, account.id, .salesforce), account.name, account.domain ?? ""] + common + [date(account.createdAt)]
        case .hubspot:
            return [crmID(account.externalID, account.id, .hubspot), account.name, account.domain ?? ""] + common + [date(account.createdAt)]
        case .csv, .ndjson:
            return [account.id.uuidString, account.name, account.domain ?? ""] + common + [account.externalID ?? "", date(account.createdAt)]
        }
    }

    /// One NDJSON line: the csv columns as a JSON object with camelCase names (empty cells left out).
    public static func ndjson(header: [String], cells: [String]) -> String {
        var object: [String: Any] = [:]
        for (name, cell) in zip(header, cells) where !cell.isEmpty {
            let parts = name.split(separator: "_")
            let key = parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
            switch name {
            case "opted_out", "is_primary": object[key] = cell == "true"
            case "employees", "amount_minor": object[key] = Int(cell) ?? cell
            default: object[key] = cell
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
