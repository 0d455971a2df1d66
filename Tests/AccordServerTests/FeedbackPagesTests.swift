import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The feedback loop in the browser without a browser: the lead page's forms call the same code as the API, and
/// the quality page draws its charts on the server.
@Suite struct FeedbackPagesTests {
    /// Signs in a user of `role` whose row is then put in `team` (and under `manager`).
    static func member(_ app: Application, _ role: String, team: UUID?, manager: UUID? = nil) async throws
        -> (browser: SignInTests.Browser, id: UUID) {
        let email = try await SignInTests.user(app, role: role)
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        user.$team.id = team
        user.$manager.id = manager
        try await user.save(on: app.db)
        let browser = SignInTests.Browser(app)
        _ = try await browser.signIn(email, SignInTests.password)
        return (browser, user.id!)
    }

    @Test("the rep rejects on the lead page, marketing disputes there, the manager overturns there; each sees the story")
    func leadPageLoop() async throws {
        try await withAccordApp { app in
            // setup
            let ids = try await HandoffFixture.settingIDs(app)
            let team = UUID(uuidString: ids["teams"]!)!
            let manager = try await Self.member(app, "sales_manager", team: team)
            let rep = try await Self.member(app, "rep", team: team, manager: manager.id)
            let marketer = try await Self.member(app, "marketer", team: nil)
            let lead = try await HandoffAPITests.newLead(app, owner: rep.id)
            _ = try await HandoffAPITests.qualify(app, lead)
            let page = "/leads/\(lead)"
            // the rep sees the feedback forms with the configured reasons
            let view = try await rep.browser.request(.GET, page)
            #expect(view.status == .ok)
            #expect(view.body.string.contains("value=\"contact_data_wrong\">Contact data wrong</option>"))
            #expect(view.body.string.contains("The lead&#39;s story") || view.body.string.contains("The lead's story"))
            // act: a rejection without the note 'other' needs goes back with the problem, then a good one
            let token = try await rep.browser.csrf(on: page)
            let missing = try await rep.browser.request(.POST, "\(page)/move", form: [
                "_csrf": token, "returnTo": page, "move": "reject", "reason": "other"])
            #expect(missing.headers.first(name: .location)?.contains("problem=") == true)
            #expect(try await LeadModel.find(UUID(uuidString: lead)!, on: app.db)?.stage == "mql")
            let rejected = try await rep.browser.request(.POST, "\(page)/move", form: [
                "_csrf": token, "returnTo": page, "move": "reject", "reason": "no_need"])
            #expect(rejected.headers.first(name: .location)?.contains("done=") == true)
            let objection = try await rep.browser.request(.POST, "\(page)/objection", form: [
                "_csrf": token, "returnTo": page, "code": "has_a_solution", "note": "uses a spreadsheet"])
            #expect(objection.headers.first(name: .location)?.contains("done=") == true)
            // marketing disputes from the same page
            let marketingView = try await marketer.browser.request(.GET, page)
            #expect(marketingView.body.string.contains("Dispute the rejection"))
            #expect(!marketingView.body.string.contains("name=\"do-accept\""))
            let disputed = try await marketer.browser.request(.POST, "\(page)/dispute", form: [
                "_csrf": try await marketer.browser.csrf(on: page), "returnTo": page, "reason": "they asked for pricing twice"])
            #expect(disputed.headers.first(name: .location)?.contains("done=") == true, "\(disputed.headers)")
            let dispute = try #require(try await DisputeModel.query(on: app.db).first())
            // the rep cannot decide; the manager can
            let repDecides = try await rep.browser.request(.POST, "\(page)/disputes/\(dispute.id!)/decide", form: [
                "_csrf": token, "returnTo": page, "decision": "overturn", "reason": "my own lead"])
            #expect(repDecides.headers.first(name: .location)?.contains("problem=") == true)
            let managerView = try await manager.browser.request(.GET, page)
            #expect(managerView.body.string.contains("Decide the dispute"))
            let decided = try await manager.browser.request(.POST, "\(page)/disputes/\(dispute.id!)/decide", form: [
                "_csrf": try await manager.browser.csrf(on: page), "returnTo": page, "decision": "overturn",
                "reason": "pricing twice is a need"])
            #expect(decided.headers.first(name: .location)?.contains("done=") == true)
            // check
            let after = try #require(try await LeadModel.find(UUID(uuidString: lead)!, on: app.db))
            #expect(after.stage == "mql" && after.$owner.id == rep.id)
            let story = try await rep.browser.request(.GET, page).body.string
            for line in ["Rejected by sales", "Objection heard: has_a_solution", "Rejection disputed by marketing",
                         "Dispute decided: rejection overturned"] {
                #expect(story.contains(line), "\(line)")
            }
            // another rep does not see the lead at all
            let other = try await Self.member(app, "rep", team: team, manager: manager.id)
            #expect(try await other.browser.request(.GET, page).status == .notFound)
        }
    }

    @Test("the quality page draws acceptance, reasons and completeness as SVG, lists data to fix, and is not for reps")
    func qualityPage() async throws {
        try await withAccordApp { app in
            let ids = try await HandoffFixture.settingIDs(app)
            let rep = try await Self.member(app, "rep", team: UUID(uuidString: ids["teams"]!)!)
            let marketer = try await Self.member(app, "marketing_manager", team: nil)
            let lead = try await HandoffAPITests.newLead(app, owner: rep.id)
            _ = try await HandoffAPITests.qualify(app, lead)
            let token = try await rep.browser.csrf(on: "/leads/\(lead)")
            _ = try await rep.browser.request(.POST, "/leads/\(lead)/move", form: [
                "_csrf": token, "returnTo": "/leads/\(lead)", "move": "reject", "reason": "contact_data_wrong"])
            // check
            #expect(try await rep.browser.request(.GET, "/quality").status == .forbidden)
            let page = try await marketer.browser.request(.GET, "/quality?by=rep")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<svg") && html.contains("id=\"acceptance\"") && html.contains("id=\"reasons\""))
            #expect(html.contains("Contact data wrong: 1 (100 %)"))
            #expect(html.contains("id=\"stale-persons\""))
            let bad = try await marketer.browser.request(.GET, "/quality?by=shoe-size")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<code>by</code>"), "the page names the field")
        }
    }
}
