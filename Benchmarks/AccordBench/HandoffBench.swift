import AccordCore
import Foundation

/// The SLA clock and routing on one core. The clock is compared with Foundation's own calendar arithmetic
/// (`Calendar.date(byAdding: .hour…)`, a wall-clock due time) and routing with the territory match alone,
/// both measured in the same run.
enum HandoffBench {
    static func run() {
        let asOf = CalendarDate.parse("2026-11-23")!
        let company = DemoCompany.generate(scale: 1, seed: 42, asOf: asOf)
        let calendar = company.calendars[0].calendar  // Berlin office hours with holidays
        var random = SeededGenerator(seed: 7)
        let starts = (0..<100_000).map { _ in asOf.addingTimeInterval(-Double.random(in: 0...(365 * 86_400), using: &random)) }
        let hours = [1, 4, 8, 24]

        // 1. Due times: business hours on the calendar vs plain hours on Foundation's calendar.
        var checksum = 0.0
        let clockStart = Date()
        for (index, start) in starts.enumerated() {
            checksum += calendar.add(TimeInterval(hours[index % 4] * 3_600), to: start).timeIntervalSince1970
        }
        let clockSeconds = Date().timeIntervalSince(clockStart)
        var foundation = Calendar(identifier: .gregorian)
        foundation.timeZone = calendar.timeZone
        let baseStart = Date()
        for (index, start) in starts.enumerated() {
            checksum += foundation.date(byAdding: .hour, value: hours[index % 4], to: start)!.timeIntervalSince1970
        }
        let baseSeconds = Date().timeIntervalSince(baseStart)
        let spanStart = Date()
        for start in starts.prefix(20_000) {
            checksum += calendar.businessTime(from: start, to: start.addingTimeInterval(3 * 86_400))
        }
        let spanSeconds = Date().timeIntervalSince(spanStart)

        // 2. Routing the demo's accounts: owner first, rules, weighted round robin with its state.
        let router = Router(rules: company.routingRules, people: company.users.map { user in
            RoutingCandidate(id: user.id, name: user.name, role: user.role, teamID: user.teamID, weight: user.routingWeight)
        }, teamNames: Dictionary(uniqueKeysWithValues: company.teams.map { ($0.id, $0.name) }))
        let targets = (0..<100_000).map { index in
            let account = company.accounts[index % company.accounts.count]
            return RoutingTarget(accountName: account.name, accountOwnerID: account.ownerID, country: account.country,
                                 industry: account.industry, employeeCount: account.employeeCount)
        }
        var states: [UUID: RoundRobinState] = [:]
        var assigned = 0
        let routeStart = Date()
        for target in targets where router.route(target, states: &states).ownerID != nil { assigned += 1 }
        let routeSeconds = Date().timeIntervalSince(routeStart)
        let rules = router.rules
        var matched = 0
        let matchStart = Date()
        for target in targets where rules.first(where: { $0.matches(target) }) != nil { matched += 1 }
        let matchSeconds = Date().timeIntervalSince(matchStart)

        let result: [String: Double] = [
            "dueTimesPerSecond": Double(starts.count) / clockSeconds,
            "foundationAddsPerSecond": Double(starts.count) / baseSeconds,
            "dueTimeToFoundationTimeRatio": clockSeconds / baseSeconds,
            "businessTimeSpansOf3DaysPerSecond": 20_000 / spanSeconds,
            "routingDecisionsPerSecond": Double(targets.count) / routeSeconds,
            "territoryMatchesPerSecond": Double(targets.count) / matchSeconds,
            "routingToTerritoryMatchTimeRatio": routeSeconds / matchSeconds,
            "assigned": Double(assigned), "matched": Double(matched), "checksum": checksum.truncatingRemainder(dividingBy: 1_000),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try! encoder.encode(result), as: UTF8.self))
    }
}
