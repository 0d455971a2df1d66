import Foundation
import PropertyBased
import Testing
@testable import AccordCore

/// The lead definition format and the explained scoring engine.
@Suite struct LeadScoringTests {
    static let json = LeadDefinition.exampleJSON

    static func definition() throws -> LeadDefinition {
        try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }

    static let asOf = Date(timeIntervalSince1970: 1_790_000_000)
    static let goodFit = ScoringProfile(email: "ana@acme.com", seniority: .vp, industry: "Software", employeeCount: 500)

    @Test("a good fit with recent engagement is an MQL, and every rule that fired is listed")
    func workedExample() throws {
        let scorer = LeadScorer(try Self.definition())
        let touches = [
            ScoringTouch(kind: .attended, channel: .event, occurredAt: Self.asOf.addingTimeInterval(-86_400)),
            ScoringTouch(kind: .downloaded, channel: .content, occurredAt: Self.asOf.addingTimeInterval(-30 * 86_400)),
            ScoringTouch(kind: .visited, channel: .website, occurredAt: Self.asOf.addingTimeInterval(+86_400)),
        ]
        let score = scorer.score(Self.goodFit, touches: touches, asOf: Self.asOf)
        #expect(score.fit == 100)
        #expect(score.grade == .a)
        #expect(score.priority == .a)
        #expect(score.fitRules.map(\.ruleID) == ["industry", "size", "seniority"])
        // 20 decayed one day + 8 decayed one half-life; the visit lies after asOf and does not count.
        let expected = 20 * pow(0.5, 1.0 / 30) + 4
        #expect(abs(score.engagement - expected) < 1e-9)
        #expect(score.engagementRules.map(\.ruleID) == ["attended-event", "downloaded"])
        #expect(score.isMQL)
        let poor = scorer.score(ScoringProfile(email: "x@gmail.com", seniority: .individual), touches: touches, asOf: Self.asOf)
        #expect(poor.fit == -20)
        #expect(poor.grade == .d)
        #expect(!poor.isMQL)
    }

    @Test("the example in docs/lead-definition.md is valid and is the one the code ships")
    func documentedExample() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/lead-definition.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```json\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let documented = try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self,
                                                                       from: Data(text[start.upperBound..<end.lowerBound].utf8)))
        #expect(documented == (try Self.definition()))
    }

    @Test("caps hold: a rule adds at most its cap, and says so")
    func caps() throws {
        let scorer = LeadScorer(try Self.definition())
        let visits = (0..<20).map { ScoringTouch(kind: .visited, channel: .website, occurredAt: Self.asOf.addingTimeInterval(Double(-$0))) }
        let score = scorer.score(Self.goodFit, touches: visits, asOf: Self.asOf)
        #expect(score.engagement == 5)
        #expect(score.engagementRules.first?.capped == true)
        #expect(score.engagementRules.first?.touches == 20)
    }

    @Test("an invalid definition lists every problem by JSON path")
    func invalidDefinition() throws {
        let bad = """
        {"fit": {"rules": [
            {"field": "account.revenue", "operator": "equals", "value": 1, "points": 10},
            {"field": "account.employeeCount", "operator": "contains", "value": "big", "points": 10},
            {"field": "account.employeeCount", "operator": "between", "value": [5000, 10], "points": 10},
            {"field": "person.title", "operator": "matches", "value": "([", "points": 10},
            {"field": "person.seniority", "operator": "in", "value": ["boss"], "points": 10},
            {"field": "person.title", "operator": "sounds_like", "value": "x", "points": "ten"}
          ], "grades": {"A": 10, "B": 20, "C": 5}},
         "engagement": {"halfLifeDays": 0, "rules": [{"kind": "teleported", "points": 5}]},
         "mql": {"minimumFit": 10, "minimumEngagement": 5},
         "owner": "marketing"}
        """
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(bad.utf8))
        do {
            _ = try LeadDefinition.parse(json)
            Issue.record("an invalid definition was accepted")
        } catch {
            let fields = Set(error.fields.map(\.field))
            #expect(fields == ["fit.rules[0].field", "fit.rules[1].operator", "fit.rules[2].value", "fit.rules[3].value",
                               "fit.rules[4].value", "fit.rules[5].operator", "fit.rules[5].points", "fit.grades",
                               "engagement.halfLifeDays", "engagement.rules[0].kind", "owner"],
                    "\(error.fields)")
        }
    }

    @Test("a threshold that can never be met is refused")
    func unreachableThresholds() throws {
        let fitTooHigh = Self.json.replacingOccurrences(of: #""minimumFit": 60"#, with: #""minimumFit": 101"#)
        #expect(throws: AccordError.validation([FieldError(field: "mql.minimumFit",
                                                           problem: "101 can never be met: the fit rules give at most 100")])) {
            try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(fitTooHigh.utf8)))
        }
        let capped = """
        {"fit": {"rules": []}, "engagement": {"halfLifeDays": 10, "rules": [{"kind": "visited", "points": 1, "cap": 5}]},
         "mql": {"minimumFit": 0, "minimumEngagement": 6}}
        """
        #expect(throws: AccordError.self) {
            try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(capped.utf8)))
        }
        // A capped rule that only subtracts does not raise what can be reached.
        let penalty = capped.replacingOccurrences(of: #"[{"kind": "visited", "points": 1, "cap": 5}]"#,
                                                  with: #"[{"kind": "visited", "points": 1, "cap": 5}, {"kind": "opened", "points": -1, "cap": 50}]"#)
        #expect(throws: AccordError.self) {
            try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(penalty.utf8)))
        }
    }

    static let touchGen = zip(Gen.element(of: [TouchpointKind.attended, .downloaded, .visited, .clicked, .registered]),
                                  Gen.element(of: [Channel.event, .webinar, .website, .email, .content]),
                                  Gen.double(in: 0...(200 * 86_400)))
        .map { kind, channel, age in ScoringTouch(kind: kind!, channel: channel!, occurredAt: asOf.addingTimeInterval(-age)) }

    @Test("decay never raises a score")
    func decayNeverRaises() async throws {
        let scorer = LeadScorer(try Self.definition())
        await propertyCheck(input: Self.touchGen.array(of: 0...40), Gen.double(in: 0...(400 * 86_400))) { touches, later in
            let now = scorer.engagement(touches, asOf: Self.asOf).points
            let afterwards = scorer.engagement(touches, asOf: Self.asOf.addingTimeInterval(later)).points
            #expect(afterwards <= now + 1e-9)
        }
    }

    @Test("adding a touchpoint never lowers a score")
    func touchNeverLowers() async throws {
        let scorer = LeadScorer(try Self.definition())
        await propertyCheck(input: Self.touchGen.array(of: 0...40), Self.touchGen) { touches, extra in
            let before = scorer.engagement(touches, asOf: Self.asOf).points
            let after = scorer.engagement(touches + [extra], asOf: Self.asOf).points
            #expect(after >= before - 1e-9)
        }
    }

    @Test("the explanation sums to the score")
    func explanationSums() async throws {
        let scorer = LeadScorer(try Self.definition())
        let profiles = zip(Gen.element(of: Seniority.allCases), Gen.int(in: 0...20_000),
                               Gen.element(of: ["software", "retail", "healthcare"]))
            .map { seniority, size, industry in
                ScoringProfile(email: "p@acme.com", seniority: seniority!, industry: industry!, employeeCount: size)
            }
        await propertyCheck(input: profiles, Self.touchGen.array(of: 0...40)) { profile, touches in
            let score = scorer.score(profile, touches: touches, asOf: Self.asOf)
            #expect(score.fitRules.reduce(0) { $0 + $1.points } == score.fit)
            #expect(abs(score.engagementRules.reduce(0) { $0 + $1.points } - score.engagement) < 1e-9)
            #expect(score.isMQL == (score.fit >= 60 && score.engagement >= 20))
        }
    }
}
