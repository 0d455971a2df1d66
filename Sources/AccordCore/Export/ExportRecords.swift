import Foundation

/// A record named in another CRM's file: Accord's id and its external id (if any).
public struct ExportReference: Sendable, Equatable {
    public var id: UUID
    public var externalID: String?

    public init(id: UUID, externalID: String? = nil) {
        self.id = id
        self.externalID = externalID
    }

    func crm(_ source: ImportSource) -> String { ExportTable.crmID(externalID, id, source) }
}

public struct ExportCampaign: Sendable, Equatable {
    public var ref: ExportReference
    public var name: String
    public var channel: Channel
    public var supplier: String?
    public var startsAt: Date?
    public var endsAt: Date?
    public var utm: UTMTags
    public var createdAt: Date?

    public init(ref: ExportReference, name: String, channel: Channel, supplier: String?, startsAt: Date?, endsAt: Date?,
                utm: UTMTags, createdAt: Date?) {
        self.ref = ref
        self.name = name
        self.channel = channel
        self.supplier = supplier
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.utm = utm
        self.createdAt = createdAt
    }
}

/// A touchpoint with a campaign, as a campaign member.
public struct ExportMember: Sendable, Equatable {
    public var id: UUID
    public var eventID: String?
    public var campaign: ExportReference
    public var person: ExportReference
    public var email: String
    public var kind: TouchpointKind
    public var side: Side
    public var channel: Channel
    public var occurredAt: Date

    public init(id: UUID, eventID: String?, campaign: ExportReference, person: ExportReference, email: String,
                kind: TouchpointKind, side: Side, channel: Channel, occurredAt: Date) {
        self.id = id
        self.eventID = eventID
        self.campaign = campaign
        self.person = person
        self.email = email
        self.kind = kind
        self.side = side
        self.channel = channel
        self.occurredAt = occurredAt
    }
}

public struct ExportOpportunity: Sendable, Equatable {
    public var ref: ExportReference
    public var account: ExportReference
    public var name: String
    public var amount: Money
    public var stage: String
    public var status: OpportunityStatus
    public var openedAt: Date
    public var closedAt: Date?
    /// The people with a role on the deal (HubSpot's associated contacts).
    public var contacts: [ExportReference]

    public init(ref: ExportReference, account: ExportReference, name: String, amount: Money, stage: String,
                status: OpportunityStatus, openedAt: Date, closedAt: Date?, contacts: [ExportReference]) {
        self.ref = ref
        self.account = account
        self.name = name
        self.amount = amount
        self.stage = stage
        self.status = status
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.contacts = contacts
    }
}

public struct ExportContactRole: Sendable, Equatable {
    public var id: UUID
    public var opportunity: ExportReference
    public var person: ExportReference
    public var role: String?
    public var isPrimary: Bool

    public init(id: UUID, opportunity: ExportReference, person: ExportReference, role: String?, isPrimary: Bool) {
        self.id = id
        self.opportunity = opportunity
        self.person = person
        self.role = role
        self.isPrimary = isPrimary
    }
}

public struct ExportCost: Sendable, Equatable {
    public var campaign: ExportReference
    public var month: String
    public var amount: Money

    public init(campaign: ExportReference, month: String, amount: Money) {
        self.campaign = campaign
        self.month = month
        self.amount = amount
    }
}

extension ExportTable {
    /// The headers of the records below (nil for persons and accounts).
    static func recordHeader(_ entity: ExportEntity, _ format: ExportFormat) -> [String]? {
        let plain = format == .csv || format == .ndjson
        switch entity {
        case .campaigns:
            return plain ? ["id", "name", "channel", "supplier", "starts_at", "ends_at", "utm_source", "utm_medium", "utm_campaign",
                            "external_id", "created_at"]
                : ["Id", "Name", "Type", "StartDate", "EndDate", "Supplier__c", "UTM_Source__c", "UTM_Medium__c", "UTM_Campaign__c", "CreatedDate"]
        case .campaignMembers:
            return plain ? ["id", "event_id", "campaign_id", "person_id", "kind", "side", "channel", "occurred_at"]
                : ["Id", "CampaignId", "ContactId", "Email", "Status", "FirstRespondedDate", "CreatedDate"]
        case .opportunities, .deals:
            switch format {
            case .salesforce:
                return ["Id", "Name", "AccountId", "Amount", "CurrencyIsoCode", "StageName", "IsClosed", "IsWon", "CloseDate", "CreatedDate"]
            case .hubspot:
                return ["hs_object_id", "dealname", "amount", "deal_currency_code", "dealstage", "hs_is_closed", "hs_is_closed_won",
                        "closedate", "createdate", "associatedcompanyid", "Associated Contact IDs"]
            case .csv, .ndjson:
                return ["id", "account_id", "name", "amount_minor", "currency", "stage", "status", "opened_at", "closed_at", "external_id"]
            }
        case .contactRoles:
            return plain ? ["id", "opportunity_id", "person_id", "role", "is_primary"]
                : ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"]
        case .campaignCosts:
            return plain ? ["campaign_id", "month", "amount_minor", "currency"] : ["Campaign ID", "Month", "Amount", "Currency"]
        default:
            return nil
        }
    }

    /// `1250000` EUR minor units → `12500.00`.
    public static func decimal(_ money: Money) -> String {
        let digits = CurrencyCode.minorDigits(money.currency)
        guard digits > 0 else { return String(money.amountMinor) }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let magnitude = money.amountMinor.magnitude
        let fraction = String(magnitude % UInt64(scale))
        return (money.amountMinor < 0 ? "-" : "") + "\(magnitude / UInt64(scale))." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    static func flag(_ value: Bool) -> String { value ? "true" : "false" }

    public static func cells(_ campaign: ExportCampaign, _ format: ExportFormat) -> [String] {
        let common = [campaign.supplier ?? "", campaign.utm.source ?? "", campaign.utm.medium ?? "", campaign.utm.campaign ?? ""]
        if format == .csv || format == .ndjson {
            return [campaign.ref.id.uuidString, campaign.name, campaign.channel.rawValue, campaign.supplier ?? "", date(campaign.startsAt),
                    date(campaign.endsAt)] + common.dropFirst() + [campaign.ref.externalID ?? "", date(campaign.createdAt)]
        }
        return [campaign.ref.crm(.salesforce), campaign.name, ImportVocabulary.campaignType(campaign.channel), date(campaign.startsAt),
                date(campaign.endsAt)] + common + [date(campaign.createdAt)]
    }

    public static func cells(_ member: ExportMember, _ format: ExportFormat) -> [String] {
        if format == .csv || format == .ndjson {
            return [member.id.uuidString, member.eventID ?? "", member.campaign.id.uuidString, member.person.id.uuidString,
                    member.kind.rawValue, member.side.rawValue, member.channel.rawValue, date(member.occurredAt)]
        }
        return [crmID(member.eventID, member.id, .salesforce), member.campaign.crm(.salesforce), member.person.crm(.salesforce),
                member.email, ImportVocabulary.memberStatus(member.kind), date(member.occurredAt), date(member.occurredAt)]
    }

    public static func cells(_ deal: ExportOpportunity, _ format: ExportFormat) -> [String] {
        let closed = flag(deal.status != .open), won = flag(deal.status == .won)
        switch format {
        case .salesforce:
            return [deal.ref.crm(.salesforce), deal.name, deal.account.crm(.salesforce), decimal(deal.amount), deal.amount.currency,
                    deal.stage, closed, won, date(deal.closedAt), date(deal.openedAt)]
        case .hubspot:
            return [deal.ref.crm(.hubspot), deal.name, decimal(deal.amount), deal.amount.currency, deal.stage, closed, won,
                    date(deal.closedAt), date(deal.openedAt), deal.account.crm(.hubspot),
                    deal.contacts.map { $0.crm(.hubspot) }.joined(separator: ";")]
        case .csv, .ndjson:
            return [deal.ref.id.uuidString, deal.account.id.uuidString, deal.name, String(deal.amount.amountMinor), deal.amount.currency,
                    deal.stage, deal.status.rawValue, date(deal.openedAt), date(deal.closedAt), deal.ref.externalID ?? ""]
        }
    }

    public static func cells(_ role: ExportContactRole, _ format: ExportFormat) -> [String] {
        if format == .csv || format == .ndjson {
            return [role.id.uuidString, role.opportunity.id.uuidString, role.person.id.uuidString, role.role ?? "", flag(role.isPrimary)]
        }
        return ["accord:" + role.id.uuidString, role.opportunity.crm(.salesforce), role.person.crm(.salesforce), role.role ?? "",
                flag(role.isPrimary)]
    }

    public static func cells(_ cost: ExportCost, _ format: ExportFormat) -> [String] {
        if format == .csv || format == .ndjson {
            return [cost.campaign.id.uuidString, cost.month, String(cost.amount.amountMinor), cost.amount.currency]
        }
        return [cost.campaign.crm(.salesforce), cost.month, decimal(cost.amount), cost.amount.currency]
    }
}
