import AccordCore
import AccordStore
import Vapor

/// What every page shows around its content: who is signed in, the navigation their role allows,
/// and the CSRF token its forms carry.
struct Shell: Encodable {
    struct Link: Encodable {
        var label: String
        var href: String
        var current: Bool
    }

    var title: String
    var version = AccordApplication.version
    var userName: String?
    var userRole: String?
    var csrf: String?
    var navigation: [Link] = []
    /// Unread notifications in the user's inbox.
    var unread = 0

    init(title: String, request: Request) {
        self.title = title
        guard let principal = request.optionalPrincipal else { return }
        userName = principal.email
        userRole = principal.role.rawValue.replacingOccurrences(of: "_", with: " ")
        csrf = request.browserSession?.csrfToken
        unread = request.unreadNotifications
        let sales = [UserRole.rep, .salesManager, .admin].contains(principal.role)
        let managesTeam = [UserRole.salesManager, .admin].contains(principal.role)
        let pages: [(String, String, Resource)] = [
            ("Home", "/", .leads), ("Scorecard", "/scorecard", .scorecard)] + (sales ? [("Queue", "/queue", .leads)] : [])
            + (managesTeam ? [("Team queues", "/queue/team", .leads)] : []) + [("Accounts", "/accounts", .accounts), ("Persons", "/persons", .persons),
            ("Campaigns", "/campaigns", .campaigns), ("Requests", "/requests", .requests), ("Collateral", "/assets", .assets), ("Lead quality", "/quality", .analytics),
            ("Attribution", "/attribution", .analytics), ("Turnaround", "/turnaround", .analytics),
            ("Pressure", "/pressure", .pressure), ("Consent", "/pressure/consents", .consents), ("Import", "/import", .imports),
            ("Lead definition", "/definitions", .definitions),
            ("Handoff", "/settings", .settings), ("Audit", "/audit", .audit), ("Jobs", "/jobs", .jobs),
        ]
        navigation = pages.compactMap { label, href, resource in
            guard case .allowed = AccessPolicy.decide(principal, .read, resource) else { return nil }
            return Link(label: label, href: href, current: request.url.path == href)
        }
    }
}
