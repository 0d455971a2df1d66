import Foundation
import Testing
@testable import AccordCore

/// Contact pressure: the policy as configured and validated, the loads it counts, and each rule of the check.
@Suite struct PressureTests {
    static let now = ISOTimestamp.parse("2026-11-24T12:00:00Z")!
    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    @Test("the defaults: 3 marketing and 6 in all per person in 7 days; a policy is read with every problem named")
    func reading() throws {
        #expect(try PressurePolicy.read(.object([:])) == .standard)
        let custom = try PressurePolicy.read(JSONParser.parse("""
            {"personCaps": [{"side": "marketing", "maximum": 2, "windowDays": 14}, {"side": "any", "maximum": 5, "windowDays": 7}],
             "accountCap": null, "channelWeights": {"field_sales": 3, "email": 0.5}, "quietDaysAfterSalesMeeting": 5}
            """))
        #expect(custom.personCaps == [PressureCap(side: .marketing, maximum: 2, windowDays: 14), PressureCap(side: nil, maximum: 5, windowDays: 7)])
        #expect(custom.accountCap == nil && custom.weight(.email) == 0.5 && custom.weight(.webinar) == 1 && custom.lookbackDays == 14)
        do {
            _ = try PressurePolicy.read(JSONParser.parse("""
                {"personCaps": [{"side": "partners", "maximum": -1, "windowDays": 0}], "channelWeights": {"fax": 1, "email": "x"},
                 "quietDaysAfterSalesMeeting": 400, "colour": "red"}
                """))
            Issue.record("a bad policy was accepted")
        } catch let error as AccordError {
            #expect(error.fields.map(\.field) == ["personCaps[0].side", "personCaps[0].maximum", "personCaps[0].windowDays",
                                                  "channelWeights.email", "channelWeights.fax", "quietDaysAfterSalesMeeting", "colour"])
        }
    }

    @Test("loads count weighted messages inside each window and side")
    func loads() {
        let policy = PressurePolicy.standard
        let messages = [PressureMessage(at: Self.daysAgo(1), side: .marketing, channel: .email),
                        PressureMessage(at: Self.daysAgo(6.9), side: .marketing, channel: .webinar),
                        PressureMessage(at: Self.daysAgo(7.1), side: .marketing, channel: .email),
                        PressureMessage(at: Self.daysAgo(2), side: .sales, channel: .fieldSales)]
        #expect(policy.loads(messages, now: Self.now) == [2, 4], "marketing: 2; any: 2 + a sales call weighing 2")
    }

    @Test("rules in order: opt-out, suppression, protection, quiet period, person caps, account cap")
    func rules() {
        let account = UUID()
        var check = PressureCheck(policy: .standard, side: .marketing, channel: .email, now: Self.now, accountLoads: [account: 39])
        #expect(check.decide(PressureFacts(accountID: nil, optedOut: true, suppressed: true, capLoads: [0, 0])).rule == .optOut)
        #expect(check.decide(PressureFacts(accountID: nil, suppressed: true, capLoads: [0, 0])).rule == .suppressed)
        #expect(check.decide(PressureFacts(accountID: account, protectedWithoutConsent: true, capLoads: [0, 0])).rule == .protectedAccount)
        let quiet = check.decide(PressureFacts(accountID: nil, lastSalesMeeting: Self.daysAgo(2), capLoads: [0, 0]))
        #expect(quiet.rule == .quietPeriod && quiet.detail == "quiet_period:3d")
        #expect(check.decide(PressureFacts(accountID: nil, lastSalesMeeting: Self.daysAgo(4), capLoads: [0, 0])) == .allow)
        let capped = check.decide(PressureFacts(accountID: nil, capLoads: [3, 3]))
        #expect(capped.rule == .personCap && capped.detail == "person_cap:marketing:3/7d")
        #expect(check.decide(PressureFacts(accountID: nil, capLoads: [2, 6])).detail == "person_cap:any:6/7d")
        // the account has room for one more: the first person passes, the second is capped
        #expect(check.decide(PressureFacts(accountID: account, capLoads: [0, 0])) == .allow)
        let second = check.decide(PressureFacts(accountID: account, capLoads: [0, 0]))
        #expect(second.rule == .accountCap && second.detail == "account_cap:marketing:40/7d")
        // sales is not held by marketing's quiet period, marketing cap or protection
        var sales = PressureCheck(policy: .standard, side: .sales, channel: .email, now: Self.now)
        #expect(sales.decide(PressureFacts(accountID: account, protectedWithoutConsent: true, lastSalesMeeting: Self.daysAgo(1),
                                           capLoads: [3, 5])) == .allow)
        #expect(sales.decide(PressureFacts(accountID: nil, capLoads: [0, 6])).rule == .personCap)
    }
}
