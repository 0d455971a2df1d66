import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Versions of the lead definition and the two-party agreement, over the API.
@Suite struct DefinitionsAPITests {
    static let body = #"{"name": "Fit first", "definition": \#(LeadDefinition.exampleJSON)}"#

    @Test("a draft is proposed, approved by both sides, becomes active and retires the version before it")
    func agreement() async throws {
        try await withAccordApp { app in
            let marketing = try await app.makeUser(role: .marketingManager)
            let sales = try await app.makeUser(role: .salesManager)
            var ids: [String] = []
            for round in 0..<2 {
                let id = try await app.create("/api/v1/definitions", Self.body)
                ids.append(id)
                #expect(try await app.send(.POST, "/api/v1/definitions/\(id)/propose", token: marketing.token).string("state") == "proposed")
                let half = try await app.send(.POST, "/api/v1/definitions/\(id)/approve", token: marketing.token)
                #expect(half.string("state") == "proposed")
                let twice = try await app.send(.POST, "/api/v1/definitions/\(id)/approve", token: marketing.token)
                #expect(twice.status == .conflict, "one side cannot approve for both")
                let active = try await app.send(.POST, "/api/v1/definitions/\(id)/approve", token: sales.token)
                #expect(active.string("state") == "active", "round \(round)")
                #expect(active["approvals"] == .array([.string("marketing"), .string("sales")]))
            }
            let first = try await app.send(.GET, "/api/v1/definitions/\(ids[0])")
            #expect(first.string("state") == "retired")
            #expect(first["version"] == .integer(1))
            let activeCount = try await LeadDefinitionModel.query(on: app.db).filter(\.$state == "active").count()
            #expect(activeCount == 1)
            let edit = try await app.send(.PATCH, "/api/v1/definitions/\(ids[1])", #"{"name": "changed"}"#, token: sales.token)
            #expect(edit.status == .conflict, "an active version does not change")
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "definition").all()
            #expect(Set(audit.map(\.action)) == ["create", "propose", "approve", "retire"])
        }
    }

    @Test("a rejection needs a reason and returns the version to draft; reps and marketers take no part")
    func rejectionAndRoles() async throws {
        try await withAccordApp { app in
            let sales = try await app.makeUser(role: .salesManager)
            let rep = try await app.makeUser(role: .rep)
            let marketer = try await app.makeUser(role: .marketer)
            #expect(try await app.send(.POST, "/api/v1/definitions", Self.body, token: rep.token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/definitions", token: rep.token).status == .ok, "everyone may read")
            let id = try await app.create("/api/v1/definitions", Self.body)
            _ = try await app.send(.POST, "/api/v1/definitions/\(id)/propose", token: sales.token)
            #expect(try await app.send(.POST, "/api/v1/definitions/\(id)/approve", token: marketer.token).status == .forbidden)
            let noReason = try await app.send(.POST, "/api/v1/definitions/\(id)/reject", "{}", token: sales.token)
            #expect(noReason.status == .unprocessableEntity)
            let rejected = try await app.send(.POST, "/api/v1/definitions/\(id)/reject", #"{"reason": "ignores size"}"#,
                                              token: sales.token)
            #expect(rejected.string("state") == "draft")
            #expect(rejected.string("rejectionReason") == "ignores size")
        }
    }

    @Test("an invalid definition lists every problem under definition.…, and a diff shows what changed")
    func validationAndDiff() async throws {
        try await withAccordApp { app in
            let bad = try await app.send(.POST, "/api/v1/definitions",
                                         #"{"name": "x", "definition": {"fit": {"rules": [{"field": "account.revenue", "operator": "equals", "value": 1, "points": 1}]}, "engagement": {"halfLifeDays": 30}, "mql": {"minimumFit": 0, "minimumEngagement": 0}}}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.problemFields == ["definition.fit.rules[0].field"])
            let old = try await app.create("/api/v1/definitions", Self.body)
            let new = try await app.create("/api/v1/definitions",
                                           Self.body.replacingOccurrences(of: #""halfLifeDays": 30"#, with: #""halfLifeDays": 14"#))
            let diff = try await app.send(.GET, "/api/v1/definitions/\(new)/diff?against=\(old)")
            #expect(diff["from"] == .integer(1))
            #expect(diff["to"] == .integer(2))
            if case let .array(lines)? = diff["lines"] {
                #expect(lines == [.object(["change": .string("changed"), "subject": .string("engagement half-life"),
                                           "before": .string("30 days"), "after": .string("14 days")])])
            } else {
                Issue.record("no lines in \(diff.json)")
            }
        }
    }
}
