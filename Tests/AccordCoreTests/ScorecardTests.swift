import AccordCore
import Foundation
import Testing

@Suite struct ScorecardTests {
    static func time(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    @Test("periods are ISO weeks, months and quarters in the time zone, with the one before and month shares")
    func periods() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // Sunday 2026-01-03 23:30 UTC is Monday 00:30 in Berlin: week 2 there, week 1 in UTC.
        let moment = Self.time("2026-01-04T23:30:00Z")
        #expect(ScorecardPeriod.containing(moment, kind: .week, timeZone: berlin).label == "2026-W02")
        #expect(ScorecardPeriod.containing(moment, kind: .week, timeZone: .gmt).label == "2026-W01")
        // ISO years: 2026-12-31 is in 2026-W53, 2021-01-01 in 2020-W53.
        #expect(ScorecardPeriod.containing(Self.time("2026-12-31T12:00:00Z"), kind: .week, timeZone: .gmt).label == "2026-W53")
        #expect(ScorecardPeriod.containing(Self.time("2021-01-01T12:00:00Z"), kind: .week, timeZone: .gmt).label == "2020-W53")
        let quarter = ScorecardPeriod.containing(Self.time("2026-11-24T10:00:00Z"), kind: .quarter, timeZone: berlin)
        #expect(quarter.label == "2026-Q4")
        #expect(quarter.start == Self.time("2026-09-30T22:00:00Z") && quarter.end == Self.time("2026-12-31T23:00:00Z"))
        #expect(quarter.previous(timeZone: berlin).label == "2026-Q3")
        #expect(quarter.series(count: 6, timeZone: berlin).map(\.label) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        #expect(quarter.months(timeZone: berlin) == ["2026-10", "2026-11", "2026-12"])
        let week = ScorecardPeriod.containing(Self.time("2026-03-04T12:00:00Z"), kind: .week, timeZone: .gmt)  // Mon 2 March
        #expect(abs(week.share(ofMonth: "2026-03", timeZone: .gmt) - 7.0 / 31) < 1e-9)
        #expect(week.share(ofMonth: "2026-04", timeZone: .gmt) == 0)
        let month = ScorecardPeriod.containing(Self.time("2026-03-04T12:00:00Z"), kind: .month, timeZone: .gmt)
        #expect(abs(month.clipped(to: Self.time("2026-03-16T12:00:00Z")).share(ofMonth: "2026-03", timeZone: .gmt) - 15.5 / 31) < 1e-9)
        #expect(CalendarDate.parse("+026-01-01") == nil && CalendarDate.parse("2026-01-01") != nil)
        #expect(ScorecardPeriod.noon(of: Self.time("2026-11-23T00:00:00Z"), timeZone: berlin) == Self.time("2026-11-23T11:00:00Z"))
    }

    @Test("offset segments follow daylight saving time, so SQL's arithmetic weekday is the local one")
    func weekdays() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let start = Self.time("2026-03-01T00:00:00Z"), end = Self.time("2026-04-01T00:00:00Z")
        let segments = UTCOffsetSegment.segments(from: start, to: end, timeZone: berlin)
        #expect(segments.map(\.offsetSeconds) == [3_600, 7_200])
        #expect(segments[1].from == Self.time("2026-03-29T01:00:00Z"))
        // Sunday 29 March 22:30 UTC is Monday 00:30 in Berlin (summer time)
        let moment = Self.time("2026-03-29T22:30:00Z")
        let offset = segments.last { $0.from <= moment }!.offsetSeconds
        #expect(UTCOffsetSegment.weekday(localSeconds: Int64(moment.timeIntervalSince1970) + Int64(offset)) == 0)
        #expect(UTCOffsetSegment.weekday(localSeconds: Int64(moment.timeIntervalSince1970)) == 6)
    }

    @Test("revenue at risk is breached × (on-time − late conversion) × average won deal, never negative")
    func revenueAtRisk() {
        let risk = RevenueAtRisk(windowStart: Date(), windowEnd: Date(), onTimeLeads: 1_000, onTimeWon: 80, lateLeads: 200,
                                 lateWon: 6, wonDeals: 86, wonMinor: 86 * 2_000_000)
        #expect(risk.onTimeConversion == 0.08 && risk.lateConversion == 0.03)
        #expect(abs(risk.amountMinor(breached: 50)! - 50 * 0.05 * 2_000_000) < 1e-6)
        let better = RevenueAtRisk(windowStart: Date(), windowEnd: Date(), onTimeLeads: 100, onTimeWon: 1, lateLeads: 100,
                                   lateWon: 5, wonDeals: 6, wonMinor: 600)
        #expect(better.amountMinor(breached: 10) == 0)
        let none = RevenueAtRisk(windowStart: Date(), windowEnd: Date(), onTimeLeads: 0, onTimeWon: 0, lateLeads: 3,
                                 lateWon: 0, wonDeals: 0, wonMinor: 0)
        #expect(none.amountMinor(breached: 3) == nil)
    }

    @Test("figures from facts: shares, money per SAL, cohort conversion, trends and formats")
    func figures() {
        var facts = ScorecardFacts()
        facts.mqls = 10
        facts.accepted = 6
        facts.rejected = 2
        facts.slaDue = 8
        facts.slaMet = 6
        facts.reachedOpportunity = 3
        facts.reachedWon = 1
        facts.won = 2
        facts.lost = 2
        facts.costMinor = 600_000
        facts.mqlTarget = 12.4
        facts.speedMedianSeconds = 5_400
        #expect(facts.value(.acceptanceRate) == 0.75 && facts.value(.slaCompliance) == 0.75)
        #expect(facts.value(.costPerSal) == 100_000 && facts.value(.mqlTarget) == 12)
        #expect(facts.value(.salToOpportunity) == 0.5 && facts.value(.mqlToWon) == 0.1 && facts.value(.winRate) == 0.5)
        #expect(facts.value(.speedToLeadMedianHours) == 1.5 && facts.value(.speedToLeadP90Hours) == nil)
        #expect(ScorecardFigure.slaCompliance.trend(0.8, 0.7) == "better" && ScorecardFigure.speedToLeadMedianHours.trend(2, 1) == "worse")
        #expect(ScorecardFigure.mqlTarget.trend(2, 1) == nil && ScorecardFigure.mqls.trend(nil, 1) == nil)
        #expect(ScorecardFigure.wonRevenue.format(123_456_789, currency: "EUR") == "EUR 1,234,568")
        #expect(ScorecardFigure.slaCompliance.format(0.8126, currency: "EUR") == "81.3%")
        #expect(!ScorecardFigure.mqlTarget.applies(to: .rep) && ScorecardFigure.costPerSal.applies(to: .channel))
    }

    @Test("the CSV quotes labels and writes money in major units; the digest says what changed and who waits")
    func csvAndDigest() {
        var current = ScorecardFacts()
        current.mqls = 4
        current.wonMinor = 250_000
        var previous = ScorecardFacts()
        previous.mqls = 2
        let period = ScorecardPeriod.containing(Date(timeIntervalSince1970: 1_790_000_000), kind: .week, timeZone: .gmt)
        let risk = RevenueAtRisk(windowStart: Date(), windowEnd: Date(), onTimeLeads: 0, onTimeWon: 0, lateLeads: 0,
                                 lateWon: 0, wonDeals: 0, wonMinor: 0)
        let card = Scorecard(period: period, previous: period.previous(timeZone: .gmt), dimension: .campaign, currency: "EUR",
                             total: ScorecardRow(key: "total", label: "Everyone", current: current, previous: previous),
                             groups: [ScorecardRow(key: "c1", label: "Fairs, \"big\" ones", current: current, previous: previous)],
                             trend: [], heatmap: [], risk: risk)
        let lines = card.csv().split(separator: "\n")
        #expect(lines[0] == "period,previous_period,key,label,figure,side,unit,value,previous,change,currency")
        #expect(lines.contains { $0.hasSuffix(",total,Everyone,mqls,marketing,count,4,2,2,") })
        #expect(lines.contains { $0.contains(",c1,\"Fairs, \"\"big\"\" ones\",wonRevenue,sales,money,2500,0,2500,EUR") })
        #expect(!lines.contains { $0.contains(",c1,") && $0.contains(",mqlTarget,") }, "targets are per team")
        var waiting = ScorecardDigest.Waiting()
        waiting.overdueLeads = 2
        waiting.consents = 1
        let digest = ScorecardDigest.compose(week: "2026-W47", previous: "2026-W46", row: card.total, currency: "EUR",
                                             own: true, waiting: waiting)
        #expect(digest.title == "Weekly digest 2026-W47: 2 overdue")
        #expect(digest.body.contains("Your scorecard for 2026-W47") && digest.body.contains("- MQLs: 4, was 2 (better)"))
        #expect(digest.body.contains("2 lead(s) past their SLA") && digest.body.contains("your consent for 1 protected account"))
    }
}
