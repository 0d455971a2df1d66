import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Web forms: admins manage them; public posts (JSON or form-encoded) become a person, a touchpoint on the campaign
/// the visit came from, a fresh score and, when qualified, a routed lead; honeypot, rate limit, bad input.
@Suite struct FormPostTests {
    /// A definition under which one form submission makes an MQL, a sales team with a rep and a catch-all rule.
    static func activate(_ app: Application) async throws {
        let body = """
        {"fit": {"rules": []}, "engagement": {"halfLifeDays": 30, "rules": [{"id": "form", "kind": "form_submitted", "points": 30}]},
         "mql": {"minimumFit": 0, "minimumEngagement": 29.9}}
        """
        let model = LeadDefinitionModel(version: 3, name: "Forms", body: body, createdBy: nil)
        model.workflow = DefinitionWorkflow(state: .active, approvals: [.marketing, .sales], rejectionReason: nil)
        try await model.create(on: app.db)
        let team = TeamModel(name: "Inbound", side: "sales")
        try await team.create(on: app.db)
        try await UserModel(email: "ines@x.example", name: "Ines", role: "rep", teamID: team.id).create(on: app.db)
        try await RoutingRuleModel(rule: RoutingRule(id: TimeOrderedID.make(), name: "All", position: 1, teamID: team.id!)).create(on: app.db)
    }

    static func form(_ app: Application, _ body: String = #"{"name": "Contact us", "successUrl": "https://www.acme.example/thanks"}"#) async throws -> String {
        let created = try await app.send(.POST, "/api/v1/web-forms", body)
        #expect(created.status == .created, "\(created.json)")
        return try #require(created.string("key"))
    }

    @Test("admins manage forms; a rep may not; the key is Accord's and the post address is given")
    func management() async throws {
        try await withAccordApp { app in
            let rep = try await app.makeUser(role: .rep)
            #expect(try await app.send(.POST, "/api/v1/web-forms", #"{"name": "x"}"#, token: rep.token).status == .forbidden)
            let bad = try await app.send(.POST, "/api/v1/web-forms", #"{"name": "x", "successUrl": "javascript:alert(1)", "honeypotField": "email"}"#)
            #expect(Set(bad.problemFields) == ["successUrl", "honeypotField"])
            let created = try await app.send(.POST, "/api/v1/web-forms", #"{"name": "Webinar sign-up"}"#)
            #expect(created.status == .created && created.string("key")?.count == 24)
            #expect(created.string("postUrl") == "/api/v1/forms/\(created.string("key")!)" && created.string("honeypotField") == "website")
            let off = try await app.send(.PATCH, "/api/v1/web-forms/\(created.string("id")!)", #"{"isActive": false}"#)
            #expect(off.status == .ok && off["isActive"] == .bool(false))
            let post = try await app.send(.POST, "/api/v1/forms/\(created.string("key")!)", #"{"email": "a@b.example"}"#, token: nil)
            #expect(post.status == .notFound)
        }
    }

    @Test("a JSON post: person, account, UTM campaign created once, touchpoint, score, a routed lead")
    func jsonPost() async throws {
        try await withAccordApp { app in
            try await Self.activate(app)
            _ = try await app.create("/api/v1/accounts", #"{"name": "Acme", "domain": "acme.example"}"#)
            let key = try await Self.form(app)
            let body = #"{"email": "Nora.Berg@Acme.example", "firstName": "Nora", "landingUrl": "https://www.acme-vendor.example/demo?utm_source=google&utm_medium=cpc&utm_campaign=spring-demo"}"#
            let posted = try await app.send(.POST, "/api/v1/forms/\(key)", body, token: nil)
            #expect(posted.status == .created, "\(posted.json)")
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "nora.berg@acme.example").with(\.$account).first())
            #expect(person.firstName == "Nora" && person.account?.name == "Acme" && posted.string("personId") == person.id!.uuidString)
            let campaign = try #require(try await CampaignModel.query(on: app.db).filter(\.$utmCampaign == "spring-demo").first())
            #expect(campaign.channel == "paid_search" && campaign.utmSource == "google" && campaign.utmMedium == "cpc")
            let touch = try #require(try await TouchpointModel.query(on: app.db).filter(\.$person.$id == person.id!).first())
            #expect(touch.kind == "form_submitted" && touch.$campaign.id == campaign.id && touch.channel == "paid_search")
            let lead = try #require(try await LeadModel.query(on: app.db).filter(\.$person.$id == person.id!).first())
            #expect(posted.string("leadId") == lead.id!.uuidString && lead.stage == "mql" && lead.$owner.id != nil)
            // a second visitor from the same campaign: the same campaign, no new one
            let other = try await app.send(.POST, "/api/v1/forms/\(key)",
                                           #"{"email": "olaf@acme.example", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "spring-demo"}"#, token: nil)
            #expect(other.status == .created && other.string("campaignId") == campaign.id!.uuidString)
            #expect(try await CampaignModel.query(on: app.db).count() == 1)
            // no UTM tags: the referrer says where they came from
            let organic = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "pia@acme.example", "referrer": "https://www.google.com/search?q=accord"}"#, token: nil)
            #expect(organic.status == .created && organic["campaignId"] == nil)
            #expect(try await TouchpointModel.query(on: app.db).filter(\.$channel == "organic_search").count() == 1)
            // bad input names the field and stores nothing
            let bad = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "not-an-email", "firstName": "X"}"#, token: nil)
            #expect(bad.status == .unprocessableEntity && bad.problemFields == ["email"])
            #expect(try await PersonModel.query(on: app.db).count() == 3)
        }
    }

    @Test("a browser's form post goes on to the success page; a filled honeypot stores nothing; too many posts are 429")
    func browserPostsAndProtection() async throws {
        try await withAccordApp { app in
            let key = try await Self.form(app)
            let form = HTTPMediaType.urlEncodedForm
            let posted = try await app.send(.POST, "/api/v1/forms/\(key)", "email=quinn%40acme.example&firstName=Quinn&website=", contentType: form, token: nil)
            #expect(posted.status == .seeOther && posted.headers.first(name: .location) == "https://www.acme.example/thanks")
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "quinn@acme.example").count() == 1)
            let bot = try await app.send(.POST, "/api/v1/forms/\(key)", "email=bot%40spam.example&website=http%3A%2F%2Fspam.example", contentType: form, token: nil)
            #expect(bot.status == .seeOther)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "bot@spam.example").count() == 0)
            // the address has used 2 of its posts; the rest up to the limit pass, then 429 with Retry-After
            var statuses: [HTTPStatus] = []
            for index in 0..<(FormIntake.postsPerWindow - 1) {
                statuses.append(try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "r\#(index)@acme.example"}"#, token: nil).status)
            }
            #expect(statuses.filter { $0 == .created }.count == FormIntake.postsPerWindow - 2 && statuses.last == .tooManyRequests)
            let limited = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "late@acme.example"}"#, token: nil)
            #expect(limited.status == .tooManyRequests && limited.headers.first(name: .retryAfter) != nil)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "late@acme.example").count() == 0)
        }
    }

    @Test("a form post replayed with its Idempotency-Key answers 200 with the same body and stores once")
    func idempotentPost() async throws {
        try await withAccordApp { app in
            let key = try await Self.form(app)
            let headers: HTTPHeaders = ["Idempotency-Key": "form-1"]
            let first = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "sam@acme.example"}"#, token: nil, headers: headers)
            let again = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "sam@acme.example"}"#, token: nil, headers: headers)
            #expect(first.status == .created && again.status == .ok && again.string("touchpointId") == first.string("touchpointId"))
            #expect(try await TouchpointModel.query(on: app.db).count() == 1)
        }
    }

    @Test("an admin adds a form on the settings page; everyone sees its address there")
    func settingsPage() async throws {
        try await withAccordApp { app in
            let admin = try await FeedbackPagesTests.member(app, "admin", team: nil)
            let token = try await admin.browser.csrf(on: "/settings/forms/new")
            let page = try await admin.browser.request(.GET, "/settings/forms/new")
            #expect(page.body.string.contains("value=\"website\""))
            let bad = try await admin.browser.request(.POST, "/settings/forms", form: [
                "_csrf": token, "name": "Trial", "successUrl": "ftp://x", "honeypotField": "website", "isActive": "on"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("successUrl"))
            let saved = try await admin.browser.request(.POST, "/settings/forms", form: [
                "_csrf": token, "name": "Trial", "successUrl": "https://acme.example/thanks", "honeypotField": "website", "isActive": "on"])
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            let form = try #require(try await FormModel.query(on: app.db).filter(\.$name == "Trial").first())
            #expect(form.isActive && form.successURL == "https://acme.example/thanks")
            let rep = try await FeedbackPagesTests.member(app, "rep", team: nil)
            #expect(try await rep.browser.request(.GET, "/settings").body.string.contains("/api/v1/forms/\(form.key)"))
            #expect(try await rep.browser.request(.GET, "/settings/forms/new").status == .forbidden)
        }
    }

    @Test("a NUL character is refused by name everywhere text arrives (PostgreSQL cannot store it)")
    func nulCharacters() async throws {
        try await withAccordApp { app in
            let person = try await app.send(.POST, "/api/v1/persons", #"{"email": "nul@acme.example", "firstName": "A\u0000B"}"#)
            #expect(person.status == .unprocessableEntity && person.problemFields == ["firstName"])
            let key = try await Self.form(app)
            let form = try await app.send(.POST, "/api/v1/forms/\(key)", #"{"email": "nul@acme.example", "title": "x\u0000"}"#, token: nil)
            #expect(form.status == .unprocessableEntity && form.problemFields == ["title"])
            let filter = try await app.send(.GET, "/api/v1/persons?email=a%00b")
            #expect(filter.status == .unprocessableEntity && filter.problemFields == ["email"])
            #expect(try await PersonModel.query(on: app.db).count() == 0)
        }
    }
}
