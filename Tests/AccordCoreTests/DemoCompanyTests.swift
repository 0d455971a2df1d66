import Foundation
import Testing
@testable import AccordCore

/// The demo company is deterministic, near its target sizes, and its hidden truth shows in plain statistics.
@Suite struct DemoCompanyTests {
    static let asOf = Date(timeIntervalSince1970: 1_790_000_000)
    static let company = DemoCompany.generate(scale: 1, seed: 42, asOf: asOf)

    @Test("the same seed gives the same company; another seed another")
    func deterministic() {
        let again = DemoCompany.generate(scale: 1, seed: 42, asOf: Self.asOf)
        let other = DemoCompany.generate(scale: 1, seed: 43, asOf: Self.asOf)
        #expect(Self.fingerprint(again) == Self.fingerprint(Self.company))
        #expect(again.touchpoints.map(\.id) == Self.company.touchpoints.map(\.id))
        #expect(Self.fingerprint(other) != Self.fingerprint(Self.company))
    }

    @Test("scale 1 is about 500 accounts, 3,000 persons, 40 campaigns and 50,000 touchpoints")
    func sizes() {
        let company = Self.company
        print("demo scale 1:", company.truth.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: " "), "goodFitShareOfLeads=\(company.truth.goodFitShareOfLeads)")
        #expect(company.accounts.count == 500)
        #expect(company.persons.count == 3000)
        #expect(company.campaigns.count == 40)
        #expect((42_000...58_000).contains(company.touchpoints.count))
        #expect(Set(company.campaigns.map(\.channel)).count == 10)
        #expect(Set(company.persons.map(\.email)).count == company.persons.count, "emails are unique")
        #expect((0.2...0.5).contains(company.truth.goodFitShareOfLeads))
        #expect(company.leads.count > 500)
        #expect(company.opportunities.count > 80)
    }

    @Test("a tenth of the company is a small fixture of the same shape")
    func smallScale() {
        let small = DemoCompany.generate(scale: 0.1, seed: 7, asOf: Self.asOf)
        #expect(small.accounts.count == 50)
        #expect(small.persons.count == 300)
        #expect(small.campaigns.count == 10)
        #expect(!small.leads.isEmpty)
    }

    @Test("good fits convert far more often than poor fits, and are rejected less")
    func fitDrivesOutcomes() {
        let company = Self.company
        let good = Set(company.persons.filter { person in
            let account = company.accounts.first { $0.id == person.accountID }
            return account.map { fits(person, $0, company.truth.fitRule) } ?? false
        }.map(\.id))
        let goodLeads = company.leads.filter { good.contains($0.personID) }
        let poorLeads = company.leads.filter { !good.contains($0.personID) && $0.accountID != nil }
        let goodConversion = rate(goodLeads) { $0.lifecycle.opportunityID != nil }
        let poorConversion = rate(poorLeads) { $0.lifecycle.opportunityID != nil }
        let goodRejection = rate(goodLeads) { $0.lifecycle.stage == .rejected }
        let poorRejection = rate(poorLeads) { $0.lifecycle.stage == .rejected }
        print("conversion to opportunity: good fit \(goodConversion), poor fit \(poorConversion); rejection: good \(goodRejection), poor \(poorRejection)")
        #expect(goodConversion > 2 * poorConversion)
        #expect(poorRejection > 2.5 * goodRejection)
        let rejected = company.leads.filter { $0.lifecycle.stage == .rejected }
        let poorShareOfRejections = rate(rejected) { !good.contains($0.personID) }
        #expect(poorShareOfRejections > 0.75, "rejections concentrate on poor fits: \(poorShareOfRejections)")
    }

    @Test("leads answered within the SLA convert more than late ones, and the slow reps are the late ones")
    func speedDrivesOutcomes() {
        let company = Self.company
        let acted = company.leads.filter { $0.firstActionAt != nil }
        let onTime = acted.filter { $0.firstActionAt! <= $0.slaDueAt! }
        let late = acted.filter { $0.firstActionAt! > $0.slaDueAt! }
        let onTimeConversion = rate(onTime) { $0.lifecycle.opportunityID != nil }
        let lateConversion = rate(late) { $0.lifecycle.opportunityID != nil }
        print("conversion: on time \(onTimeConversion) (\(onTime.count)), late \(lateConversion) (\(late.count))")
        #expect(onTimeConversion > 1.4 * lateConversion)
        let slow = Set(company.truth.slowReps.map(\.email))
        let slowIDs = Set(company.users.filter { slow.contains($0.email) }.map(\.id))
        let slowLateShare = rate(company.leads.filter { slowIDs.contains($0.ownerID!) && $0.firstActionAt != nil }) {
            $0.firstActionAt! > $0.slaDueAt!
        }
        let fastLateShare = rate(company.leads.filter { !slowIDs.contains($0.ownerID!) && $0.firstActionAt != nil }) {
            $0.firstActionAt! > $0.slaDueAt!
        }
        #expect(slow.count == 2)
        #expect(slowLateShare > fastLateShare + 0.4)
    }

    @Test("every lead's history is a legal path through the lifecycle")
    func leadsAreLegal() {
        for lead in Self.company.leads {
            if lead.lifecycle.stage == .won { #expect(lead.lifecycle.opportunityID != nil) }
            if lead.lifecycle.stage == .rejected { #expect(lead.lifecycle.rejectionReason != nil) }
            #expect(lead.lifecycle.stageChangedAt <= Self.asOf)
        }
        #expect(Self.company.touchpoints.allSatisfy { $0.occurredAt <= Self.asOf })
    }

    static func fingerprint(_ company: DemoCompany) -> [String] {
        [company.truth.counts.sorted { $0.key < $1.key }.description,
         "\(company.opportunities.reduce(Int64(0)) { $0 + $1.amount.amountMinor })",
         "\(company.leads.map(\.lifecycle.stage.rawValue).sorted())".hashValue.description,
         "\(company.campaigns.reduce(Int64(0)) { $0 + $1.costs.reduce(0) { $0 + $1.amount.amountMinor } })"]
    }
}

private func fits(_ person: Person, _ account: Account, _ rule: DemoTruth.FitRule) -> Bool {
    rule.industries.contains(account.industry ?? "")
        && (rule.minimumEmployees...rule.maximumEmployees).contains(account.employeeCount ?? 0)
        && person.seniority.map(rule.seniorities.contains) == true
}

private func rate<T>(_ items: [T], _ predicate: (T) -> Bool) -> Double {
    items.isEmpty ? 0 : Double(items.filter(predicate).count) / Double(items.count)
}
