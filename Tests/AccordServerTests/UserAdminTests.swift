import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Admins manage users over the API with an admin-scoped token; nobody else can.
@Suite struct UserAdminTests {
    @Test("an admin adds a user, sets them away with a capacity, and the password never comes back")
    func manageUsers() async throws {
        try await withAccordApp { app in
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            let created = try await app.send(.POST, "/api/v1/users", #"{"email": "New.Rep@Acme.com", "name": "New Rep", "role": "rep", "password": "long enough secret"}"#,
                                             token: admin.token)
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.string("id"))
            #expect(created.string("email") == "new.rep@acme.com")
            #expect(created["password"] == nil && created["passwordHash"] == nil)
            let away = try await app.send(.PATCH, "/api/v1/users/\(id)", #"{"isAway": true, "capacity": 25}"#, token: admin.token)
            #expect(away["isAway"] == .bool(true))
            #expect(away["capacity"] == .integer(25))
            let sneaky = try await app.send(.PATCH, "/api/v1/users/\(id)", #"{"passwordHash": "x", "isActive": false}"#,
                                            token: admin.token)
            #expect(sneaky.status == .unprocessableEntity)
            #expect(Set(sneaky.problemFields) == ["passwordHash", "isActive"])
            let weak = try await app.send(.POST, "/api/v1/users", #"{"email": "w@acme.com", "name": "W", "role": "ceo", "password": "short"}"#,
                                          token: admin.token)
            #expect(Set(weak.problemFields) == ["role", "password"])
        }
    }

    @Test("user management needs an admin's token with the admin scope")
    func onlyAdmins() async throws {
        try await withAccordApp { app in
            let writeAdmin = try await app.makeUser(role: .admin, scopes: [.write])
            let manager = try await app.makeUser(role: .salesManager, scopes: [.admin])
            for token in [writeAdmin.token, manager.token] {
                #expect(try await app.send(.GET, "/api/v1/users", token: token).status == .forbidden)
                #expect(try await app.send(.POST, "/api/v1/users/\(writeAdmin.id)/password-reset", token: token).status
                    == .forbidden)
            }
        }
    }

    @Test("a password reset gives a one-time password that signs in, and ends the user's sessions")
    func passwordReset() async throws {
        try await withAccordApp { app in
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            let user = try await UserDirectory.add(email: "forgetful@acme.com", name: "F", role: "marketer", team: nil,
                                                   manager: nil, password: "original password", on: app.db)
            _ = try await SessionService.start(for: user, on: app.db)
            let reset = try await app.send(.POST, "/api/v1/users/\(user.id!)/password-reset", token: admin.token)
            #expect(reset.status == .ok)
            let temporary = try #require(reset.string("temporaryPassword"))
            #expect(temporary.count == 20)
            #expect(try await SessionModel.query(on: app.db).filter(\.$user.$id == user.id!).count() == 0)
            let browser = SignInTests.Browser(app)
            #expect(try await browser.signIn("forgetful@acme.com", temporary).status == .seeOther)
            #expect(try await SignInTests.Browser(app).signIn("forgetful@acme.com", "original password").status == .unauthorized)
        }
    }

    @Test("deactivating a user revokes their tokens and hands their open leads and accounts on in one step")
    func deactivateAndReassign() async throws {
        try await withAccordApp { app in
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            let leaving = try await app.makeUser(role: .rep, team: "North")
            let heir = try await app.makeUser(role: .rep, team: "North")
            let heirEmail = try #require(try await UserModel.find(heir.id, on: app.db)).email
            let account = try await app.create("/api/v1/accounts", #"{"name": "Acme", "ownerId": "\#(leaving.id)"}"#)
            let person = try await app.create("/api/v1/persons", #"{"email": "p@acme.com", "accountId": "\#(account)"}"#)
            let open = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(leaving.id)"}"#)
            let bad = try await app.send(.POST, "/api/v1/users/\(leaving.id)/deactivate", #"{"reassignTo": "nobody@x.example"}"#,
                                         token: admin.token)
            #expect(bad.status == .unprocessableEntity)
            #expect(try await UserModel.find(leaving.id, on: app.db)?.isActive == true, "nothing changed")
            let done = try await app.send(.POST, "/api/v1/users/\(leaving.id)/deactivate", #"{"reassignTo": "\#(heirEmail)"}"#,
                                          token: admin.token)
            #expect(done["reassignedLeads"] == .integer(1))
            #expect(done["reassignedAccounts"] == .integer(1))
            #expect(try await LeadModel.find(UUID(uuidString: open)!, on: app.db)?.$owner.id == heir.id)
            #expect(try await app.send(.GET, "/api/v1/leads", token: leaving.token).status == .unauthorized,
                    "the leaver's token stopped working")
            #expect(try await app.send(.GET, "/api/v1/leads/\(open)", token: heir.token).status == .ok)
        }
    }
}
