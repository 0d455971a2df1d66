import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Campaign economics and influence through the API, as JSON and CSV, for marketing only, bad parameters named.
@Suite struct AttributionAPITests {
    @Test("economics and influence on the demo: JSON and CSV, reps refused, every bad parameter named")
    func economics() async throws {
        try await withAccordApp { app in
            let asOf = CalendarDate.parse("2026-06-30")!
            try await DemoWriter.write(DemoCompany.generate(scale: 0.1, seed: 5, asOf: asOf), to: app.db, intoEmpty: false)
            let marketer = try await app.makeUser(role: .marketer)
            let rep = try await app.makeUser(role: .rep)
            let period = "from=2025-07-01&to=2026-06-30"
            // check
            #expect(try await app.send(.GET, "/api/v1/attribution/campaigns?\(period)", token: rep.token).status == .forbidden)
            let markov = try await app.send(.GET, "/api/v1/attribution/campaigns?\(period)&model=markov&by=channel&order=2",
                                            token: marketer.token)
            #expect(markov.status == .ok, "\(markov.json)")
            #expect(markov.string("model") == "markov" && markov.string("by") == "channel")
            #expect(markov.items.count > 3)
            let csv = try await app.send(.GET, "/api/v1/attribution/campaigns?\(period)&model=last&format=csv", token: marketer.token)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let influence = try await app.send(.GET, "/api/v1/attribution/influence?\(period)&models=first,shapley",
                                               token: marketer.token)
            #expect(influence.status == .ok)
            let models = Set(influence.items.compactMap { item -> String? in
                if case let .object(fields) = item, case let .string(model)? = fields["model"] { model } else { nil }
            })
            #expect(models == ["first", "shapley"])
            let bad = try await app.send(.GET, "/api/v1/attribution/campaigns?model=magic&by=region&lookbackDays=0&order=2&format=xml",
                                         token: marketer.token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["model", "by", "lookbackDays", "order", "format"])
        }
    }
}

/// The attribution page: every model side by side in SVG, the chosen model's table, CSV downloads for the browser.
@Suite struct AttributionPageTests {
    @Test("the page compares every model in SVG, tabulates the chosen one, exports CSV, and is not for reps")
    func page() async throws {
        try await withAccordApp { app in
            let asOf = CalendarDate.parse("2026-06-30")!
            try await DemoWriter.write(DemoCompany.generate(scale: 0.1, seed: 5, asOf: asOf), to: app.db, intoEmpty: false)
            let marketer = try await FeedbackPagesTests.member(app, "marketing_manager", team: nil)
            let rep = try await FeedbackPagesTests.member(app, "rep", team: nil)
            let query = "model=shapley&by=channel&from=2025-07-01&to=2026-06-30&lookbackDays=120"
            // check
            #expect(try await rep.browser.request(.GET, "/attribution").status == .forbidden)
            #expect(try await rep.browser.request(.GET, "/attribution/export?\(query)").status == .forbidden)
            let page = try await marketer.browser.request(.GET, "/attribution?\(query)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("id=\"pipeline-by-model\"") && html.contains("id=\"revenue-by-model\""))
            for label in AttributionPage.labels.values { #expect(html.contains(label), "\(label) in the legend") }
            #expect(html.contains("<option value=\"shapley\" selected>"))
            #expect(html.contains("<option value=\"channel\" selected>"))
            #expect(html.contains("value=\"120\""))
            // the table holds the same numbers as the API under the same parameters
            let api = try await CampaignEconomicsData.report(
                model: .shapley, by: .channel,
                options: .init(from: ISOTimestamp.parse("2025-07-01T00:00:00Z")!, to: ISOTimestamp.parse("2026-07-01T00:00:00Z")!,
                               lookbackDays: 120),
                on: app.db)
            let top = try #require(api.rows.max { $0.pipelineMinor < $1.pipelineMinor })
            #expect(top.pipelineMinor > 0)
            #expect(html.contains("<th scope=\"row\">\(top.label)</th><td>\(AttributionPage.money(top.pipelineMinor, api.currency))</td>"))
            let export = try await marketer.browser.request(.GET, "/attribution/export?\(query)")
            #expect(export.status == .ok)
            #expect(export.headers.first(name: .contentDisposition)?.contains("campaign-economics-shapley.csv") == true)
            #expect(export.body.string.hasPrefix("key,label,pipeline_minor"))
            #expect(export.body.string.split(separator: "\n").count == api.rows.count + 1)
            let influence = try await marketer.browser.request(.GET, "/attribution/influence?\(query)")
            #expect(influence.status == .ok)
            let models = Set(influence.body.string.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropLast(3).last.map(String.init) ?? "" })
            #expect(models == Set(AttributionModelID.allCases.map(\.rawValue)))
            let bad = try await marketer.browser.request(.GET, "/attribution?model=magic")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<code>model</code>"))
        }
    }

    @Test("money is written in whole units with thousands separators")
    func money() {
        #expect(AttributionPage.money(123_456_789, "EUR") == "1,234,568 EUR")
        #expect(AttributionPage.money(-99_950, "GBP") == "-1,000 GBP")
        #expect(AttributionPage.money(nil, "EUR") == "–")
    }
}
