import AccordCore
import Vapor

/// What a route requires, declared where it is registered; `PolicyMiddleware` enforces it and the
/// route-matrix test reads it.
enum RouteAccess: Sendable, Equatable {
    /// Needs no credentials (health, the API document, the start page).
    case open
    /// Needs a principal allowed to do `action` to `resource`.
    case permission(Action, Resource)
    /// Needs someone signed in, whatever their role (their own password, signing out).
    case signedIn
}

extension Route {
    private static let accessKey = "accord.access"

    @discardableResult
    func access(_ access: RouteAccess) -> Route {
        userInfo[Self.accessKey] = access
        return self
    }

    @discardableResult
    func requires(_ action: Action, _ resource: Resource) -> Route {
        access(.permission(action, resource))
    }

    var declaredAccess: RouteAccess? { userInfo[Self.accessKey] as? RouteAccess }
}

private struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

private struct RowScopeKey: StorageKey {
    typealias Value = RowScope
}

extension Request {
    /// Who is asking; `unauthenticated` when nobody is.
    func principal() throws -> Principal {
        guard let principal = storage[PrincipalKey.self] else {
            throw AccordError.unauthenticated("Sign in, or send an API token as Authorization: Bearer <token>.")
        }
        return principal
    }

    var optionalPrincipal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The rows the route's permission covers for this principal (set by `PolicyMiddleware`).
    var rowScope: RowScope {
        get { storage[RowScopeKey.self] ?? .owner(UUID()) }  // fail closed: no scope, no rows
        set { storage[RowScopeKey.self] = newValue }
    }

    /// Asks the policy for a further action on top of the route's own (a lead move by its name).
    func authorize(_ action: Action, _ resource: Resource) throws -> RowScope {
        switch AccessPolicy.decide(try principal(), action, resource) {
        case let .allowed(scope): return scope
        case let .forbidden(reason): throw AccordError.forbidden(reason)
        }
    }
}
