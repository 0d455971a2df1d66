import AccordCore
import AccordStore
import FluentKit
import Foundation
import Testing
import Vapor

@testable import AccordServer

/// Contact pressure's pages and figures, and the demo's pressure history.
@Suite struct PressurePagesTests {
    @Test("a marketer checks a pasted list on the audience page and sees who is blocked and why")
    func audience() async throws {
        try await withAccordApp { app in
            let marketer = try await FeedbackPagesTests.member(app, "marketer", team: nil)
            let campaign = try await app.create("/api/v1/campaigns", #"{"name": "Winter mailing", "channel": "email"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "ana@plain.example"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "out@plain.example", "optedOut": true}"#)
            let page = try await marketer.browser.request(.GET, "/pressure/audience")
            #expect(page.status == .ok && page.body.string.contains("Winter mailing"))
            let checked = try await marketer.browser.request(.POST, "/pressure/audience", form: [
                "_csrf": try await marketer.browser.csrf(on: "/pressure/audience"), "campaignId": campaign,
                "list": "email,name\nana@plain.example,Ana\nout@plain.example,Otto\nstranger@else.example,?\nno address here"])
            let html = checked.body.string
            #expect(checked.status == .ok, "\(html.prefix(300))")
            #expect(html.contains("1 of 3 may get it now"), "\(html)")
            #expect(html.contains("opted out of messages") && html.contains("not a person Accord knows"))
            #expect(html.contains("<code>no address here</code>"), "the unreadable line is shown")
            #expect(try await PressureReservationModel.query(on: app.db).count() == 0, "a look reserves nothing")
            let none = try await marketer.browser.request(.POST, "/pressure/audience", form: [
                "_csrf": try await marketer.browser.csrf(on: "/pressure/audience"), "campaignId": campaign, "list": "nobody"])
            #expect(none.status == .unprocessableEntity && none.body.string.contains("names nobody"))
            let rep = try await FeedbackPagesTests.member(app, "rep", team: nil)
            #expect(try await rep.browser.request(.GET, "/pressure/audience").status == .forbidden)
            #expect(try await rep.browser.request(.GET, "/pressure").status == .forbidden)
        }
    }

    @Test("the owner answers a consent request and flags a key account on the consent page")
    func consentPage() async throws {
        try await withAccordApp { app in
            let owner = try await FeedbackPagesTests.member(app, "rep", team: nil)
            let other = try await FeedbackPagesTests.member(app, "rep", team: nil)
            let marketer = try await app.makeUser(role: .marketer)
            let campaign = try await app.create("/api/v1/campaigns", #"{"name": "Launch", "channel": "email"}"#)
            let account = try await app.create("/api/v1/accounts", #"{"name": "Guarded AG", "ownerId": "\#(owner.id)"}"#)
            _ = try await app.create("/api/v1/persons", #"{"email": "gia@guarded.example", "accountId": "\#(account)"}"#)
            let flagged = try await owner.browser.request(.POST, "/pressure/accounts/\(account)/protection", form: [
                "_csrf": try await owner.browser.csrf(on: "/pressure/consents"), "keyAccount": "true"])
            #expect(flagged.headers.first(name: .location)?.contains("done=") == true, "\(flagged.headers)")
            let refused = try await other.browser.request(.POST, "/pressure/accounts/\(account)/protection", form: [
                "_csrf": try await other.browser.csrf(on: "/pressure/consents"), "keyAccount": "false"])
            #expect(refused.headers.first(name: .location)?.contains("problem=") == true || refused.status == .notFound)
            #expect(try await AccountModel.find(UUID(uuidString: account), on: app.db)?.keyAccount == true)
            _ = try await app.send(.POST, "/api/v1/pressure/check", #"{"campaignId": "\#(campaign)", "persons": ["gia@guarded.example"]}"#,
                                   token: marketer.token)
            let page = try await owner.browser.request(.GET, "/pressure/consents")
            let id = try #require(try await ConsentRequestModel.query(on: app.db).first()?.id).uuidString.lowercased()
            #expect(page.body.string.contains("/pressure/consents/\(id)/answer"))
            #expect(!(try await other.browser.request(.GET, "/pressure/consents")).body.string.contains(id))
            let denied = try await owner.browser.request(.POST, "/pressure/consents/\(id)/answer", form: [
                "_csrf": try await owner.browser.csrf(on: "/pressure/consents"), "decision": "deny", "reason": "Signing next week"])
            #expect(denied.headers.first(name: .location)?.contains("done=") == true, "\(denied.headers)")
            #expect(try await ConsentRequestModel.query(on: app.db).first()?.state == "denied")
        }
    }

    @Test("the demo's six weeks of sends: caps prevent messages, owners answer consent, the figures and page show it")
    func demoFigures() async throws {
        try await withAccordApp { app in
            let asOf = try #require(ISOTimestamp.parse("2026-11-20T12:00:00Z"))
            let company = DemoCompany.generate(scale: 0.1, seed: 7, asOf: asOf)
            try await DemoWriter.write(company, to: app.db, intoEmpty: false)
            try await DemoWorkflows.write(company, asOf: asOf, seed: 7, on: app.db)
            let figures = try await PressureReport.figures(from: asOf.addingTimeInterval(-50 * 86_400), to: asOf, timeZone: .gmt, on: app.db)
            let prevented = figures.campaigns.map(\.totalPrevented).reduce(0, +)
            #expect(prevented > 0 && figures.campaigns.contains { ($0.prevented[.personCap] ?? 0) > 0 }, "\(figures.campaigns)")
            // without the caps more person-weeks would hold more messages than the cap allows
            func above(_ buckets: [Int], _ cap: Int) -> Int { buckets.enumerated().filter { $0.offset + 1 > cap }.map(\.element).reduce(0, +) }
            #expect(above(figures.beforeCaps, 3) > above(figures.sent, 3), "before \(figures.beforeCaps), sent \(figures.sent)")
            #expect((figures.consents[.granted] ?? 0) + (figures.consents[.expired] ?? 0) > 0 && (figures.consents[.denied] ?? 0) > 0,
                    "granted (some expired since) and denied: \(figures.consents)")
            let manager = try await FeedbackPagesTests.member(app, "marketing_manager", team: nil)
            let page = try await manager.browser.request(.GET, "/pressure?from=2026-10-01&to=2026-11-20")
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("<svg") && html.contains("<title id=\"distribution-title\">") && html.contains("<desc id=\"prevented-desc\">"))
            #expect(html.contains("Consent requests and their answers"))
            let api = try await app.send(.GET, "/api/v1/pressure/figures?from=2026-10-01&to=2026-11-20")
            #expect(api.status == .ok && api.json["consents"]?["requested"] != .integer(0), "\(api.json)")
        }
    }
}
