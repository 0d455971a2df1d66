import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The definition pages: draft, edit with problems shown next to the JSON, propose, approve on both sides,
/// diff; and "why" for a person's score on their page.
@Suite struct DefinitionPagesTests {
    static func signedIn(_ app: Application, _ role: String) async throws -> SignInTests.Browser {
        let browser = SignInTests.Browser(app)
        _ = try await browser.signIn(try await SignInTests.user(app, role: role), SignInTests.password)
        return browser
    }

    @Test("managers draft, edit, propose and approve a definition in the browser; the person page explains the score")
    func fullAgreement() async throws {
        try await withAccordApp { app in
            let marketing = try await Self.signedIn(app, "marketing_manager")
            let sales = try await Self.signedIn(app, "sales_manager")
            // draft
            let drafted = try await marketing.request(.POST, "/definitions", form: ["_csrf": try await marketing.csrf(on: "/definitions")])
            #expect(drafted.status == .seeOther)
            let edit = try #require(drafted.headers.first(name: .location))
            let id = String(edit.split(separator: "/")[1])
            // a broken edit shows its problems next to the JSON and keeps the text
            let token = try await marketing.csrf(on: edit)
            let broken = try await marketing.request(.POST, edit, form: [
                "_csrf": token, "name": "Fit first",
                "body": LeadDefinition.exampleJSON.replacingOccurrences(of: "account.industry", with: "account.revenue")])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.body.string.contains("<code>fit.rules[0].field</code>"))
            #expect(broken.body.string.contains("account.revenue"))
            let notJSON = try await marketing.request(.POST, edit, form: ["_csrf": token, "name": "x", "body": "{oops"])
            #expect(notJSON.body.string.contains("is not valid JSON"))
            let saved = try await marketing.request(.POST, edit, form: ["_csrf": token, "name": "Fit first",
                                                                        "body": LeadDefinition.exampleJSON])
            #expect(saved.status == .seeOther)
            // propose, approve on both sides
            let page = "/definitions/\(id)"
            _ = try await marketing.request(.POST, "\(page)/decide", form: ["_csrf": try await marketing.csrf(on: page), "action": "propose"])
            _ = try await marketing.request(.POST, "\(page)/decide", form: ["_csrf": try await marketing.csrf(on: page), "action": "approve"])
            let salesView = try await sales.request(.GET, page)
            #expect(salesView.body.string.contains("value=\"approve\""), "the side still to approve sees the buttons")
            #expect(!(try await marketing.request(.GET, page)).body.string.contains("value=\"approve\""))
            _ = try await sales.request(.POST, "\(page)/decide", form: ["_csrf": try await sales.csrf(on: page), "action": "approve"])
            let active = try #require(try await LeadDefinitionModel.find(UUID(uuidString: id)!, on: app.db))
            #expect(active.state == "active")
            // why a person scores what they score
            let account = try await app.create("/api/v1/accounts", #"{"name": "Acme", "domain": "acme.com", "industry": "software", "employeeCount": 500}"#)
            let person = try await app.create("/api/v1/persons", #"{"email": "vp@acme.com", "seniority": "vp", "accountId": "\#(account)"}"#)
            _ = try await app.send(.POST, "/api/v1/touchpoints:batch",
                                   #"[{"personId": "\#(person)", "kind": "attended", "side": "marketing", "channel": "event", "occurredAt": "\#(ISOTimestamp.format(Date().addingTimeInterval(-3600)))"}, {"personId": "\#(person)", "kind": "downloaded", "side": "marketing", "channel": "content", "occurredAt": "\#(ISOTimestamp.format(Date().addingTimeInterval(-7200)))"}]"#)
            let why = try await marketing.request(.GET, "/persons/\(person)")
            #expect(why.status == .ok)
            #expect(why.body.string.contains("fit <strong>100</strong> (grade A)"))
            #expect(why.body.string.contains("<strong>an MQL</strong>"))
            #expect(why.body.string.contains("seniority"))
            #expect(why.body.string.contains("attended-event"))
        }
    }

    @Test("the diff page shows what changed; a rep may read definitions but not draft one")
    func diffAndRoles() async throws {
        try await withAccordApp { app in
            let old = try await app.create("/api/v1/definitions", #"{"name": "v1", "definition": \#(LeadDefinition.exampleJSON)}"#)
            let new = try await app.create("/api/v1/definitions", #"{"name": "v2", "definition": \#(LeadDefinition.exampleJSON.replacingOccurrences(of: #""halfLifeDays": 30"#, with: #""halfLifeDays": 7"#))}"#)
            let rep = try await Self.signedIn(app, "rep")
            let diff = try await rep.request(.GET, "/definitions/\(new)/diff?against=\(old)")
            #expect(diff.status == .ok)
            #expect(diff.body.string.contains("engagement half-life"))
            #expect(diff.body.string.contains("7 days"))
            let list = try await rep.request(.GET, "/definitions")
            #expect(!list.body.string.contains("New draft"))
            let token = try await rep.csrf(on: "/")
            #expect(try await rep.request(.POST, "/definitions", form: ["_csrf": token]).status == .forbidden)
        }
    }
}
