import AccordCore
import Foundation

/// The columns of a table and how one domain record fills them, kept together so they cannot drift.
public struct RowSpec<Record>: Sendable {
    public let table: String
    public let columns: [String]
    public let values: @Sendable (Record) -> [any Encodable & Sendable]
}

/// How each domain record becomes a row.
public enum RowSpecs {
    public static let teams = RowSpec<Team>(table: TeamModel.schema, columns: ["id", "name", "side", "created_at",
                                                                               "updated_at"]) { team in
        [team.id, team.name, team.side.rawValue, Date(), Date()]
    }

    public static let users = RowSpec<User>(
        table: UserModel.schema,
        columns: ["id", "email", "name", "role", "team_id", "manager_id", "password_hash", "is_active", "is_away",
                  "capacity", "created_at", "updated_at"]) { user in
        [user.id, user.email, user.name, user.role.rawValue, user.teamID, user.managerID, String?.none, true, false,
         Int?.none, Date(), Date()]
    }

    public static let accounts = RowSpec<Account>(
        table: AccountModel.schema,
        columns: ["id", "name", "domain", "industry", "employee_count", "country", "owner_id", "external_id",
                  "created_at", "updated_at"]) { account in
        [account.id, account.name, account.domain, account.industry, account.employeeCount, account.country,
         account.ownerID, String?.none, account.createdAt, account.createdAt]
    }

    public static let persons = RowSpec<Person>(
        table: PersonModel.schema,
        columns: ["id", "email", "first_name", "last_name", "title", "seniority", "account_id", "opted_out",
                  "external_id", "created_at", "updated_at"]) { person in
        [person.id, person.email, person.firstName, person.lastName, person.title, person.seniority?.rawValue,
         person.accountID, false, String?.none, person.createdAt, person.createdAt]
    }

    public static let campaigns = RowSpec<Campaign>(
        table: CampaignModel.schema,
        columns: ["id", "name", "channel", "supplier", "starts_at", "ends_at", "utm_source", "utm_medium",
                  "utm_campaign", "external_id", "created_at", "updated_at"]) { campaign in
        [campaign.id, campaign.name, campaign.channel.rawValue, campaign.supplier, campaign.startsAt, campaign.endsAt,
         campaign.utm.source, campaign.utm.medium, campaign.utm.campaign, String?.none, campaign.createdAt,
         campaign.createdAt]
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
        [row.id, row.campaignID, row.cost.month, row.cost.amount.amountMinor, row.cost.amount.currency, row.createdAt]
    }

    public static let touchpoints = RowSpec<Touchpoint>(
        table: TouchpointModel.schema,
        columns: ["id", "event_id", "person_id", "campaign_id", "kind", "side", "channel", "occurred_at",
                  "created_at"]) { touch in
        [touch.id, touch.eventID, touch.personID, touch.campaignID, touch.kind.rawValue, touch.side.rawValue,
         touch.channel.rawValue, touch.occurredAt, touch.occurredAt]
    }

    public static let opportunities = RowSpec<Opportunity>(
        table: OpportunityModel.schema,
        columns: ["id", "account_id", "name", "amount_minor", "currency", "stage", "status", "owner_id", "opened_at",
                  "closed_at", "external_id", "created_at", "updated_at"]) { deal in
        [deal.id, deal.accountID, deal.name, deal.amount.amountMinor, deal.amount.currency, deal.stage,
         deal.status.rawValue, deal.ownerID, deal.openedAt, deal.closedAt, String?.none, deal.openedAt,
         deal.closedAt ?? deal.openedAt]
    }

    public static let contactRoles = RowSpec<ContactRole>(
        table: ContactRoleModel.schema,
        columns: ["id", "opportunity_id", "person_id", "role", "is_primary"]) { role in
        [role.id, role.opportunityID, role.personID, role.role, role.isPrimary]
    }

    public static let leads = RowSpec<Lead>(
        table: LeadModel.schema,
        columns: ["id", "person_id", "account_id", "owner_id", "campaign_id", "stage", "stage_changed_at", "priority",
                  "fit_score", "engagement_score", "definition_version", "routing_reason", "sla_due_at",
                  "first_action_at", "rejection_reason", "rejection_note", "recycle_reason", "recycle_note",
                  "loss_reason", "opportunity_id", "created_at", "updated_at"]) { lead in
        let state = lead.lifecycle
        return [lead.id, lead.personID, lead.accountID, lead.ownerID, lead.campaignID, state.stage.rawValue,
                state.stageChangedAt, lead.priority?.rawValue, lead.fitScore, lead.engagementScore, Int?.none,
                lead.routingReason, lead.slaDueAt, lead.firstActionAt, state.rejectionReason, state.rejectionNote,
                state.recycleReason, state.recycleNote, state.lossReason, state.opportunityID, lead.createdAt,
                state.stageChangedAt]
    }
}
