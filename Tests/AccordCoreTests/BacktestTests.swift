import Foundation
import Testing
@testable import AccordCore

/// The backtest replays history day by day and tells the truth: on the demo company a definition built from the
/// true fit rule beats one that ignores fit on precision at similar volume.
@Suite struct BacktestTests {
    static let asOf = ISOTimestamp.parse("2026-06-01T00:00:00Z")!
    static let company = DemoCompany.generate(scale: 1, seed: 42, asOf: asOf)
    static let subjects = company.backtestSubjects()
    static let from = asOf.addingTimeInterval(-365 * 86_400)

    static let engagementRules = """
      {"id": "attended", "kind": "attended", "points": 15}, {"id": "registered", "kind": "registered", "points": 5},
      {"id": "form", "kind": "form_submitted", "points": 20}, {"id": "replied", "kind": "replied", "points": 10},
      {"id": "downloaded", "kind": "downloaded", "points": 8}, {"id": "clicked", "kind": "clicked", "points": 3},
      {"id": "opened", "kind": "opened", "points": 1}, {"id": "visited", "kind": "visited", "points": 1}
    """

    static func definition(fit: Bool, engagement: Double, account: String = "") -> LeadScorer {
        let fitRules = fit ? """
          {"id": "industry", "field": "account.industry", "operator": "in",
           "value": ["software", "financial_services", "manufacturing", "healthcare"], "points": 30},
          {"id": "size", "field": "account.employeeCount", "operator": "between", "value": [200, 10000], "points": 30},
          {"id": "seniority", "field": "person.seniority", "operator": "in", "value": ["director", "vp", "c_level"], "points": 40}
        """ : ""
        let json = """
        {"fit": {"rules": [\(fitRules)]}, "engagement": {"halfLifeDays": 120, "rules": [\(engagementRules)]},
         "mql": {"minimumFit": \(fit ? 100 : 0), "minimumEngagement": \(engagement)\(account)}}
        """
        let value = try! JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return LeadScorer(try! LeadDefinition.parse(value))
    }

    @Test("the true fit rule beats ignoring fit on precision at similar volume on the demo company")
    func truthWins() {
        let withFit = Backtest.run(Self.definition(fit: true, engagement: 30), subjects: Self.subjects, from: Self.from,
                                   to: Self.asOf)
        // The fit-blind definition at the threshold that gives the most similar number of MQLs.
        let blind = [40.0, 60, 80, 100, 120].map {
            Backtest.run(Self.definition(fit: false, engagement: $0), subjects: Self.subjects, from: Self.from, to: Self.asOf)
        }.min { abs($0.totals.mqls - withFit.totals.mqls) < abs($1.totals.mqls - withFit.totals.mqls) }!
        let ratio = Double(blind.totals.mqls) / Double(withFit.totals.mqls)
        let margin = (withFit.precision ?? 0) - (blind.precision ?? 0)
        print("backtest truth: true fit \(withFit.totals.mqls) MQLs, precision \(withFit.precision ?? 0); "
            + "fit-blind \(blind.totals.mqls) MQLs, precision \(blind.precision ?? 0); margin \(margin)")
        #expect((0.8...1.25).contains(ratio), "volumes differ too much: \(ratio)")
        #expect(margin >= 0.04, "precision margin \(margin)")
        #expect(withFit.totals.wins <= withFit.totals.opportunities && withFit.totals.opportunities <= withFit.totals.mqls)
        #expect(withFit.months.count == 13)
        #expect(withFit.months.values.reduce(0) { $0 + $1.mqls } == withFit.totals.mqls)
    }

    static func person(_ n: UInt8, account: UUID? = nil, seniority: Seniority = .vp, touches: [(TouchpointKind, String)],
                       outcome: PersonOutcome = PersonOutcome()) -> BacktestSubject {
        BacktestSubject(personID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n)), accountID: account,
                        profile: ScoringProfile(email: "p\(n)@acme.example", seniority: seniority, industry: "software",
                                                employeeCount: 500),
                        touches: touches.map { ScoringTouch(kind: $0.0, channel: .event, occurredAt: ISOTimestamp.parse($0.1)!) },
                        outcome: outcome)
    }

    static let start = ISOTimestamp.parse("2026-01-01T00:00:00Z")!
    static let end = ISOTimestamp.parse("2026-03-31T00:00:00Z")!

    @Test("a touch counts from the next day on, with decay as of each day; a person qualified before the period is not an MQL in it")
    func dayByDay() {
        let slow = Self.definition(fit: true, engagement: 30)  // attended 15 each, half-life 120 days
        let subject = Self.person(1, touches: [(.attended, "2026-01-10T09:00:00Z"), (.attended, "2026-01-20T23:59:00Z")])
        let result = Backtest.run(slow, subjects: [subject], from: Self.start, to: Self.end)
        // After the second touch the score is just under 30 (the first has decayed): it never reaches the threshold.
        #expect(result.totals.mqls == 0)
        let easier = Self.definition(fit: true, engagement: 29)
        let qualified = Backtest.run(easier, subjects: [subject], from: Self.start, to: Self.end)
        #expect(qualified.qualifiedAt[subject.personID] == ISOTimestamp.parse("2026-01-21T00:00:00Z"))
        #expect(qualified.months["2026-01"]?.mqls == 1)
        #expect(qualified.months["2026-02"]?.mqls == 0)
        let later = Backtest.run(easier, subjects: [subject], from: ISOTimestamp.parse("2026-02-01T00:00:00Z")!, to: Self.end)
        #expect(later.totals.mqls == 0)
        let poorFit = Self.person(2, seniority: .individual, touches: [(.attended, "2026-01-10T09:00:00Z"),
                                                                     (.attended, "2026-01-11T09:00:00Z")])
        #expect(Backtest.run(easier, subjects: [poorFit], from: Self.start, to: Self.end).totals.mqls == 0)
    }

    @Test("precision and recall count people; a deal's revenue counts once however many of its people qualified")
    func precisionAndRecall() {
        let deal = PersonOutcome.WonDeal(id: UUID(), amount: Money(amountMinor: 1_000_000, currency: "EUR"))
        var winner = PersonOutcome(wonDeals: [deal])
        winner.add(lead: .won, recycleReason: nil, opportunityID: deal.id)
        let engaged: [(TouchpointKind, String)] = [(.attended, "2026-01-10T09:00:00Z"), (.attended, "2026-01-11T09:00:00Z")]
        var rejected = PersonOutcome()
        rejected.add(lead: .rejected, recycleReason: nil, opportunityID: nil)
        var expired = PersonOutcome()
        expired.add(lead: .recycled, recycleReason: LeadLifecycle.expiredReason, opportunityID: nil)
        var disqualified = PersonOutcome()
        disqualified.add(lead: .recycled, recycleReason: "no_need", opportunityID: nil)
        let subjects = [Self.person(1, touches: engaged, outcome: winner), Self.person(2, touches: engaged, outcome: winner),
                        Self.person(3, touches: engaged, outcome: rejected), Self.person(4, touches: engaged, outcome: expired),
                        Self.person(5, touches: engaged, outcome: disqualified),
                        Self.person(6, touches: [(.opened, "2026-01-10T09:00:00Z")], outcome: winner)]
        let result = Backtest.run(Self.definition(fit: true, engagement: 29), subjects: subjects, from: Self.start,
                                  to: Self.end)
        #expect(result.totals.mqls == 5)
        #expect(result.totals.accepted == 3)  // the two winners and the disqualified one
        #expect(result.totals.wins == 2)
        #expect(result.totals.revenue == [Money(amountMinor: 1_000_000, currency: "EUR")])
        #expect(result.precision == 0.4)
        #expect(result.wonPersons == 3)
        #expect(abs((result.recall ?? 0) - 2.0 / 3.0) < 1e-12)
    }

    @Test("an account qualifies as a buying group: engagement summed over its people with a cap each; one lead for the most engaged who fits")
    func buyingGroup() {
        let account = UUID()
        let group = ", \"account\": {\"minimumEngagement\": 40, \"perPersonCap\": 16}"
        let scorer = Self.definition(fit: true, engagement: 100, account: group)
        let subjects = [
            Self.person(1, account: account, touches: [(.attended, "2026-02-01T10:00:00Z")]),
            Self.person(2, account: account, seniority: .individual,
                        touches: [(.attended, "2026-02-02T10:00:00Z"), (.attended, "2026-02-02T11:00:00Z")]),
            Self.person(3, account: account, touches: [(.registered, "2026-02-03T10:00:00Z"),
                                                       (.attended, "2026-02-03T11:00:00Z")]),
        ]
        // Nobody qualifies alone (100 points), but 15 + 16 (capped) + 16 (capped) ≥ 40 on 4 February.
        let result = Backtest.run(scorer, subjects: subjects, from: Self.start, to: Self.end)
        #expect(result.totals.mqls == 1)
        #expect(result.totals.accountMQLs == 1)
        // Person 2 is the most engaged but does not fit; person 3 is next.
        #expect(result.qualifiedAt == [subjects[2].personID: ISOTimestamp.parse("2026-02-04T00:00:00Z")!])
        let members = subjects.map { BuyingGroupMember(personID: $0.personID, fit: scorer.fit($0.profile).points,
                                                       engagement: 20) }
        #expect(scorer.accountEngagement(members) == 48)
        let decision = scorer.buyingGroup(members)
        #expect(decision?.others.count == 2)
        #expect(Self.definition(fit: true, engagement: 100).buyingGroup(members) == nil)
    }
}
