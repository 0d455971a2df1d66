import Foundation
import Testing
@testable import AccordCore

/// Two-party sign-off on lead definitions, and the readable diff between versions.
@Suite struct DefinitionWorkflowTests {
    @Test("a proposal becomes active only when a sales manager and a marketing manager have both approved")
    func twoPartySignOff() throws {
        let proposed = try DefinitionWorkflow().propose(by: .marketingManager)
        #expect(proposed.state == .proposed)
        let halfway = try proposed.approve(by: .marketingManager)
        #expect(halfway.state == .proposed)
        #expect(throws: AccordError.self) { try halfway.approve(by: .marketingManager) }
        let active = try halfway.approve(by: .salesManager)
        #expect(active.state == .active)
        #expect(active.approvals == [.sales, .marketing])
        #expect(try active.retire().state == .retired)
    }

    @Test("reps, marketers and admins do not approve; a rejection needs a reason and returns the version to draft")
    func rejectionAndRoles() throws {
        let proposed = try DefinitionWorkflow().propose(by: .salesManager)
        for role in [UserRole.rep, .marketer, .admin] {
            #expect(throws: AccordError.self) { try proposed.approve(by: role) }
        }
        #expect(throws: AccordError.validation([FieldError(field: "reason", problem: "is required")])) {
            try proposed.reject(by: .salesManager, reason: "  ")
        }
        let approvedOnce = try proposed.approve(by: .salesManager)
        let rejected = try approvedOnce.reject(by: .marketingManager, reason: "ignores company size")
        #expect(rejected.state == .draft)
        #expect(rejected.approvals.isEmpty, "a rejected proposal starts over")
        #expect(rejected.rejectionReason == "ignores company size")
        #expect(throws: AccordError.self) { try rejected.approve(by: .salesManager) }
        #expect(throws: AccordError.self) { try DefinitionWorkflow(state: .active).propose(by: .salesManager) }
    }

    @Test("the diff names every added, removed and changed rule and threshold")
    func diff() throws {
        let old = try LeadScoringTests.definition()
        let newJSON = LeadScoringTests.json
            .replacingOccurrences(of: #""points": 40}"#, with: #""points": 50}"#)
            .replacingOccurrences(of: #""halfLifeDays": 30"#, with: #""halfLifeDays": 14"#)
            .replacingOccurrences(of: #"{"id": "visits", "kind": "visited", "points": 1, "cap": 5}"#,
                                  with: #"{"id": "webinar", "kind": "attended", "channel": "webinar", "points": 25}"#)
        let new = try LeadDefinition.parse(JSONDecoder().decode(JSONValue.self, from: Data(newJSON.utf8)))
        let lines = DefinitionDiff.between(old, new)
        #expect(lines.map(\.subject) == ["fit rule seniority", "engagement rule visits", "engagement rule webinar",
                                         "engagement half-life"])
        #expect(lines[0].before == "person.seniority in [director, vp, c_level]: +40")
        #expect(lines[0].after == "person.seniority in [director, vp, c_level]: +50")
        #expect(lines[1].change == .removed)
        #expect(lines[2].change == .added)
        #expect(lines[3].after == "14 days")
        #expect(DefinitionDiff.between(old, old).isEmpty)
        var grouped = old
        grouped.accountLevel = LeadDefinition.AccountLevel(minimumEngagement: 60, perPersonCap: 25)
        let buyingGroups = DefinitionDiff.between(old, grouped)
        #expect(buyingGroups.map(\.subject) == ["buying groups"])
        #expect(buyingGroups.first?.before == "off")
        #expect(buyingGroups.first?.after == "account engagement ≥ 60, at most 25 per person")
    }
}
