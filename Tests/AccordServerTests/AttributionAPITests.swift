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
