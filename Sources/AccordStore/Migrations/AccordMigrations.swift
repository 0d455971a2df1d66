import FluentKit

/// The schema's migrations in order. Append only: a shipped migration is never edited.
public enum AccordMigrations {
    public static let all: [any Migration] = [
        M0001_CreateTeams(),
        M0002_CreateUsers(),
        M0003_CreateAccounts(),
        M0004_CreatePersons(),
        M0005_CreateCampaigns(),
        M0006_CreateCampaignCosts(),
        M0007_CreateTouchpoints(),
        M0008_CreateOpportunities(),
        M0009_CreateContactRoles(),
        M0010_CreateLeads(),
        M0011_CreateAuditEvents(),
        M0012_CreateAPITokens(),
        M0013_CreateSessions(),
        M0014_CreateSignInAttempts(),
        M0015_CreateLeadDefinitions(),
        M0016_CreateBusinessCalendars(),
        M0017_CreateSLAPolicies(),
        M0018_AddHandoffToTeams(),
        M0019_CreateRoutingRules(),
        M0020_CreateRoutingPositions(),
        M0021_CreateMQLTargets(),
        M0022_AddRoutingWeightToUsers(),
        M0023_AddHandoffToLeads(),
        M0024_CreateJobs(),
        M0025_AddEscalation(),
        M0026_CreateNotifications(),
        M0027_CreateWebhooks(),
        M0028_AddEmailPreferences(),
        M0029_AddLiveScores(),
        M0030_AddFeedback(),
        M0031_AddJourneyRollups(),
        M0032_CreateSuppressions(),
        M0033_CreateIdempotencyKeys(),
        M0034_CreateForms(),
        M0035_CreateRequests(),
        M0036_CreateProofing(),
        M0037_CreatePressurePolicies(),
        M0038_CreateAccountProtection(),
        M0039_AddScorecardIndexes(),
    ]

    /// The tables the migrations create, in creation order.
    public static let tables = [
        TeamModel.schema, UserModel.schema, AccountModel.schema, PersonModel.schema, CampaignModel.schema,
        CampaignCostModel.schema, TouchpointModel.schema, OpportunityModel.schema, ContactRoleModel.schema,
        LeadModel.schema, AuditEventModel.schema, APITokenModel.schema,
        SessionModel.schema, SignInAttemptModel.schema, LeadDefinitionModel.schema,
        BusinessCalendarModel.schema, SLAPolicyModel.schema, RoutingRuleModel.schema, RoutingPositionModel.schema,
        MQLTargetModel.schema, JobQueue.table, NotificationModel.schema,
        WebhookEndpointModel.schema, WebhookDeliveryModel.schema, FeedbackCodeModel.schema, LeadObjectionModel.schema,
        DisputeModel.schema, M0031_AddJourneyRollups.table, SuppressionModel.schema,
        IdempotencyKeys.table, FormModel.schema, FormIntake.rateTable,
    ]
}
