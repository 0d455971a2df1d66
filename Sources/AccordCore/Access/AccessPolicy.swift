/// The one authorization policy: what each role may do to each kind of record, and on which rows.
/// Every route asks it; nothing else decides.
///
/// - Reps see and act on their own leads, accounts and opportunities (and the persons and touchpoints
///   at their accounts); sales managers on their team's; both read every campaign.
/// - Marketers and marketing managers see every lead's status and story but cannot accept, reject or
///   reassign; they run campaigns and feed persons and touchpoints.
/// - Marketing disputes rejections; sales managers decide disputes (uphold or overturn) and reassign; managers and admins read the audit trail.
/// - Admins handle privacy requests (a person's export, erasure); marketing keeps the suppression list, admins
///   remove entries.
/// - Sales makes requests to marketing (reps see their own, sales managers their team's); marketing sees every
///   request and answers it (accepts, declines, asks for information, delivers); the requester informs, appeals and
///   withdraws; sales managers (their team's) and marketing managers decide appeals.
/// - Marketing checks audiences against the contact-pressure policy (and reads its figures, as do managers); an
///   account's owner (or their sales manager) flags it a key account and answers consent requests for it.
/// - Everyone reads the shared scorecard; a rep's is made of their own leads.
/// - Only admins manage users, tokens and configuration (teams, calendars, SLA policies, routing, targets);
///   everyone signed in may read the configuration, since it explains their queue.
public enum AccessPolicy {
    /// Moves only sales may make, on leads they own (or their team owns).
    static let salesMoves: Set<String> = ["accept", "reject", "qualify_for_sales", "convert", "win", "lose", "disqualify",
                                          "log_activity", "record_objection"]

    public static func decide(_ principal: Principal, _ action: Action, _ resource: Resource) -> AccessDecision {
        if let refusal = scopeRefusal(principal.scopes, action, resource) { return .forbidden(refusal) }
        let own: RowScope = switch principal.role {
        case .rep: .owner(principal.userID)
        case .salesManager: principal.teamID.map(RowScope.team) ?? .owner(principal.userID)
        default: .all
        }
        switch (principal.role, resource, action) {
        case (.admin, _, _):
            return .allowed(.all)
        case (_, .users, _), (_, .tokens, _):
            return .forbidden("Only admins manage users and tokens.")
        case (_, .jobs, _):
            return .forbidden("Only admins see background jobs.")
        case (_, .webhooks, _):
            return .forbidden("Only admins manage webhooks.")
        case (_, .privacy, _):
            return .forbidden("Privacy requests (a person's data export, their erasure) are handled by admins.")
        case (.marketer, .suppressions, .read), (.marketer, .suppressions, .create),
             (.marketingManager, .suppressions, .read), (.marketingManager, .suppressions, .create):
            return .allowed(.all)
        case (_, .suppressions, _):
            return .forbidden("Suppression lists are kept by marketing; only admins remove entries.")
        case (.marketer, .imports, _), (.marketingManager, .imports, _):
            return .allowed(.all)
        case (_, .imports, _):
            return .forbidden("CRM files are imported by marketing and admins.")
        case (.salesManager, .audit, .read), (.marketingManager, .audit, .read):
            return .allowed(.all)
        case (_, .audit, _):
            return .forbidden("The audit trail is for managers and admins.")
        case (_, .requests, _):
            return requestAccess(principal.role, action, own)
        case (_, .assets, .read), (_, .assets, .move("review")):
            return .allowed(.all)  // collateral is everyone's to see; only an asset's reviewers decide (the store checks)
        case (.marketer, .assets, .create), (.marketer, .assets, .update),
             (.marketingManager, .assets, .create), (.marketingManager, .assets, .update):
            return .allowed(.all)
        case (_, .assets, _):
            return .forbidden("Collateral is created and revised by marketing; reviewers approve or request changes.")
        case (.marketer, .pressure, _), (.marketingManager, .pressure, _), (.salesManager, .pressure, .read):
            return .allowed(.all)
        case (_, .pressure, _):
            return .forbidden("Audiences are checked by marketing's sending tools; the figures are for marketing and managers.")
        case (.rep, .consents, .read), (.salesManager, .consents, .read),
             (.rep, .consents, .move("answer")), (.salesManager, .consents, .move("answer")):
            return .allowed(own)
        case (.marketer, .consents, .read), (.marketingManager, .consents, .read),
             (.marketer, .consents, .create), (.marketingManager, .consents, .create):
            return .allowed(.all)
        case (_, .consents, .move):
            return .forbidden("Only the account's owner (or their sales manager) answers a consent request.")
        case (_, .consents, _):
            return .forbidden("Consent is asked by marketing and answered by the account's owner.")
        case (.rep, .accounts, .move("protect")), (.salesManager, .accounts, .move("protect")):
            return .allowed(own)
        case (_, .accounts, .move("protect")):
            return .forbidden("Only an account's owner (or their sales manager) flags it a key account.")
        case (_, .settings, .read):
            return .allowed(.all)
        case (_, .settings, _):
            return .forbidden("Only admins change teams, calendars, SLA policies, routing rules and targets.")
        case (_, .scorecard, .read):
            return .allowed(principal.role == .rep ? own : .all)
        case (_, .scorecard, _):
            return .forbidden("The scorecard is read-only.")
        case (.rep, .analytics, _):
            return .forbidden("Lead-quality analytics and data reports are for marketing and managers.")
        case (_, .analytics, .read):
            return .allowed(.all)
        case (_, .analytics, _):
            return .forbidden("Analytics are read-only.")
        case (.salesManager, .leads, .move("route")):
            return .allowed(own)
        case (_, .leads, .move("route")):
            return .forbidden("Leads are routed again by sales managers and admins.")
        case (_, .campaigns, .read), (_, .definitions, .read):
            return .allowed(.all)
        case (.salesManager, .definitions, _), (.marketingManager, .definitions, _):
            return .allowed(.all)
        case (_, .definitions, _):
            return .forbidden("Lead definitions are drafted and approved by sales and marketing managers.")
        case (.rep, .campaigns, _), (.salesManager, .campaigns, _):
            return .forbidden("Campaigns are run by marketing.")
        case (.rep, _, .move(let move)), (.salesManager, _, .move(let move)):
            let managerMoves: Set<String> = ["overturn_rejection", "decide_dispute"]
            if salesMoves.contains(move) || (managerMoves.contains(move) && principal.role == .salesManager) {
                return .allowed(own)
            }
            return .forbidden("Sales may not make the move '\(move)'.")
        case (.marketer, .leads, .move(let move)), (.marketingManager, .leads, .move(let move)):
            return move == "qualify" || move == "dispute" ? .allowed(.all)
                : .forbidden("Marketing sees every lead but does not accept, reject or work it ('\(move)').")
        case (.rep, _, _), (.salesManager, _, _):
            return .allowed(own)
        case (.marketer, _, _), (.marketingManager, _, _):
            return .allowed(.all)
        }
    }

    static func requestAccess(_ role: UserRole, _ action: Action, _ own: RowScope) -> AccessDecision {
        let sales = role == .rep || role == .salesManager
        switch action {
        case .read:
            return .allowed(sales ? own : .all)
        case .create:
            return sales ? .allowed(own) : .forbidden("Requests are made by sales to marketing.")
        case let .move(name):
            guard let move = RequestMoveName(rawValue: name) else { return .forbidden("No request move '\(name)'.") }
            switch (move.side, role) {
            case (.marketing, .marketer), (.marketing, .marketingManager): return .allowed(.all)
            case (.marketing, _): return .forbidden("Marketing answers and delivers requests.")
            case (.requester, .rep), (.requester, .salesManager): return .allowed(own)
            case (.requester, _): return .forbidden("Only the requester's side informs, appeals or withdraws a request.")
            case (.manager, .salesManager): return .allowed(own)
            case (.manager, .marketingManager): return .allowed(.all)
            case (.manager, _): return .forbidden("Appeals are decided by the sales and marketing managers.")
            }
        case .update, .delete, .manage:
            return .forbidden("A request changes only through its moves.")
        }
    }

    /// Fields a role may not set on a resource (mass assignment): changing them is refused as forbidden.
    public static func protectedFields(_ principal: Principal, _ resource: Resource) -> Set<String> {
        switch (principal.role, resource) {
        case (.admin, _), (.salesManager, _): []
        case (_, .leads): ["ownerId"]
        case (.rep, .accounts), (.rep, .opportunities): ["ownerId"]
        default: []
        }
    }

    /// Whether a token's scopes cover the action; nil when they do.
    static func scopeRefusal(_ scopes: Set<TokenScope>?, _ action: Action, _ resource: Resource) -> String? {
        guard let scopes else { return nil }
        if scopes.contains(.admin) { return nil }
        if resource == .users || resource == .tokens {
            return "Managing users and tokens needs a token with the admin scope."
        }
        if resource == .webhooks {
            return "Webhooks hold signing secrets: they need a token with the admin scope."
        }
        if resource == .privacy {
            return "A person's data export and erasure need a token with the admin scope."
        }
        switch action {
        case .read:
            return scopes.contains(.read) || scopes.contains(.write) ? nil : "This token has no read scope."
        case .create where resource == .touchpoints || resource == .persons:
            return scopes.contains(.write) || scopes.contains(.ingest) ? nil : "This token may not write."
        case .create, .update, .delete, .move:
            return scopes.contains(.write) ? nil : "This token may not write."
        case .manage:
            return "Managing users and tokens needs a token with the admin scope."
        }
    }
}
