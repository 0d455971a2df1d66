import AccordCore
import AccordStore
import Vapor

/// Authenticates API requests by bearer token and applies the route's declared permission. A route
/// that declared none is refused (fail closed) and fails the route-matrix test.
struct PolicyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let authorization = request.headers.bearerAuthorization {
            request.optionalPrincipal = try await TokenService.principal(for: authorization.token, on: request.db)
        } else if request.headers[.authorization].first != nil {
            throw AccordError.unauthenticated("Only Authorization: Bearer <token> is accepted.")
        }
        switch request.route?.declaredAccess {
        case .open?:
            break
        case let .permission(action, resource)?:
            request.rowScope = try request.authorize(action, resource)
        case nil:
            request.logger.error("Route \(request.method) \(request.url.path) declares no access policy")
            throw Abort(.internalServerError, reason: "This route has no access policy.")
        }
        return try await next.respond(to: request)
    }
}
