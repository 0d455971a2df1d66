import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Who may do what: every route declares a policy, the policy is enforced for every role, and a caller
/// never sees rows outside their scope.
@Suite struct AccessTests {
    @Test("every registered route declares its access; every non-open route refuses a request without credentials")
    func everyRouteHasAPolicy() async throws {
        try await withAccordApp { app in
            for route in app.routes.all {
                let key = "\(route.method.rawValue) \(route.openAPIPath)"
                let access = try #require(route.declaredAccess, "\(key) declares no access policy")
                if access == .open { continue }
                let path = route.openAPIPath.replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: UUID().uuidString,
                                                                  options: .regularExpression)
                let response = try await app.send(route.method, path, route.method == .GET ? nil : "{}", token: nil)
                if route.isWebPage {
                    // Pages send the browser to sign in; a state-changing page request is refused the same way.
                    #expect(response.status == .seeOther, "\(key) answered \(response.status) without a session")
                    #expect(response.headers.first(name: .location)?.hasPrefix("/sign-in") == true, "\(key)")
                } else {
                    #expect(response.status == .unauthorized, "\(key) answered \(response.status) without credentials")
                    #expect(response.errorCode == "unauthenticated")
                }
            }
        }
    }

    @Test("every role against every route: the policy's refusals are 403, its permissions never 401 or 403")
    func roleRouteMatrix() async throws {
        try await withAccordApp { app in
            // setup: one of each record, owned by a rep in team North
            let owner = try await app.makeUser(role: .rep, team: "North")
            let account = try await app.create("/api/v1/accounts", #"{"name": "Acme", "domain": "acme.com", "ownerId": "\#(owner.id)"}"#)
            let person = try await app.create("/api/v1/persons", #"{"email": "ana@acme.com"}"#)
            let campaign = try await app.create("/api/v1/campaigns", #"{"name": "Spring", "channel": "webinar"}"#)
            let touch = try await app.create("/api/v1/touchpoints", #"{"personId": "\#(person)", "kind": "call", "side": "sales", "occurredAt": "2026-03-01T10:00:00Z"}"#)
            let deal = try await app.create("/api/v1/opportunities", #"{"accountId": "\#(account)", "name": "Deal", "amount": {"amountMinor": 1, "currency": "EUR"}, "stage": "Proposal", "ownerId": "\#(owner.id)"}"#)
            let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(owner.id)"}"#)
            let ids = ["accountId": account, "personId": person, "campaignId": campaign, "touchpointId": touch,
                       "opportunityId": deal, "leadId": lead]
            var callers: [(UserRole, String, Principal)] = [(.rep, owner.token, Principal(userID: owner.id, email: "", role: .rep, teamID: nil, scopes: [.write]))]
            for role in [UserRole.salesManager, .marketer, .marketingManager, .admin] {
                let user = try await app.makeUser(role: role, team: role.side == .sales ? "North" : nil)
                let team = try await TeamModel.query(on: app.db).filter(\.$name == "North").first()?.id
                callers.append((role, user.token, Principal(userID: user.id, email: "", role: role,
                                                            teamID: role.side == .sales ? team : nil, scopes: [.write])))
            }
            var checked = 0
            for route in app.routes.all where !route.isWebPage {
                guard case let .permission(action, resource)? = route.declaredAccess else { continue }
                var path = route.openAPIPath
                for (name, id) in ids { path = path.replacingOccurrences(of: "{\(name)}", with: id) }
                for (role, token, principal) in callers {
                    let expected = AccessPolicy.decide(principal, action, resource)
                    // A body that is valid enough to reach the policy but changes nothing important.
                    let body: String? = switch route.method {
                    case .GET: nil
                    case .PATCH: "{}"
                    default: path.hasSuffix("/moves") ? #"{"move": "qualify_for_sales"}"# : "{}"
                    }
                    let response = try await app.send(route.method, path, body, token: token)
                    let key = "\(role.rawValue) \(route.method.rawValue) \(route.openAPIPath)"
                    #expect(response.status != .unauthorized, "\(key)")
                    if case .forbidden = expected {
                        #expect(response.status == .forbidden, "\(key): expected 403, got \(response.status)")
                    } else if !path.hasSuffix("/moves") {
                        #expect(response.status != .forbidden, "\(key): expected access, got \(response.json)")
                    }
                    checked += 1
                }
            }
            #expect(checked >= 5 * 26)
        }
    }

    @Test("a rep who creates an account or a lead owns it and sees it; a marketer's new lead waits for routing")
    func creatorOwns() async throws {
        try await withAccordApp { app in
            // setup
            let rep = try await app.makeUser(role: .rep, team: "North")
            let marketer = try await app.makeUser(role: .marketer)
            // act
            let account = try await app.send(.POST, "/api/v1/accounts", #"{"name": "Mine", "domain": "mine.example"}"#,
                                             token: rep.token)
            let person = try await app.create("/api/v1/persons", #"{"email": "a@mine.example"}"#)
            let other = try await app.create("/api/v1/persons", #"{"email": "b@mine.example"}"#)
            let lead = try await app.send(.POST, "/api/v1/leads", #"{"personId": "\#(person)"}"#, token: rep.token)
            let marketingLead = try await app.send(.POST, "/api/v1/leads", #"{"personId": "\#(other)"}"#,
                                                   token: marketer.token)
            // check
            #expect(account.status == .created, "\(account.json)")
            #expect(account.string("ownerId") == rep.id.uuidString)
            let accountID = try #require(account.string("id"))
            #expect(try await app.send(.GET, "/api/v1/accounts/\(accountID)", token: rep.token).status == .ok)
            #expect(lead.string("ownerId") == rep.id.uuidString)
            #expect(marketingLead["ownerId"] == nil || marketingLead["ownerId"] == .null)
        }
    }

    @Test("every role, signed in, against every page: the policy's refusals are 403 pages, its permissions 200")
    func rolePageMatrix() async throws {
        try await withAccordApp { app in
            let person = try await app.create("/api/v1/persons", #"{"email": "someone@acme.com"}"#)
            let definition = try await app.create("/api/v1/definitions",
                                                  #"{"name": "v1", "definition": \#(LeadDefinition.exampleJSON)}"#)
            let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)"}"#)
            // a rejects file for the import page's download (what a skipping import leaves)
            let rejects = "accord-rejects-access\(UUID().uuidString.prefix(8)).csv"
            FileManager.default.createFile(atPath: FileManager.default.temporaryDirectory.appendingPathComponent(rejects).path,
                                           contents: Data("Email,reasons\n".utf8))
            // a request by a rep of the team the sales roles join: their manager sees it, another rep does not
            let requester = try await app.makeUser(role: .rep, team: "North")
            let request = try #require(try await app.send(.POST, "/api/v1/requests", #"""
                {"kind": "collateral", "title": "A one-pager", "details": "For the northern accounts' renewals", "wantedBy": "2099-01-01"}
                """#, token: requester.token).string("id"))
            // collateral with one version, which everyone may read and download
            let asset = try await app.db.writeTransaction { database in
                let made = try await Proofing.create(AssetInput(title: "Deck", type: .deck, dueAt: Date().addingTimeInterval(86_400),
                                                                reviewers: [.init(userID: requester.id, required: true)]),
                                                     by: .system, at: Date(), on: database)
                _ = try await Proofing.addVersion(made, filename: "deck.pdf", content: Data("%PDF-1.4\n%%EOF".utf8), note: "",
                                                  substantive: false, by: .system, at: Date(), on: database)
                return made.id!.uuidString
            }
            let ids = ["{personId}": person, "{definitionId}": definition, "{leadId}": lead, "{file}": rejects,
                       "{requestId}": request, "{assetId}": asset, "{number}": "1"]
            let settings = try await HandoffFixture.settingIDs(app)
            var checked = 0
            for role in UserRole.allCases {
                let made = try await app.makeUser(role: role, team: role.side == .sales ? "North" : nil)
                let user = try #require(try await UserModel.find(made.id, on: app.db))
                let browser = SignInTests.Browser(app)
                browser.cookies[SessionService.cookieName] = try await SessionService.start(for: user, on: app.db)
                let principal = Principal(userID: made.id, email: user.email, role: role, teamID: user.$team.id, scopes: nil)
                for route in app.routes.all where route.isWebPage && route.method == .GET {
                    var path = route.openAPIPath
                    for (placeholder, id) in ids { path = path.replacingOccurrences(of: placeholder, with: id) }
                    if path.hasSuffix("/diff") { path += "?against=\(definition)" }
                    for (slug, id) in settings where path.hasPrefix("/settings/\(slug)/") {
                        path = path.replacingOccurrences(of: "{settingId}", with: id)
                    }
                    // A record outside a caller's scope is, to them, not there.
                    let outsideScope = ((path.contains(person) || path.contains(lead)) && response404Allowed(role))
                        || (path.contains(request) && role == .rep)
                    let response = try await browser.request(.GET, path)
                    let key = "\(role.rawValue) GET \(path)"
                    switch route.declaredAccess {
                    case let .permission(action, resource)?:
                        if case .forbidden = AccessPolicy.decide(principal, action, resource) {
                            #expect(response.status == .forbidden, "\(key): \(response.status)")
                        } else if outsideScope {
                            #expect(response.status == .notFound, "\(key): \(response.status)")
                        } else {
                            #expect(response.status == .ok, "\(key): \(response.status)")
                        }
                    case .signedIn?:
                        #expect(response.status == .ok, "\(key): \(response.status)")
                    case .open?:
                        // The sign-in page sends a signed-in user home.
                        #expect(response.status == .ok || response.status == .seeOther, "\(key)")
                    case nil:
                        Issue.record("\(key) declares no access")
                    }
                    checked += 1
                }
            }
            #expect(checked >= 5 * 12)
        }
    }

    /// Reps and sales managers see only persons at their accounts; the fixture person has none.
    private func response404Allowed(_ role: UserRole) -> Bool {
        role == .rep || role == .salesManager
    }

    @Test("a rep's token on another rep's lead is a 404, and lists show only their own")
    func repSeesOnlyOwnLeads() async throws {
        try await withAccordApp { app in
            let ana = try await app.makeUser(role: .rep, team: "North")
            let ben = try await app.makeUser(role: .rep, team: "North")
            let p1 = try await app.create("/api/v1/persons", #"{"email": "one@acme.com"}"#)
            let p2 = try await app.create("/api/v1/persons", #"{"email": "two@acme.com"}"#)
            let anasLead = try await app.create("/api/v1/leads", #"{"personId": "\#(p1)", "ownerId": "\#(ana.id)"}"#)
            let bensLead = try await app.create("/api/v1/leads", #"{"personId": "\#(p2)", "ownerId": "\#(ben.id)"}"#)
            let foreign = try await app.send(.GET, "/api/v1/leads/\(bensLead)", token: ana.token)
            #expect(foreign.status == .notFound)
            let move = try await app.send(.POST, "/api/v1/leads/\(bensLead)/moves", #"{"move": "accept"}"#, token: ana.token)
            #expect(move.status == .notFound, "acting on another rep's lead looks like it does not exist")
            let patch = try await app.send(.PATCH, "/api/v1/leads/\(bensLead)", #"{"priority": "A"}"#, token: ana.token)
            #expect(patch.status == .notFound)
            let own = try await app.send(.GET, "/api/v1/leads", token: ana.token)
            #expect(own.items.count == 1)
            #expect(own.items.first.flatMap { if case let .object(f) = $0 { f["id"] } else { nil } } == .string(anasLead))
            let lead = try #require(try await LeadModel.find(UUID(uuidString: bensLead)!, on: app.db))
            #expect(lead.priority == nil, "nothing changed")
        }
    }

    @Test("a sales manager sees the team's leads; a marketer sees all but may not accept, reject or reassign")
    func managersAndMarketers() async throws {
        try await withAccordApp { app in
            let north = try await app.makeUser(role: .rep, team: "North")
            let south = try await app.makeUser(role: .rep, team: "South")
            let manager = try await app.makeUser(role: .salesManager, team: "North")
            let marketer = try await app.makeUser(role: .marketer)
            var leads: [String] = []
            for (index, owner) in [north, south].enumerated() {
                let person = try await app.create("/api/v1/persons", #"{"email": "p\#(index)@acme.com"}"#)
                let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(owner.id)"}"#)
                _ = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
                leads.append(lead)
            }
            #expect(try await app.send(.GET, "/api/v1/leads", token: manager.token).items.count == 1)
            #expect(try await app.send(.GET, "/api/v1/leads/\(leads[1])", token: manager.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/leads", token: marketer.token).items.count == 2)
            let accept = try await app.send(.POST, "/api/v1/leads/\(leads[0])/moves", #"{"move": "accept"}"#,
                                            token: marketer.token)
            #expect(accept.status == .forbidden)
            #expect(accept.errorCode == "forbidden")
            let reassign = try await app.send(.PATCH, "/api/v1/leads/\(leads[0])", #"{"ownerId": "\#(south.id)"}"#,
                                              token: marketer.token)
            #expect(reassign.status == .forbidden)
            let repReassign = try await app.send(.PATCH, "/api/v1/leads/\(leads[0])", #"{"ownerId": "\#(south.id)"}"#,
                                                 token: north.token)
            #expect(repReassign.status == .forbidden, "a rep may not reassign by mass assignment")
            let accepted = try await app.send(.POST, "/api/v1/leads/\(leads[0])/moves", #"{"move": "accept"}"#,
                                              token: north.token)
            #expect(accepted.string("stage") == "sal")
            let actor = try await AuditEventModel.query(on: app.db).filter(\.$action == "move:accept").first()
            #expect(actor?.actorID == north.id)
        }
    }

    @Test("a revoked, expired, unknown or malformed token is refused with 401 and changes nothing")
    func badTokens() async throws {
        try await withAccordApp { app in
            let revoked = try await app.makeUser(role: .admin)
            let token = try #require(try await APITokenModel.query(on: app.db).filter(\.$user.$id == revoked.id).first())
            try await TokenService.revoke(id: token.id!.uuidString, on: app.db)
            let expired = try await app.makeUser(role: .admin)
            try await APITokenModel.query(on: app.db).filter(\.$user.$id == expired.id)
                .set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            let deactivated = try await app.makeUser(role: .admin)
            try await UserModel.query(on: app.db).filter(\.$id == deactivated.id).set(\.$isActive, to: false).update()
            let body = #"{"name": "Should not exist"}"#
            for (token, reason) in [(revoked.token, "revoked"), (expired.token, "expired"), (deactivated.token, "deactivated"),
                                    ("acc_" + String(repeating: "x", count: 43), "not valid"), ("nonsense", "not valid")] {
                let response = try await app.send(.POST, "/api/v1/accounts", body, token: token)
                #expect(response.status == .unauthorized, "\(reason)")
                #expect(response.errorCode == "unauthenticated")
                #expect("\(response.json)".contains(reason))
            }
            #expect(try await AccountModel.query(on: app.db).count() == 0)
        }
    }

    @Test("a read-only token may read but not write; an ingest token may only feed touchpoints")
    func tokenScopes() async throws {
        try await withAccordApp { app in
            let reader = try await app.makeUser(role: .admin, scopes: [.read])
            let ingest = try await app.makeUser(role: .marketer, scopes: [.ingest])
            #expect(try await app.send(.GET, "/api/v1/accounts", token: reader.token).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/accounts", #"{"name": "X"}"#, token: reader.token).status == .forbidden)
            let batch = #"[{"email": "e@acme.com", "kind": "attended", "side": "marketing", "channel": "event", "occurredAt": "2026-03-01T10:00:00Z"}]"#
            #expect(try await app.send(.POST, "/api/v1/touchpoints:batch", batch, token: ingest.token).status == .created)
            #expect(try await app.send(.GET, "/api/v1/accounts", token: ingest.token).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/campaigns", #"{"name": "X", "channel": "event"}"#,
                                       token: ingest.token).status == .forbidden)
        }
    }

    @Test("the audit trail is readable by managers and admins, filterable, and has no route that changes it")
    func auditTrail() async throws {
        try await withAccordApp { app in
            let account = try await app.create("/api/v1/accounts", #"{"name": "Acme"}"#)
            _ = try await app.send(.PATCH, "/api/v1/accounts/\(account)", #"{"name": "Acme Corp"}"#)
            let events = try await app.send(.GET, "/api/v1/audit?entityId=\(account)")
            #expect(events.status == .ok)
            #expect(events.items.count == 2)
            if case let .object(update)? = events.items.last, case let .object(changes)? = update["changes"],
               case let .object(name)? = changes["name"] {
                #expect(name["before"] == .string("Acme"))
                #expect(name["after"] == .string("Acme Corp"))
            } else {
                Issue.record("no name change in \(events.json)")
            }
            let rep = try await app.makeUser(role: .rep)
            let manager = try await app.makeUser(role: .marketingManager)
            #expect(try await app.send(.GET, "/api/v1/audit", token: rep.token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/audit?action=update", token: manager.token).items.count == 1)
            let mutating = app.routes.all.filter { $0.path.first == .constant("api") && $0.path.contains(.constant("audit"))
                && $0.method != .GET }
            #expect(mutating.isEmpty)
        }
    }

    @Test("tokens are stored only as hashes")
    func tokensAreHashed() async throws {
        try await withAccordApp { app in
            let user = try await app.makeUser(role: .marketer)
            let rows = try await APITokenModel.query(on: app.db).all()
            #expect(!rows.contains { $0.tokenHash.contains(user.token) || user.token.contains($0.tokenHash) })
            #expect(rows.allSatisfy { $0.tokenHash.count == 64 })
        }
    }
}
