import AccordCore
import AccordStore
import Vapor

/// Authenticates the request and applies the route's declared permission. A route that declared none
/// is refused (fail closed) and fails the route-matrix test.
///
/// API routes take bearer tokens only; web pages take the session cookie only, and every state-changing
/// page request must carry the session's CSRF token (so a cookie alone never changes anything).
struct PolicyMiddleware: AsyncMiddleware {
    static let csrfField = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let isPage = request.route?.isWebPage ?? false
        if isPage {
            if let secret = request.cookies[SessionService.cookieName]?.string, !secret.isEmpty,
               let (principal, session) = try await SessionService.resolve(secret, on: request.db) {
                request.optionalPrincipal = principal
                request.browserSession = session
            }
            // Open pages that change state (signing in) check their own form token: there is no session yet.
            if request.method != .GET, request.method != .HEAD, request.route?.declaredAccess != .open,
               let session = request.browserSession {
                let sent = (try? request.content.get(String.self, at: Self.csrfField)) ?? ""
                guard Secrets.equal(sent, session.csrfToken) else {
                    request.logger.warning("CSRF token mismatch on \(request.method) \(request.url.path)")
                    throw AccordError.forbidden("The form was stale or forged (CSRF check failed); reload the page.")
                }
            }
        } else if let authorization = request.headers.bearerAuthorization {
            request.optionalPrincipal = try await TokenService.principal(for: authorization.token, on: request.db)
        } else if request.headers[.authorization].first != nil {
            throw AccordError.unauthenticated("Only Authorization: Bearer <token> is accepted.")
        }
        switch request.route?.declaredAccess {
        case .open?:
            break
        case .signedIn?:
            _ = try request.principal()
        case let .permission(action, resource)?:
            request.rowScope = try request.authorize(action, resource)
        case nil:
            request.logger.error("Route \(request.method) \(request.url.path) declares no access policy")
            throw Abort(.internalServerError, reason: "This route has no access policy.")
        }
        if isPage, request.method == .GET, request.optionalPrincipal != nil {
            request.unreadNotifications = try await InboxController.unreadCount(request)  // for the shell's badge
        }
        return try await next.respond(to: request)
    }
}

private struct UnreadKey: StorageKey {
    typealias Value = Int
}

extension Request {
    /// The signed-in user's unread notifications, counted once per page request.
    var unreadNotifications: Int {
        get { storage[UnreadKey.self] ?? 0 }
        set { storage[UnreadKey.self] = newValue }
    }
}
