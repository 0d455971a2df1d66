import Foundation

/// What an API token may be used for. `write` includes `read`; `admin` includes everything the
/// user's role allows; `ingest` only feeds touchpoints (event and webinar platforms).
public enum TokenScope: String, Vocabulary {
    case read, write, ingest, admin
}

/// Who is asking: a signed-in user, or an API token acting for one.
public struct Principal: Sendable, Equatable {
    public var userID: UUID
    public var email: String
    public var role: UserRole
    public var teamID: UUID?
    /// The token's scopes, or nil for a browser session (the role's full rights).
    public var scopes: Set<TokenScope>?

    public init(userID: UUID, email: String, role: UserRole, teamID: UUID?, scopes: Set<TokenScope>?) {
        self.userID = userID
        self.email = email
        self.role = role
        self.teamID = teamID
        self.scopes = scopes
    }
}

/// The kinds of record the policy speaks about.
public enum Resource: String, Sendable, CaseIterable {
    case accounts, persons, campaigns, touchpoints, opportunities, leads, audit, users, tokens, definitions
    /// The handoff agreement: teams, business calendars, SLA policies, routing rules, MQL targets.
    case settings
    /// Background jobs (admins see the queue and retry dead jobs).
    case jobs
    /// Outbound webhook endpoints and their deliveries (admins; they hold signing secrets).
    case webhooks
    /// Lead-quality analytics and data-quality reports (marketing and managers; read-only).
    case analytics
    /// Data-subject requests: one person's data export and their erasure (admins).
    case privacy
    /// Suppression lists: addresses and domains never contacted or recreated (marketing adds, admins remove).
    case suppressions
    /// Uploading CRM exports on the import page (marketing and admins; the command line is the operator's).
    case imports
    /// Requests from sales to marketing (sales asks, marketing answers, managers decide appeals).
    case requests
    /// Collateral in proofing (marketing creates assets and uploads versions; their reviewers, from either side,
    /// decide; everyone reads).
    case assets
    /// Contact-pressure checks and their reservations (marketing's sending tools) and the figures (marketing and
    /// managers).
    case pressure
    /// Consent requests for protected accounts (marketing asks, the account's owner or their manager answers).
    case consents
    /// The shared scorecard (everyone reads it; a rep's is made of their own leads).
    case scorecard
}

/// What a request wants to do.
public enum Action: Sendable, Hashable {
    case read
    case create
    case update
    /// Removing a record (configuration only; business records are never deleted through the API).
    case delete
    /// A lead lifecycle move, by its name (`accept`, `reject`, …).
    case move(String)
    /// Users, tokens and configuration.
    case manage
}

/// Which rows a permission covers.
public enum RowScope: Sendable, Equatable {
    /// Every row.
    case all
    /// Rows owned by this user (leads, accounts, opportunities; persons and touchpoints through their account).
    case owner(UUID)
    /// Rows owned by anyone in this team.
    case team(UUID)
}

/// The policy's answer.
public enum AccessDecision: Sendable, Equatable {
    case allowed(RowScope)
    case forbidden(String)
}
