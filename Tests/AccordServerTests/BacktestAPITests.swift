import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The backtest over the API and on its page, on a small demo company.
@Suite struct BacktestAPITests {
    @Test("a draft is backtested beside the active version over the API and on a page with an SVG chart; bad dates are 422")
    func backtest() async throws {
        try await withAccordApp { app in
            // setup: a small demo company with its active definition, and a draft that ignores fit
            let asOf = Date()
            try await DemoWriter.write(DemoCompany.generate(scale: 0.1, seed: 5, asOf: asOf), to: app.db, intoEmpty: false)
            try await DemoWriter.activateDefinition(at: asOf, on: app.db)
            let blind = LeadDefinition.exampleJSON.replacingOccurrences(of: #""minimumFit": 60"#, with: #""minimumFit": 0"#)
            let draft = LeadDefinitionModel(version: 2, name: "Engagement only", body: blind, createdBy: nil)
            try await draft.create(on: app.db)
            // act
            let response = try await app.send(.GET, "/api/v1/definitions/\(draft.id!)/backtest")
            // check
            #expect(response.status == .ok, "\(response.json)")
            guard case let .object(root) = response.json, case let .object(candidate)? = root["candidate"],
                  case let .object(active)? = root["active"], case let .array(months)? = root["months"],
                  case let .object(mine)? = candidate["totals"], case let .object(theirs)? = active["totals"] else {
                Issue.record("unexpected shape: \(response.json)")
                return
            }
            #expect(candidate["version"] == .integer(2))
            #expect(active["version"] == .integer(1))
            #expect(months.count >= 12)
            // ignoring fit qualifies at least as many people as requiring it
            func count(_ value: JSONValue?) -> Int64 { if case let .integer(number)? = value { number } else { -1 } }
            #expect(count(mine["mqls"]) >= count(theirs["mqls"]))
            #expect(count(theirs["mqls"]) > 0)
            let bad = try await app.send(.GET, "/api/v1/definitions/\(draft.id!)/backtest?from=yesterday")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.problemFields == ["from"])
            #expect(try await app.send(.GET, "/api/v1/definitions/\(UUID())/backtest").status == .notFound)
            // the page
            let marketing = try await DefinitionPagesTests.signedIn(app, "marketing_manager")
            let page = try await marketing.request(.GET, "/definitions/\(draft.id!)/backtest")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<svg"))
            #expect(html.contains("<title id=\"backtest-title\">MQLs per month and their conversion</title>"))
            #expect(html.contains("class=\"line-active\""))
            #expect(html.contains("their history is not kept"))
        }
    }
}
