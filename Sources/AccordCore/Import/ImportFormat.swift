import Foundation

/// Where a CSV file came from.
public enum ImportSource: String, Vocabulary {
    case salesforce, hubspot
}

/// What a CSV file holds, in its CRM's own words (Salesforce objects, HubSpot object types).
public enum ImportObject: String, Vocabulary {
    case leads, contacts, accounts, companies, campaigns, deals, opportunities
    case campaignMembers = "campaign_members"
    case contactRoles = "contact_roles"
    case campaignCosts = "campaign_costs"

    /// The Accord record a row of this object becomes.
    public var kind: ImportKind? {
        switch self {
        case .leads, .contacts: .person
        case .accounts, .companies: .account
        default: nil
        }
    }
}

/// The records this version imports (people with their lifecycle, and accounts); the other objects are
/// recognised and refused with a clear message until their importers exist.
public enum ImportKind: String, Sendable {
    case person, account
}

/// One of Accord's fields a column can fill.
public enum ImportField: String, Vocabulary {
    // shared
    case externalID = "external_id"
    case createdAt = "created_at"
    case ignore
    // people
    case email
    case firstName = "first_name"
    case lastName = "last_name"
    case title
    case companyName = "company_name"
    case accountExternalID = "account_external_id"
    case lifecycle
    case leadStatus = "lead_status"
    case converted
    case optedOut = "opted_out"
    // accounts
    case name
    case domain
    case website
    case industry
    case employees
    case country
}

/// The headers each CRM writes for an object, by API name and by the label its export uses, and which of Accord's
/// fields they fill. Headers are compared case-insensitively, ignoring spaces, underscores, dots and hyphens
/// (`Lifecycle Stage`, `lifecyclestage` and `LIFECYCLE_STAGE` are one header).
public enum HeaderCatalog {
    public static func key(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    static let salesforcePerson: [String: ImportField] = [
        "Id": .externalID, "Contact ID": .externalID, "Lead ID": .externalID,
        "Email": .email, "FirstName": .firstName, "First Name": .firstName, "LastName": .lastName,
        "Last Name": .lastName, "Title": .title, "Company": .companyName, "AccountId": .accountExternalID,
        "Account ID": .accountExternalID, "Status": .leadStatus, "Lead Status": .leadStatus,
        "IsConverted": .converted, "Converted": .converted, "HasOptedOutOfEmail": .optedOut,
        "Email Opt Out": .optedOut, "CreatedDate": .createdAt, "Created Date": .createdAt,
    ]
    static let salesforceAccount: [String: ImportField] = [
        "Id": .externalID, "Account ID": .externalID, "Name": .name, "Account Name": .name, "Website": .website,
        "Industry": .industry, "NumberOfEmployees": .employees, "Employees": .employees,
        "BillingCountry": .country, "Billing Country": .country, "CreatedDate": .createdAt, "Created Date": .createdAt,
    ]
    static let hubspotContact: [String: ImportField] = [
        "hs_object_id": .externalID, "Record ID": .externalID, "email": .email, "Email": .email,
        "firstname": .firstName, "First Name": .firstName, "lastname": .lastName, "Last Name": .lastName,
        "jobtitle": .title, "Job Title": .title, "company": .companyName, "Company Name": .companyName,
        "associatedcompanyid": .accountExternalID, "Associated Company ID": .accountExternalID,
        "Primary Associated Company ID": .accountExternalID,
        "lifecyclestage": .lifecycle, "Lifecycle Stage": .lifecycle, "hs_lead_status": .leadStatus,
        "Lead Status": .leadStatus, "hs_email_optout": .optedOut, "Unsubscribed from all email": .optedOut,
        "createdate": .createdAt, "Create Date": .createdAt,
    ]
    static let hubspotCompany: [String: ImportField] = [
        "hs_object_id": .externalID, "Record ID": .externalID, "name": .name, "Company name": .name,
        "domain": .domain, "Company Domain Name": .domain, "website": .website, "Website URL": .website,
        "industry": .industry, "Industry": .industry, "numberofemployees": .employees,
        "Number of Employees": .employees, "country": .country, "Country/Region": .country,
        "createdate": .createdAt, "Create Date": .createdAt,
    ]

    /// The catalog of a source's object, keyed by normalized header.
    public static func fields(_ source: ImportSource, _ object: ImportObject) -> [String: ImportField] {
        let table: [String: ImportField] = switch (source, object.kind) {
        case (.salesforce, .person): salesforcePerson
        case (.salesforce, .account): salesforceAccount
        case (.hubspot, .person): hubspotContact
        case (.hubspot, .account): hubspotCompany
        default: [:]
        }
        return Dictionary(table.map { (key($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Headers only one source writes: they tell the files apart when `--source auto`.
    static let salesforceMarks = ["Id", "IsConverted", "HasOptedOutOfEmail", "AccountId", "Contact ID", "Lead ID",
                                  "Account ID", "Account Name", "Email Opt Out", "CreatedDate"].map(key)
    static let hubspotMarks = ["hs_object_id", "Record ID", "lifecyclestage", "hs_lead_status", "Lifecycle Stage",
                               "createdate", "Create Date", "Company Domain Name", "Associated Company ID"].map(key)
}
