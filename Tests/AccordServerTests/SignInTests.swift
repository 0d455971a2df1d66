import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import AccordServer

/// Browser sign-in: sessions in the database, cookie flags, CSRF on every form, throttling, sign-out.
@Suite struct SignInTests {
    static let password = "correct horse battery"

    /// A browser: keeps cookies between requests.
    final class Browser: @unchecked Sendable {
        let app: Application
        var cookies: [String: String] = [:]
        var remote: Bool

        init(_ app: Application, remote: Bool = false) {
            self.app = app
            self.remote = remote
        }

        func request(_ method: HTTPMethod, _ path: String, form: [String: String]? = nil,
                     headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
            var headers = extra
            if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0)=\($1)" }.joined(separator: "; ")) }
            var body = ByteBuffer()
            if let form {
                headers.contentType = .urlEncodedForm
                body = ByteBuffer(string: form.map { key, value in
                    "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                }.joined(separator: "&"))
            }
            let tester = try remote ? app.testing(method: .running(hostname: "127.0.0.1", port: 0)) : app.testing()
            let response = try await tester.performTest(request: .init(method: method, url: URI(path: path),
                                                                       headers: headers, body: body))
            for header in response.headers[.setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return response
        }

        /// Posts a multipart form with one file, as a browser uploads it.
        func upload(_ path: String, fields: [String: String], file: (name: String, filename: String, content: String))
            async throws -> TestingHTTPResponse {
            let boundary = "----accord\(UUID().uuidString)"
            var text = ""
            for (name, value) in fields {
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
                + "Content-Type: text/csv\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
            var headers = HTTPHeaders()
            if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0)=\($1)" }.joined(separator: "; ")) }
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            return try await app.testing().performTest(request: .init(method: .POST, url: URI(path: path), headers: headers,
                                                                      body: ByteBuffer(string: text)))
        }

        /// The CSRF token of the form on a page.
        func csrf(on path: String) async throws -> String {
            let page = try await request(.GET, path)
            let body = page.body.string
            guard let range = body.range(of: #"name="_csrf" value="([^"]*)""#, options: .regularExpression) else {
                throw Abort(.internalServerError, reason: "no CSRF field on \(path)")
            }
            return String(body[range].split(separator: "\"")[3])
        }

        func signIn(_ email: String, _ password: String) async throws -> TestingHTTPResponse {
            let token = try await csrf(on: "/sign-in")
            return try await request(.POST, "/sign-in", form: ["email": email, "password": password, "_csrf": token])
        }
    }

    static func user(_ app: Application, role: String = "rep") async throws -> String {
        let email = "\(role)-\(UUID().uuidString.prefix(6).lowercased())@test.example"
        _ = try await UserDirectory.add(email: email, name: "Test", role: role, team: nil, manager: nil,
                                        password: password, on: app.db)
        return email
    }

    @Test("signing in starts a database session with an HttpOnly, SameSite cookie and opens the home page")
    func signInWorks() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            let response = try await browser.signIn(email, Self.password)
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/")
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("accord_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "plain HTTP from an untrusted peer")
            #expect(try await SessionModel.query(on: app.db).count() == 1)
            let home = try await browser.request(.GET, "/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Your open leads"))
            #expect(home.body.string.contains(email))
        }
    }

    @Test("each sign-in gets a new session id, and the session the browser brought along ends")
    func newSessionAtSignIn() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            _ = try await browser.signIn(email, Self.password)
            let first = try #require(browser.cookies["accord_session"])
            // The form is fetched as a stranger would (a signed-in visit is sent home), then posted with the session.
            browser.cookies["accord_session"] = nil
            let token = try await browser.csrf(on: "/sign-in")
            browser.cookies["accord_session"] = first
            _ = try await browser.request(.POST, "/sign-in", form: ["email": email, "password": Self.password, "_csrf": token])
            let second = try #require(browser.cookies["accord_session"])
            #expect(first != second)
            #expect(try await SessionModel.query(on: app.db).count() == 1)
            let stale = Browser(app)
            stale.cookies["accord_session"] = first
            #expect(try await stale.request(.GET, "/").status == .seeOther)
        }
    }

    @Test("a wrong password is refused with 401, no session, and a recorded attempt")
    func wrongPassword() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            let response = try await browser.signIn(email, "wrong password here")
            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains("Wrong email or password."))
            #expect(browser.cookies["accord_session"] == nil)
            #expect(try await SessionModel.query(on: app.db).count() == 0)
            let unknown = try await browser.signIn("nobody@test.example", Self.password)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.string.contains("Wrong email or password."), "no hint whether the account exists")
            #expect(try await SignInAttemptModel.query(on: app.db).filter(\.$succeeded == false).count() == 2)
        }
    }

    @Test("a forged CSRF token is refused with 403 and changes nothing, on sign-in and on signed-in forms")
    func forgedCSRF() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            _ = try await browser.csrf(on: "/sign-in")
            let forged = try await browser.request(.POST, "/sign-in",
                                                   form: ["email": email, "password": Self.password, "_csrf": "forged"])
            #expect(forged.status == .forbidden)
            #expect(try await SessionModel.query(on: app.db).count() == 0)
            _ = try await browser.signIn(email, Self.password)
            let signOut = try await browser.request(.POST, "/sign-out", form: ["_csrf": "forged"])
            #expect(signOut.status == .forbidden)
            #expect(try await SessionModel.query(on: app.db).count() == 1, "still signed in")
            let change = try await browser.request(.POST, "/account/password",
                                                   form: ["current": Self.password, "new": "another long password",
                                                          "repeated": "another long password"])
            #expect(change.status == .forbidden, "a form without the token changes nothing")
            let stillOld = try await Browser(app).signIn(email, Self.password)
            #expect(stillOld.status == .seeOther)
        }
    }

    @Test("signing out ends the session; GET never signs out")
    func signOut() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            _ = try await browser.signIn(email, Self.password)
            let session = try #require(browser.cookies["accord_session"])
            let get = try await browser.request(.GET, "/sign-out")
            #expect(get.status == .methodNotAllowed && get.headers.first(name: .allow) == "POST")
            #expect(try await SessionModel.query(on: app.db).count() == 1)
            let token = try await browser.csrf(on: "/")
            let out = try await browser.request(.POST, "/sign-out", form: ["_csrf": token])
            #expect(out.status == .seeOther)
            #expect(try await SessionModel.query(on: app.db).count() == 0)
            let replay = Browser(app)
            replay.cookies["accord_session"] = session
            let home = try await replay.request(.GET, "/")
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
        }
    }

    @Test("an expired or idle session sends the browser to sign in")
    func expiredSession() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            _ = try await browser.signIn(email, Self.password)
            try await SessionModel.query(on: app.db).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            #expect(try await browser.request(.GET, "/").status == .seeOther)
            #expect(try await SessionModel.query(on: app.db).count() == 0, "the expired session is removed")
            _ = try await browser.signIn(email, Self.password)
            try await SessionModel.query(on: app.db).set(\.$lastSeenAt, to: Date().addingTimeInterval(-13 * 3600)).update()
            #expect(try await browser.request(.GET, "/").status == .seeOther)
        }
    }

    @Test("failed sign-ins are throttled per account for a window, not locked out for good")
    func throttling() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let browser = Browser(app)
            for _ in 0..<5 { #expect(try await browser.signIn(email, "wrong password here").status == .unauthorized) }
            let blocked = try await browser.signIn(email, Self.password)
            #expect(blocked.status == .tooManyRequests, "even the right password waits")
            #expect(blocked.headers.first(name: .retryAfter) != nil)
            #expect(browser.cookies["accord_session"] == nil)
            try await SignInAttemptModel.query(on: app.db)
                .set(\.$attemptedAt, to: Date().addingTimeInterval(-16 * 60)).update()
            #expect(try await browser.signIn(email, Self.password).status == .seeOther, "the window passed")
        }
    }

    @Test("only a trusted proxy's X-Forwarded-Proto makes a request secure, and its X-Forwarded-For the address")
    func trustedProxy() async throws {
        try await withAccordApp { app in
            app.storage[ConfigurationKey.self]?.trustedProxies = ["10.0.0.5"]
            func request(from peer: String, proto: String?) throws -> Request {
                var headers = HTTPHeaders()
                if let proto { headers.add(name: "X-Forwarded-Proto", value: proto) }
                headers.add(name: .xForwardedFor, value: "203.0.113.9, 10.0.0.5")
                return Request(application: app, method: .GET, url: URI(path: "/"), headers: headers,
                               remoteAddress: try SocketAddress(ipAddress: peer, port: 40_000), on: app.eventLoopGroup.any())
            }
            let trusted = try request(from: "10.0.0.5", proto: "https")
            let plain = try request(from: "10.0.0.5", proto: "http")
            let stranger = try request(from: "198.51.100.7", proto: "https")
            #expect(trusted.isSecure)
            #expect(trusted.clientAddress == "203.0.113.9")
            #expect(!plain.isSecure)
            #expect(!stranger.isSecure, "an untrusted peer cannot claim TLS")
            #expect(stranger.clientAddress == "198.51.100.7")
            #expect(SessionService.cookie("x", secure: true).isSecure)
        }
    }

    @Test("a user changes their password; the old one stops working and other sessions end")
    func changePassword() async throws {
        try await withAccordApp { app in
            let email = try await Self.user(app)
            let phone = Browser(app)
            _ = try await phone.signIn(email, Self.password)
            let laptop = Browser(app)
            _ = try await laptop.signIn(email, Self.password)
            let token = try await laptop.csrf(on: "/account/password")
            let mismatch = try await laptop.request(.POST, "/account/password", form: [
                "_csrf": token, "current": Self.password, "new": "a brand new password", "repeated": "something else"])
            #expect(mismatch.status == .unprocessableEntity)
            let changed = try await laptop.request(.POST, "/account/password", form: [
                "_csrf": token, "current": Self.password, "new": "a brand new password",
                "repeated": "a brand new password"])
            #expect(changed.status == .ok)
            #expect(changed.body.string.contains("Your password was changed."))
            #expect(try await phone.request(.GET, "/").status == .seeOther, "the other session ended")
            #expect(try await laptop.request(.GET, "/").status == .ok)
            #expect(try await Browser(app).signIn(email, Self.password).status == .unauthorized)
            #expect(try await Browser(app).signIn(email, "a brand new password").status == .seeOther)
        }
    }

    @Test("pages honour roles: a rep is refused the audit page; next= never leaves the site")
    func pagesByRole() async throws {
        try await withAccordApp { app in
            let rep = Browser(app)
            _ = try await rep.signIn(try await Self.user(app, role: "rep"), Self.password)
            let audit = try await rep.request(.GET, "/audit")
            #expect(audit.status == .forbidden)
            #expect(audit.headers.contentType == .html)
            #expect(!(try await rep.request(.GET, "/")).body.string.contains("href=\"/audit\""), "no link they cannot use")
            let manager = Browser(app)
            _ = try await manager.signIn(try await Self.user(app, role: "marketing_manager"), Self.password)
            #expect(try await manager.request(.GET, "/audit").status == .ok)
            #expect(try await manager.request(.GET, "/accounts").status == .ok)
            #expect(SignInPages.safeNext("//evil.example/") == "/")
            #expect(SignInPages.safeNext("https://evil.example/") == "/")
            #expect(SignInPages.safeNext("/accounts?cursor=x") == "/accounts?cursor=x")
        }
    }
}
