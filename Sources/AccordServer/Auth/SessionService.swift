import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Browser sessions in the database: a new random id at every sign-in, an idle timeout and an
/// absolute lifetime, and a cookie that scripts cannot read.
enum SessionService {
    static let cookieName = "accord_session"
    static let lifetime: TimeInterval = 7 * 86_400
    static let idleTimeout: TimeInterval = 12 * 3_600

    /// Starts a session for `user`; returns the cookie secret.
    static func start(for user: UserModel, on database: any Database, now: Date = Date()) async throws -> String {
        let secret = Secrets.random()
        try await SessionModel(tokenHash: Secrets.hash(secret), userID: try user.requireID(), csrfToken: Secrets.random(),
                               expiresAt: now.addingTimeInterval(lifetime), lastSeenAt: now).create(on: database)
        return secret
    }

    /// The session and principal of a cookie secret, or nil when it is unknown, expired, idle too long,
    /// or its user is deactivated.
    static func resolve(_ secret: String, on database: any Database, now: Date = Date()) async throws
        -> (Principal, SessionModel)? {
        guard let session = try await SessionModel.query(on: database).filter(\.$tokenHash == Secrets.hash(secret))
            .with(\.$user).first() else { return nil }
        let user = session.user
        guard session.expiresAt > now, session.lastSeenAt.addingTimeInterval(idleTimeout) > now, user.isActive,
              let role = UserRole(rawValue: user.role) else {
            try await session.delete(on: database)
            return nil
        }
        if session.lastSeenAt < now.addingTimeInterval(-60) {
            session.lastSeenAt = now  // at most one write a minute per session
            try await session.save(on: database)
        }
        return (Principal(userID: try user.requireID(), email: user.email, role: role, teamID: user.$team.id,
                          scopes: nil), session)
    }

    /// Ends the session of a cookie secret (signing out).
    static func end(_ secret: String, on database: any Database) async throws {
        try await SessionModel.query(on: database).filter(\.$tokenHash == Secrets.hash(secret)).delete()
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Secure when the request came over TLS.
    static func cookie(_ secret: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: secret, maxAge: Int(lifetime), path: "/", isSecure: secure, isHTTPOnly: true,
                          sameSite: .lax)
    }

    static func expiredCookie(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .lax)
    }
}

private struct SessionKey: StorageKey {
    typealias Value = SessionModel
}

extension Request {
    /// The browser session of this request, when it has one.
    var browserSession: SessionModel? {
        get { storage[SessionKey.self] }
        set { storage[SessionKey.self] = newValue }
    }

    /// Whether the request reached Accord over TLS: directly, or through a trusted proxy that says so.
    var isSecure: Bool {
        if url.scheme == "https" { return true }
        let proxies = application.accordConfiguration?.trustedProxies ?? []
        guard let peer = remoteAddress?.ipAddress, proxies.contains(peer) else { return false }
        return headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    /// The caller's address: the proxy's `X-Forwarded-For` when the peer is a trusted proxy.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let proxies = application.accordConfiguration?.trustedProxies ?? []
        if proxies.contains(peer), let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return peer
    }
}
