import AccordCore
import Foundation

/// The columns of a table and how one domain record fills them, kept together so they cannot drift.
public struct RowSpec<Record>: Sendable {
    public let table: String
    public let columns: [String]
    public let values: @Sendable (Record) -> [ColumnValue]
}

/// How each domain record becomes a row.
public enum RowSpecs {
    public static let teams = RowSpec<Team>(table: TeamModel.schema, columns: ["id", "name", "side", "calendar_id",
                                                                               "sla_policy_id", "created_at",
                                                                               "updated_at"]) { team in
        [.uuid(team.id), .text(team.name), .text(team.side.rawValue), .uuid(team.calendarID), .uuid(team.slaPolicyID),
         .date(Date()), .date(Date())]
    }

    public static let calendars = RowSpec<NamedCalendar>(
        table: BusinessCalendarModel.schema,
        columns: ["id", "name", "time_zone", "hours", "holidays", "is_default", "created_at", "updated_at"]) { named in
        [.uuid(named.id), .text(named.name), .text(named.calendar.timeZone.identifier),
         .text(StoredJSON.text(BusinessCalendarRules.json(week: named.calendar.week))),
         .text(StoredJSON.text(BusinessCalendarRules.json(holidays: named.calendar.holidays))), .bool(named.isDefault),
         .date(Date()), .date(Date())]
    }

    public static let slaPolicies = RowSpec<NamedSLAPolicy>(
        table: SLAPolicyModel.schema,
        columns: ["id", "name", "response_minutes_a", "response_minutes_b", "response_minutes_c", "response_minutes_d",
                  "shelf_life_days", "is_default", "remind_at_share", "notify_manager_at_breach", "reassign_after_minutes",
                  "created_at", "updated_at"]) { named in
        let minutes = named.policy.responseMinutes, escalation = named.policy.escalation
        return [.uuid(named.id), .text(named.name), .integer(minutes[.a]), .integer(minutes[.b]), .integer(minutes[.c]),
                .integer(minutes[.d]), .integer(named.policy.shelfLifeDays), .bool(named.isDefault),
                .double(escalation.remindAtShare), .bool(escalation.notifyManagerAtBreach),
                .integer(escalation.reassignAfterMinutes), .date(Date()), .date(Date())]
    }

    public static let routingRules = RowSpec<RoutingRule>(
        table: RoutingRuleModel.schema,
        columns: ["id", "name", "position", "team_id", "countries", "regions", "industries", "min_employees",
                  "max_employees", "is_active", "created_at", "updated_at"]) { rule in
        [.uuid(rule.id), .text(rule.name), .integer(rule.position), .uuid(rule.teamID),
         .text(StoredJSON.text(rule.countries.sorted())), .text(StoredJSON.text(rule.regions.map(\.rawValue).sorted())),
         .text(StoredJSON.text(rule.industries.sorted())), .integer(rule.minimumEmployees),
         .integer(rule.maximumEmployees), .bool(rule.isActive), .date(Date()), .date(Date())]
    }

    public static let mqlTargets = RowSpec<MQLTarget>(
        table: MQLTargetModel.schema,
        columns: ["id", "team_id", "month", "mql_volume", "acceptance_rate", "created_at", "updated_at"]) { target in
        [.uuid(target.id), .uuid(target.teamID), .text(target.month), .integer(target.mqlVolume),
         .double(target.acceptanceRate), .date(Date()), .date(Date())]
    }

    /// A team's round-robin position.
    public struct PositionRow: Sendable {
        public var teamID: UUID
        public var state: RoundRobinState
        public var assigned: Int
    }

    public static let routingPositions = RowSpec<PositionRow>(
        table: RoutingPositionModel.schema, columns: ["team_id", "credits", "assigned", "updated_at"]) { row in
        [.uuid(row.teamID), .text(StoredJSON.text(row.state)), .integer(row.assigned), .date(Date())]
    }

    public static let users = RowSpec<User>(
        table: UserModel.schema,
        columns: ["id", "email", "name", "role", "team_id", "manager_id", "password_hash", "is_active", "is_away",
                  "capacity", "routing_weight", "created_at", "updated_at"]) { user in
        [.uuid(user.id), .text(user.email), .text(user.name), .text(user.role.rawValue), .uuid(user.teamID),
         .uuid(user.managerID), .text(nil), .bool(true), .bool(user.isAway), .integer(user.capacity),
         .integer(user.routingWeight), .date(Date()), .date(Date())]
    }

    public static let accounts = RowSpec<Account>(
        table: AccountModel.schema,
        columns: ["id", "name", "domain", "industry", "employee_count", "country", "owner_id", "external_id",
                  "created_at", "updated_at"]) { account in
        [.uuid(account.id), .text(account.name), .text(account.domain), .text(account.industry),
         .integer(account.employeeCount), .text(account.country), .uuid(account.ownerID), .text(nil),
         .date(account.createdAt), .date(account.createdAt)]
    }

    public static let persons = RowSpec<Person>(
        table: PersonModel.schema,
        columns: ["id", "email", "first_name", "last_name", "title", "seniority", "account_id", "opted_out",
                  "external_id", "created_at", "updated_at"]) { person in
        [.uuid(person.id), .text(person.email), .text(person.firstName), .text(person.lastName), .text(person.title),
         .text(person.seniority?.rawValue), .uuid(person.accountID), .bool(false), .text(nil),
         .date(person.createdAt), .date(person.createdAt)]
    }

    public static let campaigns = RowSpec<Campaign>(
        table: CampaignModel.schema,
        columns: ["id", "name", "channel", "supplier", "starts_at", "ends_at", "utm_source", "utm_medium",
                  "utm_campaign", "external_id", "created_at", "updated_at"]) { campaign in
        [.uuid(campaign.id), .text(campaign.name), .text(campaign.channel.rawValue), .text(campaign.supplier),
         .date(campaign.startsAt), .date(campaign.endsAt), .text(campaign.utm.source), .text(campaign.utm.medium),
         .text(campaign.utm.campaign), .text(nil), .date(campaign.createdAt), .date(campaign.createdAt)]
    }

    /// A campaign's cost in one month, with the id the row gets.
    public struct CostRow: Sendable {
        public var id: UUID
        public var campaignID: UUID
        public var cost: MonthlyCost
        public var createdAt: Date
    }

    public static let campaignCosts = RowSpec<CostRow>(
        table: CampaignCostModel.schema,
        columns: ["id", "campaign_id", "month", "amount_minor", "currency", "created_at"]) { row in
        [.uuid(row.id), .uuid(row.campaignID), .text(row.cost.month), .integer(Int(row.cost.amount.amountMinor)),
         .text(row.cost.amount.currency), .date(row.createdAt)]
    }

    public static let touchpoints = RowSpec<Touchpoint>(
        table: TouchpointModel.schema,
        columns: ["id", "event_id", "person_id", "campaign_id", "kind", "side", "channel", "occurred_at",
                  "created_at"]) { touch in
        [.uuid(touch.id), .text(touch.eventID), .uuid(touch.personID), .uuid(touch.campaignID),
         .text(touch.kind.rawValue), .text(touch.side.rawValue), .text(touch.channel.rawValue),
         .date(touch.occurredAt), .date(touch.occurredAt)]
    }

    public static let opportunities = RowSpec<Opportunity>(
        table: OpportunityModel.schema,
        columns: ["id", "account_id", "name", "amount_minor", "currency", "stage", "status", "owner_id", "opened_at",
                  "closed_at", "external_id", "created_at", "updated_at"]) { deal in
        [.uuid(deal.id), .uuid(deal.accountID), .text(deal.name), .integer(Int(deal.amount.amountMinor)),
         .text(deal.amount.currency), .text(deal.stage), .text(deal.status.rawValue), .uuid(deal.ownerID),
         .date(deal.openedAt), .date(deal.closedAt), .text(nil), .date(deal.openedAt),
         .date(deal.closedAt ?? deal.openedAt)]
    }

    public static let contactRoles = RowSpec<ContactRole>(
        table: ContactRoleModel.schema,
        columns: ["id", "opportunity_id", "person_id", "role", "is_primary"]) { role in
        [.uuid(role.id), .uuid(role.opportunityID), .uuid(role.personID), .text(role.role), .bool(role.isPrimary)]
    }

    public static let leads = RowSpec<Lead>(
        table: LeadModel.schema,
        columns: ["id", "person_id", "account_id", "owner_id", "campaign_id", "stage", "stage_changed_at", "priority",
                  "fit_score", "engagement_score", "definition_version", "routing_reason", "sla_due_at",
                  "first_action_at", "rejection_reason", "rejection_note", "recycle_reason", "recycle_note",
                  "loss_reason", "opportunity_id", "created_at", "updated_at", "team_id", "routing_method",
                  "qualified_at", "expires_at", "speed_to_lead_seconds", "speed_to_lead_business_seconds",
                  "sla_met"]) { lead in
        let state = lead.lifecycle
        return [.uuid(lead.id), .uuid(lead.personID), .uuid(lead.accountID), .uuid(lead.ownerID),
                .uuid(lead.campaignID), .text(state.stage.rawValue), .date(state.stageChangedAt),
                .text(lead.priority?.rawValue), .integer(lead.fitScore), .double(lead.engagementScore), .integer(nil),
                .text(lead.routingReason), .date(lead.slaDueAt), .date(lead.firstActionAt),
                .text(state.rejectionReason), .text(state.rejectionNote), .text(state.recycleReason),
                .text(state.recycleNote), .text(state.lossReason), .uuid(state.opportunityID), .date(lead.createdAt),
                .date(state.stageChangedAt), .uuid(lead.teamID), .text(lead.routingMethod?.rawValue),
                .date(lead.qualifiedAt), .date(lead.expiresAt), .integer(lead.speedToLead?.wallSeconds),
                .integer(lead.speedToLead?.businessSeconds), .bool(lead.speedToLead?.metSLA)]
    }
}
