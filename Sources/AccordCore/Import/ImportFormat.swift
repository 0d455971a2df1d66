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
    /// A suppression list (emails or domains never to contact or recreate); any source, named with --object.
    case suppressions

    /// The Accord record a row of this object becomes.
    public var kind: ImportKind {
        switch self {
        case .leads, .contacts: .person
        case .accounts, .companies: .account
        case .campaigns: .campaign
        case .campaignMembers: .campaignMember
        case .opportunities, .deals: .opportunity
        case .contactRoles: .contactRole
        case .campaignCosts: .campaignCost
        case .suppressions: .suppression
        }
    }

    /// The objects each CRM exports (campaign costs are Accord's own file, named with either CRM's ids).
    public static func exported(by source: ImportSource) -> [ImportObject] {
        switch source {
        case .salesforce: [.leads, .contacts, .accounts, .campaigns, .campaignMembers, .opportunities, .contactRoles, .campaignCosts,
                           .suppressions]
        case .hubspot: [.contacts, .companies, .deals, .campaignCosts, .suppressions]
        }
    }
}

/// The Accord record a row becomes.
public enum ImportKind: String, Sendable {
    case person, account, campaign, opportunity
    case campaignMember = "campaign_member"
    case contactRole = "contact_role"
    case campaignCost = "campaign_cost"
    case suppression
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
    // campaigns
    case channel
    case supplier
    case startsAt = "starts_at"
    case endsAt = "ends_at"
    case utmSource = "utm_source"
    case utmMedium = "utm_medium"
    case utmCampaign = "utm_campaign"
    // campaign members (a touchpoint each) and campaign costs
    case campaignExternalID = "campaign_external_id"
    case campaignName = "campaign_name"
    case leadExternalID = "lead_external_id"
    case contactExternalID = "contact_external_id"
    case memberStatus = "member_status"
    case responded
    case respondedAt = "responded_at"
    case month
    // opportunities and contact roles
    case amount
    case currency
    case dealStage = "deal_stage"
    case closed
    case won
    case closedAt = "closed_at"
    case opportunityExternalID = "opportunity_external_id"
    case contactIDs = "contact_ids"
    case role
    case primary
    // suppression lists
    case reason
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

    static let salesforceCampaign: [String: ImportField] = [
        "Id": .externalID, "Campaign ID": .externalID, "Name": .name, "Campaign Name": .name, "Type": .channel,
        "Campaign Type": .channel, "StartDate": .startsAt, "Start Date": .startsAt, "EndDate": .endsAt, "End Date": .endsAt,
        "Supplier": .supplier, "Supplier__c": .supplier, "Vendor": .supplier, "UTM Source": .utmSource,
        "UTM_Source__c": .utmSource, "UTM Medium": .utmMedium, "UTM_Medium__c": .utmMedium, "UTM Campaign": .utmCampaign,
        "UTM_Campaign__c": .utmCampaign, "CreatedDate": .createdAt, "Created Date": .createdAt,
    ]
    static let salesforceCampaignMember: [String: ImportField] = [
        "Id": .externalID, "Campaign Member ID": .externalID, "CampaignId": .campaignExternalID,
        "Campaign ID": .campaignExternalID, "LeadId": .leadExternalID, "Lead ID": .leadExternalID,
        "ContactId": .contactExternalID, "Contact ID": .contactExternalID, "Email": .email, "Status": .memberStatus,
        "Member Status": .memberStatus, "HasResponded": .responded, "Responded": .responded,
        "FirstRespondedDate": .respondedAt, "First Responded Date": .respondedAt, "CreatedDate": .createdAt,
        "Created Date": .createdAt,
    ]
    static let salesforceOpportunity: [String: ImportField] = [
        "Id": .externalID, "Opportunity ID": .externalID, "Name": .name, "Opportunity Name": .name,
        "AccountId": .accountExternalID, "Account ID": .accountExternalID, "Amount": .amount,
        "CurrencyIsoCode": .currency, "Opportunity Currency": .currency, "Currency": .currency, "StageName": .dealStage,
        "Stage": .dealStage, "IsClosed": .closed, "Closed": .closed, "IsWon": .won, "Won": .won, "CloseDate": .closedAt,
        "Close Date": .closedAt, "CreatedDate": .createdAt, "Created Date": .createdAt,
    ]
    static let salesforceContactRole: [String: ImportField] = [
        "Id": .ignore, "OpportunityId": .opportunityExternalID, "Opportunity ID": .opportunityExternalID,
        "ContactId": .contactExternalID, "Contact ID": .contactExternalID, "Email": .email, "Role": .role,
        "Contact Role": .role, "IsPrimary": .primary, "Primary": .primary,
    ]
    static let hubspotDeal: [String: ImportField] = [
        "hs_object_id": .externalID, "Record ID": .externalID, "dealname": .name, "Deal Name": .name, "amount": .amount,
        "Amount": .amount, "deal_currency_code": .currency, "Currency": .currency, "dealstage": .dealStage,
        "Deal Stage": .dealStage, "hs_is_closed": .closed, "Is Closed": .closed, "hs_is_closed_won": .won,
        "Is Closed Won": .won, "closedate": .closedAt, "Close Date": .closedAt, "createdate": .createdAt,
        "Create Date": .createdAt, "associatedcompanyid": .accountExternalID, "Associated Company ID": .accountExternalID,
        "Associated Company IDs (Primary)": .accountExternalID, "associatedcontactids": .contactIDs,
        "Associated Contact IDs": .contactIDs, "Associated Contact": .contactIDs,
    ]
    /// Accord's own monthly cost file: a campaign by id or by name, a month, an amount and a currency.
    static let campaignCost: [String: ImportField] = [
        "campaign_id": .campaignExternalID, "Campaign ID": .campaignExternalID, "CampaignId": .campaignExternalID,
        "campaign": .campaignName, "Campaign Name": .campaignName, "month": .month, "amount": .amount, "cost": .amount,
        "Actual Cost": .amount, "currency": .currency,
    ]

    /// A suppression list from any tool: an email or a domain per row, and why.
    static let suppression: [String: ImportField] = [
        "email": .email, "Email Address": .email, "domain": .domain, "reason": .reason, "Unsubscribe reason": .reason,
    ]

    /// The catalog of a source's object, keyed by normalized header.
    public static func fields(_ source: ImportSource, _ object: ImportObject) -> [String: ImportField] {
        let table: [String: ImportField] = switch (source, object.kind) {
        case (.salesforce, .person): salesforcePerson
        case (.salesforce, .account): salesforceAccount
        case (.salesforce, .campaign): salesforceCampaign
        case (.salesforce, .campaignMember): salesforceCampaignMember
        case (.salesforce, .opportunity): salesforceOpportunity
        case (.salesforce, .contactRole): salesforceContactRole
        case (.hubspot, .person): hubspotContact
        case (.hubspot, .account): hubspotCompany
        case (.hubspot, .opportunity): hubspotDeal
        case (_, .campaignCost): campaignCost
        case (_, .suppression): suppression
        default: [:]
        }
        return Dictionary(table.map { (key($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Headers only one source writes: they tell the files apart when `--source auto`.
    static let salesforceMarks = ["Id", "IsConverted", "HasOptedOutOfEmail", "AccountId", "Contact ID", "Lead ID",
                                  "Account ID", "Account Name", "Email Opt Out", "CreatedDate", "CampaignId", "LeadId",
                                  "ContactId", "OpportunityId", "StageName", "IsWon", "HasResponded", "Campaign Member ID",
                                  "Opportunity ID", "Opportunity Name", "Campaign Name", "StartDate"].map(key)
    static let hubspotMarks = ["hs_object_id", "Record ID", "lifecyclestage", "hs_lead_status", "Lifecycle Stage",
                               "createdate", "Create Date", "Company Domain Name", "Associated Company ID", "dealname",
                               "dealstage", "Deal Name", "Deal Stage", "hs_is_closed_won", "Associated Contact IDs"].map(key)
}
