import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET/POST /sign-in`, `POST /sign-out`, `GET/POST /account/password`.
struct SignInPages: RouteCollection {
    /// Before a session exists, the sign-in form is protected by a double-submit cookie.
    static let formCookie = "accord_signin"
    /// Checked when the email is unknown, so a wrong email costs as long as a wrong password.
    static let decoyHash = try! Bcrypt.hash("decoy password for unknown accounts", cost: UserDirectory.bcryptCost)

    struct Page: Encodable {
        var shell: Shell
        var csrf: String
        var email: String
        var next: String
        var error: String?
        var notice: String?
    }

    struct Form: Content {
        var email: String?
        var password: String?
        var next: String?
        var _csrf: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("sign-in", use: Self.form).webPage().access(.open)
        routes.post("sign-in", use: Self.signIn).webPage().access(.open)
        routes.post("sign-out", use: Self.signOut).webPage().access(.signedIn)
        routes.get("account", "password", use: Self.passwordForm).webPage().access(.signedIn)
        routes.post("account", "password", use: Self.changePassword).webPage().access(.signedIn)
    }

    @Sendable static func form(_ request: Request) async throws -> Response {
        if request.optionalPrincipal != nil { return request.redirect(to: "/") }
        return try await render(request, email: "", next: (try? request.query.get(String.self, at: "next")) ?? "/",
                                error: nil, status: .ok)
    }

    static func render(_ request: Request, email: String, next: String, error: String?, status: HTTPStatus)
        async throws -> Response {
        let token = Secrets.random()
        let page = Page(shell: Shell(title: "Sign in", request: request), csrf: token, email: email,
                        next: safeNext(next), error: error, notice: nil)
        let response = try await request.view.render("sign-in", page).encodeResponse(status: status, for: request)
        response.cookies[formCookie] = HTTPCookies.Value(string: token, maxAge: 3_600, path: "/sign-in",
                                                         isSecure: request.isSecure, isHTTPOnly: true, sameSite: .strict)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable static func signIn(_ request: Request) async throws -> Response {
        let form = try request.content.decode(Form.self)
        let email = (try? EmailAddress(form.email ?? ""))?.value ?? (form.email ?? "").lowercased()
        let next = form.next ?? "/"
        guard let cookie = request.cookies[formCookie]?.string, let sent = form._csrf, Secrets.equal(cookie, sent) else {
            request.logger.warning("Sign-in form without a matching CSRF token from \(request.clientAddress)")
            throw AccordError.forbidden("The sign-in form was stale or forged (CSRF check failed); reload the page.")
        }
        let now = Date()
        let throttle = SignInThrottle()
        let since = now.addingTimeInterval(-Double(throttle.windowSeconds))
        let address = request.clientAddress
        let accountFailures = try await SignInAttemptModel.query(on: request.db).filter(\.$email == email)
            .filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        let addressFailures = try await SignInAttemptModel.query(on: request.db).filter(\.$address == address)
            .filter(\.$succeeded == false).filter(\.$attemptedAt >= since).count()
        if let refusal = throttle.check(accountFailures: accountFailures, addressFailures: addressFailures) {
            request.logger.warning("Sign-in throttled for \(email) from \(address)")
            throw refusal
        }
        let user = try await UserModel.query(on: request.db).filter(\.$email == email).first()
        let password = form.password ?? ""
        let matches = try Bcrypt.verify(password, created: user?.passwordHash ?? decoyHash)
        let succeeded = matches && user?.isActive == true && user?.passwordHash != nil
        try await SignInAttemptModel(email: email, address: address, succeeded: succeeded, attemptedAt: now)
            .create(on: request.db)
        guard succeeded, let user else {
            request.logger.info("Failed sign-in for \(email) from \(address)")
            return try await render(request, email: email, next: next, error: "Wrong email or password.",
                                    status: .unauthorized)
        }
        // A new session id at every sign-in; a session the browser brought along ends.
        if let old = request.cookies[SessionService.cookieName]?.string, !old.isEmpty {
            try await SessionService.end(old, on: request.db)
        }
        let secret = try await SessionService.start(for: user, on: request.db)
        let response = request.redirect(to: safeNext(next), redirectType: .normal)
        response.cookies[SessionService.cookieName] = SessionService.cookie(secret, secure: request.isSecure)
        response.cookies[formCookie] = HTTPCookies.Value(string: "", maxAge: 0, path: "/sign-in")
        return response
    }

    @Sendable static func signOut(_ request: Request) async throws -> Response {
        if let secret = request.cookies[SessionService.cookieName]?.string {
            try await SessionService.end(secret, on: request.db)
        }
        let response = request.redirect(to: "/sign-in", redirectType: .normal)
        response.cookies[SessionService.cookieName] = SessionService.expiredCookie(secure: request.isSecure)
        return response
    }

    struct PasswordPage: Encodable {
        var shell: Shell
        var error: String?
        var notice: String?
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var repeated: String?
    }

    @Sendable static func passwordForm(_ request: Request) async throws -> View {
        try await request.view.render("password", PasswordPage(shell: Shell(title: "Your password", request: request)))
    }

    @Sendable static func changePassword(_ request: Request) async throws -> Response {
        let principal = try request.principal()
        let form = try request.content.decode(PasswordForm.self)
        guard let user = try await UserModel.find(principal.userID, on: request.db) else {
            throw AccordError.unauthenticated("Sign in again.")
        }
        var error: String?
        if try !Bcrypt.verify(form.current ?? "", created: user.passwordHash ?? decoyHash) || user.passwordHash == nil {
            error = "The current password is wrong."
        } else if (form.new ?? "").count < UserDirectory.minimumPasswordLength {
            error = "The new password needs at least \(UserDirectory.minimumPasswordLength) characters."
        } else if form.new != form.repeated {
            error = "The two new passwords differ."
        }
        if let error {
            return try await request.view.render("password", PasswordPage(
                shell: Shell(title: "Your password", request: request), error: error))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
        user.passwordHash = try Bcrypt.hash(form.new!, cost: UserDirectory.bcryptCost)
        try await user.save(on: request.db)
        // Every other session of the user ends with the old password.
        if let current = request.browserSession?.id {
            try await SessionModel.query(on: request.db).filter(\.$user.$id == principal.userID)
                .filter(\.$id != current).delete()
        }
        try await AuditTrail.record(request.auditActor, entity: "user", id: principal.userID, action: "change_password",
                                    changes: ["passwordHash": .init(before: .string("…"), after: .string("…"))],
                                    requestID: request.id, on: request.db)
        return try await request.view.render("password", PasswordPage(
            shell: Shell(title: "Your password", request: request), notice: "Your password was changed."))
            .encodeResponse(for: request)
    }

    /// Only paths on this site: never another origin (`//evil.example`, `https://…`).
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/"
    }
}
