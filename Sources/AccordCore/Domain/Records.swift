import Foundation

// The domain's records as plain values: what the demo produces, bulk writers store and engines read.
// Each is a snapshot of one row; the Fluent models in AccordStore map to and from them.

/// A sales or marketing team.
public struct Team: Sendable, Hashable, Codable {
    public var id: UUID
    public var name: String
    public var side: Side
    /// The team's business calendar and SLA policy; nil: the defaults.
    public var calendarID: UUID?
    public var slaPolicyID: UUID?

    public init(id: UUID, name: String, side: Side) {
        self.id = id
        self.name = name
        self.side = side
    }
}

/// Someone who signs in to Accord.
public struct User: Sendable, Hashable, Codable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: UserRole
    public var teamID: UUID?
    public var managerID: UUID?
    /// Routing: their round-robin weight, whether they are away, the most open leads they take.
    public var routingWeight = 1
    public var isAway = false
    public var capacity: Int?

    public init(id: UUID, email: String, name: String, role: UserRole, teamID: UUID? = nil, managerID: UUID? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.teamID = teamID
        self.managerID = managerID
    }
}

/// A company Accord sells to.
public struct Account: Sendable, Hashable, Codable {
    public var id: UUID
    public var name: String
    public var domain: String?
    public var industry: String?
    public var employeeCount: Int?
    public var country: String?
    public var ownerID: UUID?
    public var createdAt: Date

    public init(id: UUID, name: String, domain: String?, industry: String?, employeeCount: Int?, country: String?,
                ownerID: UUID?, createdAt: Date) {
        self.id = id
        self.name = name
        self.domain = domain
        self.industry = industry
        self.employeeCount = employeeCount
        self.country = country
        self.ownerID = ownerID
        self.createdAt = createdAt
    }
}

/// A contact at an account.
public struct Person: Sendable, Hashable, Codable {
    public var id: UUID
    public var email: String
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var seniority: Seniority?
    public var accountID: UUID?
    public var createdAt: Date

    public init(id: UUID, email: String, firstName: String?, lastName: String?, title: String?,
                seniority: Seniority?, accountID: UUID?, createdAt: Date) {
        self.id = id
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.title = title
        self.seniority = seniority
        self.accountID = accountID
        self.createdAt = createdAt
    }
}

/// A marketing program.
public struct Campaign: Sendable, Hashable, Codable {
    public var id: UUID
    public var name: String
    public var channel: Channel
    public var supplier: String?
    public var startsAt: Date?
    public var endsAt: Date?
    public var utm: UTMTags
    public var costs: [MonthlyCost]
    public var createdAt: Date

    public init(id: UUID, name: String, channel: Channel, supplier: String?, startsAt: Date?, endsAt: Date?,
                utm: UTMTags, costs: [MonthlyCost], createdAt: Date) {
        self.id = id
        self.name = name
        self.channel = channel
        self.supplier = supplier
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.utm = utm
        self.costs = costs
        self.createdAt = createdAt
    }
}

/// One interaction between a person and the company.
public struct Touchpoint: Sendable, Hashable, Codable {
    public var id: UUID
    public var eventID: String?
    public var personID: UUID
    public var campaignID: UUID?
    public var kind: TouchpointKind
    public var side: Side
    public var channel: Channel
    public var occurredAt: Date

    public init(id: UUID, eventID: String? = nil, personID: UUID, campaignID: UUID?, kind: TouchpointKind,
                side: Side, channel: Channel, occurredAt: Date) {
        self.id = id
        self.eventID = eventID
        self.personID = personID
        self.campaignID = campaignID
        self.kind = kind
        self.side = side
        self.channel = channel
        self.occurredAt = occurredAt
    }
}

/// One handoff of one person from marketing to sales.
public struct Lead: Sendable, Hashable {
    public var id: UUID
    public var personID: UUID
    public var accountID: UUID?
    public var ownerID: UUID?
    public var campaignID: UUID?
    public var lifecycle: LeadLifecycleState
    public var priority: LeadPriority?
    public var fitScore: Int
    public var engagementScore: Double
    public var slaDueAt: Date?
    public var firstActionAt: Date?
    public var routingReason: String?
    public var createdAt: Date
    /// The team routing chose, and how.
    public var teamID: UUID?
    public var routingMethod: RoutingMethod?
    /// When the lead became an MQL (the SLA clock starts) and when it expires untouched.
    public var qualifiedAt: Date?
    public var expiresAt: Date?
    /// Set at the first action.
    public var speedToLead: SpeedToLead?

    public init(id: UUID, personID: UUID, accountID: UUID?, ownerID: UUID?, campaignID: UUID?,
                lifecycle: LeadLifecycleState, priority: LeadPriority?, fitScore: Int, engagementScore: Double,
                slaDueAt: Date?, firstActionAt: Date?, routingReason: String?, createdAt: Date) {
        self.id = id
        self.personID = personID
        self.accountID = accountID
        self.ownerID = ownerID
        self.campaignID = campaignID
        self.lifecycle = lifecycle
        self.priority = priority
        self.fitScore = fitScore
        self.engagementScore = engagementScore
        self.slaDueAt = slaDueAt
        self.firstActionAt = firstActionAt
        self.routingReason = routingReason
        self.createdAt = createdAt
    }
}

/// A deal at an account.
public struct Opportunity: Sendable, Hashable, Codable {
    public var id: UUID
    public var accountID: UUID
    public var name: String
    public var amount: Money
    public var stage: String
    public var status: OpportunityStatus
    public var ownerID: UUID?
    public var openedAt: Date
    public var closedAt: Date?

    public init(id: UUID, accountID: UUID, name: String, amount: Money, stage: String, status: OpportunityStatus,
                ownerID: UUID?, openedAt: Date, closedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.amount = amount
        self.stage = stage
        self.status = status
        self.ownerID = ownerID
        self.openedAt = openedAt
        self.closedAt = closedAt
    }
}

/// A person's part in an opportunity.
public struct ContactRole: Sendable, Hashable, Codable {
    public var id: UUID
    public var opportunityID: UUID
    public var personID: UUID
    public var role: String?
    public var isPrimary: Bool

    public init(id: UUID, opportunityID: UUID, personID: UUID, role: String?, isPrimary: Bool) {
        self.id = id
        self.opportunityID = opportunityID
        self.personID = personID
        self.role = role
        self.isPrimary = isPrimary
    }
}
