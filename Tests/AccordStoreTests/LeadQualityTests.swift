import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// Lead quality and stale data, aggregated in SQL over the demo company: the numbers equal the generated ones and
/// show its hidden structure (sales rejects poor fits, for profile reasons).
@Suite struct LeadQualityTests {
    static let asOf = CalendarDate.parse("2026-06-30")!

    @Test("on the demo, rejections concentrate on poor fits, for profile reasons; the SQL counts equal the generated leads")
    func demoStructure() async throws {
        try await withStore { store in try await Self.checkDemoStructure(store.database) }
    }

    static func checkDemoStructure(_ database: any Database) async throws {
        do {
            let company = DemoCompany.generate(scale: 0.3, seed: 42, asOf: Self.asOf)
            try await DemoWriter.write(company, to: database)
            let from = Date(timeIntervalSince1970: 0), to = Self.asOf.addingTimeInterval(86_400)
            // act
            let report = try await LeadQualityQuery.report(by: .priority, from: from, to: to, now: Self.asOf,
                                                           on: database)
            // check: exact against the generated leads
            let handed = company.leads.filter { $0.qualifiedAt != nil && $0.lifecycle.stage != .new }
            #expect(report.total.leads == handed.count)
            #expect(report.total.rejected == handed.filter { $0.lifecycle.stage == .rejected }.count)
            var reasons: [String: Int] = [:]
            for lead in handed where lead.lifecycle.stage == .rejected { reasons[lead.lifecycle.rejectionReason!, default: 0] += 1 }
            #expect(report.total.reasons == reasons)
            // check: the hidden structure
            let good = try #require(report.groups.first { $0.key == "A" }?.counts)
            let poor = report.groups.filter { $0.key != "A" }.reduce(QualityCounts()) { $0 + $1.counts }
            let goodRate = try #require(good.acceptanceRate), poorRate = try #require(poor.acceptanceRate)
            print("demo acceptance: good fits \(goodRate) of \(good.accepted + good.rejected), poor fits \(poorRate) of \(poor.accepted + poor.rejected)")
            #expect(goodRate - poorRate > 0.25)
            #expect(poor.topReason == "not_target_profile")
            #expect(good.reasons["not_target_profile"] == nil)
            // every lead was decided or expired; decisions are on record for the completeness figure
            #expect(report.total.due >= report.total.accepted + report.total.rejected)
            #expect(report.total.decidedInTime <= report.total.accepted + report.total.rejected)
            // the other groupings add up to the same whole
            for dimension in QualityDimension.allCases {
                let other = try await LeadQualityQuery.report(by: dimension, from: from, to: to, now: Self.asOf,
                                                              on: database)
                #expect(other.total.leads == report.total.leads && other.total.rejected == report.total.rejected, "\(dimension)")
                #expect(!other.groups.isEmpty)
            }
            let months = try await LeadQualityQuery.report(by: .month, from: from, to: to, now: Self.asOf,
                                                           on: database)
            #expect(months.groups.allSatisfy { $0.key.range(of: "^[0-9]{4}-[0-9]{2}$", options: .regularExpression) != nil })
        }
    }

    @Test("the demo's wrongly recorded persons are flagged and reported by their source; sources are first-touch channels")
    func demoStaleData() async throws {
        try await withStore { store in
            let company = DemoCompany.generate(scale: 0.2, seed: 5, asOf: Self.asOf)
            try await DemoWriter.write(company, to: store.database)
            let wrong = Set(company.leads.filter { $0.lifecycle.rejectionReason == "contact_data_wrong" && $0.lifecycle.stage == .rejected }
                .map(\.personID))
            // act
            let report = try await DataQuality.report(olderThanDays: 90, now: Self.asOf, on: store.database)
            // check
            #expect(report.totalFlagged == wrong.count)
            #expect(wrong.count > 0)
            #expect(Set(report.persons.filter { $0.flaggedAt != nil }.map(\.id)) == wrong)
            #expect(report.sources.reduce(0) { $0 + $1.persons } == company.persons.count)
            #expect(report.sources.allSatisfy { Channel(rawValue: $0.source) != nil || $0.source == "unknown" })
            #expect(report.totalStale > 0, "demo persons created long before the as-of date are stale at 90 days")
            try await DataQuality.backfillDemo(on: store.database)
            #expect(try await DataQuality.report(olderThanDays: 90, now: Self.asOf, on: store.database).totalFlagged == wrong.count)
        }
    }
}
