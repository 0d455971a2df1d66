import AccordCore
import Foundation

/// Scores the demo company's people with a definition built from the demo's true fit rule, on one core,
/// and compares it with the same rules written by hand as plain `if`s (the baseline in the same run).
enum ScoringBench {
    static let definitionJSON = """
    {"fit": {"rules": [
        {"id": "industry", "field": "account.industry", "operator": "in",
         "value": ["software", "financial_services", "manufacturing", "healthcare"], "points": 30},
        {"id": "size", "field": "account.employeeCount", "operator": "between", "value": [200, 10000], "points": 30},
        {"id": "seniority", "field": "person.seniority", "operator": "in", "value": ["director", "vp", "c_level"], "points": 40},
        {"id": "country", "field": "account.country", "operator": "exists", "points": 0}],
      "grades": {"A": 80, "B": 60, "C": 30}},
     "engagement": {"halfLifeDays": 30, "rules": [
        {"id": "attended", "kind": "attended", "points": 15, "cap": 45},
        {"id": "form", "kind": "form_submitted", "points": 20},
        {"id": "downloaded", "kind": "downloaded", "points": 8, "cap": 24},
        {"id": "clicked", "kind": "clicked", "points": 3, "cap": 15}]},
     "mql": {"minimumFit": 60, "minimumEngagement": 40}}
    """

    static func run() {
        let asOf = CalendarDate.parse("2026-11-23")!
        let company = DemoCompany.generate(scale: 1, seed: 42, asOf: asOf)
        let accounts = Dictionary(uniqueKeysWithValues: company.accounts.map { ($0.id, $0) })
        let touchesByPerson = Dictionary(grouping: company.touchpoints, by: \.personID).mapValues { touches in
            touches.map { ScoringTouch(kind: $0.kind, channel: $0.channel, occurredAt: $0.occurredAt) }
        }
        let people: [(ScoringProfile, [ScoringTouch])] = company.persons.map { person in
            let account = person.accountID.flatMap { accounts[$0] }
            return (ScoringProfile(email: person.email, title: person.title, seniority: person.seniority,
                                   accountName: account?.name, accountDomain: account?.domain,
                                   industry: account?.industry, employeeCount: account?.employeeCount,
                                   country: account?.country), touchesByPerson[person.id] ?? [])
        }
        let definition = try! LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(definitionJSON.utf8)))
        let scorer = LeadScorer(definition)
        let rounds = 20
        let evaluationsPerRound = people.reduce(0) { $0 + definition.fitRules.count + $1.1.count }

        var mqls = 0
        let engineStart = Date()
        for _ in 0..<rounds {
            for (profile, touches) in people where scorer.score(profile, touches: touches, asOf: asOf).isMQL { mqls += 1 }
        }
        let engineSeconds = Date().timeIntervalSince(engineStart)

        var handMQLs = 0
        let handStart = Date()
        for _ in 0..<rounds {
            for (profile, touches) in people where handCoded(profile, touches, asOf) { handMQLs += 1 }
        }
        let handSeconds = Date().timeIntervalSince(handStart)

        let evaluations = Double(evaluationsPerRound * rounds)
        let result: [String: Double] = [
            "persons": Double(people.count), "touches": Double(company.touchpoints.count), "rounds": Double(rounds),
            "ruleEvaluationsPerSecond": evaluations / engineSeconds,
            "personsPerSecond": Double(people.count * rounds) / engineSeconds,
            "handCodedRuleEvaluationsPerSecond": evaluations / handSeconds,
            "engineToHandCodedTimeRatio": engineSeconds / handSeconds,
            "sameMQLs": mqls == handMQLs ? 1 : 0, "mqlsPerRound": Double(mqls / rounds),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try! encoder.encode(result), as: UTF8.self))
    }

    /// The same definition by hand: the fastest this scoring could be in Swift (it computes both scores
    /// for everyone, as the engine does).
    static func handCoded(_ profile: ScoringProfile, _ touches: [ScoringTouch], _ asOf: Date) -> Bool {
        var fit = 0
        if ["software", "financial_services", "manufacturing", "healthcare"].contains(profile.industry?.lowercased() ?? "") { fit += 30 }
        if let size = profile.employeeCount, size >= 200, size <= 10_000 { fit += 30 }
        if let seniority = profile.seniority, [.director, .vp, .cLevel].contains(seniority) { fit += 40 }
        let decay = log(2) / (30 * 86_400.0)
        var attended = 0.0, form = 0.0, downloaded = 0.0, clicked = 0.0
        for touch in touches where touch.occurredAt <= asOf {
            let weight = exp(-decay * asOf.timeIntervalSince(touch.occurredAt))
            switch touch.kind {
            case .attended: attended += 15 * weight
            case .formSubmitted: form += 20 * weight
            case .downloaded: downloaded += 8 * weight
            case .clicked: clicked += 3 * weight
            default: break
            }
        }
        return fit >= 60 && min(attended, 45) + form + min(downloaded, 24) + min(clicked, 15) >= 40
    }
}
