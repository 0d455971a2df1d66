import Foundation
import Testing
@testable import AccordCore

/// The feedback loop's rules: configurable reasons and objections, disputes, the lead's story and lead quality.
@Suite struct FeedbackTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// The fields a validation error names (empty when the body did not fail validation).
    static func problems(_ body: () throws -> Void) -> [FieldError] {
        do {
            try body()
        } catch {
            if let error = error as? AccordError, case let .validation(fields) = error { return fields }
        }
        return []
    }

    @Test("objections: an offered code, a note when the code needs one, every problem at once")
    func objections() throws {
        let vocabulary = FeedbackVocabulary.defaults
        let good = try Objection.read(.object(["code": .string("price_too_high"), "note": .string("  20% off  ")]),
                                      vocabulary: vocabulary)
        #expect(good == Objection(code: "price_too_high", note: "20% off"))
        #expect(throws: AccordError.validation([FieldError(field: "note", problem: "is required when the objection is 'other'")])) {
            try Objection.read(.object(["code": .string("other"), "note": .string("  ")]), vocabulary: vocabulary)
        }
        let fields = Self.problems {
            _ = try Objection.read(.object(["code": .string("no_budget"), "colour": .string("red")]), vocabulary: vocabulary)
        }
        #expect(Set(fields.map(\.field)) == ["code", "colour"])
        #expect(fields.first { $0.field == "code" }?.problem.contains("price_too_high") == true)
    }

    @Test("the configured reasons drive the lifecycle: retired codes are refused, a custom code may need a note")
    func configuredReasons() throws {
        var codes = FeedbackVocabulary.defaults.codes
        codes[codes.firstIndex { $0.code == "no_budget" }!].isActive = false
        codes.append(FeedbackCode(kind: .rejection, code: "wrong_region", label: "Wrong region", needsNote: true))
        let lifecycle = FeedbackVocabulary(codes: codes).lifecycle
        let mql = LeadLifecycleState(stage: .mql, stageChangedAt: Self.t0)
        #expect(throws: AccordError.self) { try lifecycle.apply(.reject(reason: "no_budget", note: nil), to: mql, at: Self.t0) }
        #expect(throws: AccordError.validation([FieldError(field: "note", problem: "is required when the reason is 'wrong_region'")])) {
            try lifecycle.apply(.reject(reason: "wrong_region", note: nil), to: mql, at: Self.t0)
        }
        let rejected = try lifecycle.apply(.reject(reason: "wrong_region", note: "Brazil"), to: mql, at: Self.t0)
        #expect(rejected.rejectionReason == "wrong_region" && rejected.rejectionNote == "Brazil")
        #expect(FeedbackVocabulary(codes: codes).label(.rejection, "no_budget") == "No budget")
        #expect(FeedbackVocabulary(codes: codes).offered(.rejection).contains { $0.code == "no_budget" } == false)
    }

    @Test("feedback codes in requests: a well-formed code on creation; kind and code cannot change later")
    func feedbackCodeInput() throws {
        let created = try FeedbackCodeInput.read(.object(["kind": .string("objection"), "code": .string("too_slow"),
                                                          "label": .string("Too slow")]), .create)
        #expect(created.kind.value == .objection && created.code.value == "too_slow")
        let fields = Self.problems {
            _ = try FeedbackCodeInput.read(.object(["kind": .string("praise"), "code": .string("X"), "label": .string("")]), .create)
        }
        #expect(Set(fields.map(\.field)) == ["kind", "code", "label"])
        #expect(throws: AccordError.self) { try FeedbackCodeInput.read(.object(["code": .string("renamed")]), .update) }
    }

    @Test("disputes: only a rejected lead, one open at a time, once per rejection; a decision is final")
    func disputeRules() throws {
        #expect(DisputeRules.refusalToOpen(DisputeFacts(leadStage: .mql, hasOpenDispute: false, decidedForThisRejection: 0))?.code
                == "invalid_transition")
        #expect(DisputeRules.refusalToOpen(DisputeFacts(leadStage: .rejected, hasOpenDispute: true, decidedForThisRejection: 0))?.code
                == "conflict")
        #expect(DisputeRules.refusalToOpen(DisputeFacts(leadStage: .rejected, hasOpenDispute: false, decidedForThisRejection: 1))?.code
                == "conflict")
        #expect(DisputeRules.refusalToOpen(DisputeFacts(leadStage: .rejected, hasOpenDispute: false, decidedForThisRejection: 0)) == nil)
        #expect(try DisputeRules.decide(.open, .overturn) == .overturned)
        #expect(try DisputeRules.decide(.open, .uphold) == .upheld)
        #expect(throws: AccordError.self) { try DisputeRules.decide(.upheld, .overturn) }
        // two business days on office hours: opened Friday 16:00 UTC, due Tuesday 16:00
        let friday = ISOTimestamp.parse("2026-11-20T16:00:00Z")!
        let due = DisputeRules.dueTime(openedAt: friday, responseMinutes: 960, calendar: .officeHours(.gmt))
        #expect(due == ISOTimestamp.parse("2026-11-24T16:00:00Z"))
        let steps = DisputeEscalationStep.schedule(openedAt: friday, dueAt: due)
        #expect(steps.map(\.step) == [.remind, .overdue])
        #expect(steps[0].at == friday.addingTimeInterval(due.timeIntervalSince(friday) / 2) && steps[1].at == due)
        #expect(DisputeEscalationStep.overdue.shouldAct(state: .open, dueAt: due, scheduledDueAt: due, alreadyDone: false))
        #expect(!DisputeEscalationStep.overdue.shouldAct(state: .overturned, dueAt: due, scheduledDueAt: due, alreadyDone: false))
        #expect(!DisputeEscalationStep.overdue.shouldAct(state: .open, dueAt: due, scheduledDueAt: due, alreadyDone: true))
        #expect(!DisputeEscalationStep.remind.shouldAct(state: .open, dueAt: due.addingTimeInterval(3_600), scheduledDueAt: due,
                                                         alreadyDone: false))
    }

    @Test("roles: marketing disputes, the sales manager decides, reps record objections on their own leads, reps see no analytics")
    func access() {
        let team = UUID()
        func principal(_ role: UserRole) -> Principal {
            Principal(userID: UUID(), email: "x@y.example", role: role, teamID: team, scopes: nil)
        }
        #expect(AccessPolicy.decide(principal(.marketer), .move("dispute"), .leads) == .allowed(.all))
        if case .allowed = AccessPolicy.decide(principal(.rep), .move("dispute"), .leads) { Issue.record("a rep disputed") }
        #expect(AccessPolicy.decide(principal(.salesManager), .move("decide_dispute"), .leads) == .allowed(.team(team)))
        if case .allowed = AccessPolicy.decide(principal(.rep), .move("decide_dispute"), .leads) { Issue.record("a rep decided") }
        let rep = principal(.rep)
        #expect(AccessPolicy.decide(rep, .move("record_objection"), .leads) == .allowed(.owner(rep.userID)))
        if case .allowed = AccessPolicy.decide(principal(.marketer), .move("record_objection"), .leads) { Issue.record("marketing objected") }
        if case .allowed = AccessPolicy.decide(rep, .read, .analytics) { Issue.record("a rep read analytics") }
        #expect(AccessPolicy.decide(principal(.marketingManager), .read, .analytics) == .allowed(.all))
        if case .allowed = AccessPolicy.decide(principal(.admin), .update, .analytics) {} else { Issue.record("admins may do all") }
        if case .allowed = AccessPolicy.decide(principal(.marketer), .update, .analytics) { Issue.record("analytics are read-only") }
    }

    @Test("the story replays score changes touch by touch: points per rule, the fit once, the MQL crossing once")
    func scoreReplay() throws {
        let definition = try LeadScoringTests.definition()
        let touches = [
            ScoringTouch(kind: .downloaded, channel: .content, occurredAt: Self.t0),
            ScoringTouch(kind: .attended, channel: .event, occurredAt: Self.t0.addingTimeInterval(86_400)),
            ScoringTouch(kind: .visited, channel: .website, occurredAt: Self.t0.addingTimeInterval(2 * 86_400)),
            ScoringTouch(kind: .visited, channel: .website, occurredAt: Self.t0.addingTimeInterval(2 * 86_400)),
            ScoringTouch(kind: .opened, channel: .email, occurredAt: Self.t0.addingTimeInterval(3 * 86_400)),  // no rule
            ScoringTouch(kind: .attended, channel: .event, occurredAt: Self.t0.addingTimeInterval(99 * 86_400)),  // after until
        ]
        let entries = LeadStory.scoreChanges(definition: definition, version: 3, profile: LeadScoringTests.goodFit,
                                             touches: touches, until: Self.t0.addingTimeInterval(10 * 86_400))
        #expect(entries.count == 3)
        #expect(entries.map(\.kind) == [.score, .score, .score])
        #expect(entries[0].title == "Engagement 0.0 → 8.0")
        #expect(entries[0].detail == "Definition v3: downloaded +8.0; fit 100 (grade A): industry +30, size +30, seniority +40")
        #expect(entries[1].title.hasPrefix("Engagement 7.8 → 27.8: crossed the MQL threshold (fit 100 ≥ 60"))
        #expect(entries[1].detail == "Definition v3: attended-event +20.0")
        #expect(entries[2].detail == "Definition v3: visits ×2 +2.0")
        #expect(!entries[2].title.contains("crossed"))
    }

    @Test("the story is in time order; lines at the same instant keep their given order")
    func assemble() {
        let a = StoryEntry(at: Self.t0, kind: .touchpoint, title: "touch")
        let b = StoryEntry(at: Self.t0, kind: .score, title: "score")
        let c = StoryEntry(at: Self.t0.addingTimeInterval(-1), kind: .stage, title: "earlier")
        #expect(LeadStory.assemble([a, b, c]).map(\.title) == ["earlier", "touch", "score"])
    }

    @Test("quality counts: acceptance over decided, completeness over due, the top reason, sums and ordering")
    func qualityCounts() {
        let a = QualityCounts(leads: 10, accepted: 6, rejected: 2, due: 9, decidedInTime: 6, reasons: ["spam": 1, "no_need": 1])
        #expect(a.undecided == 2 && a.acceptanceRate == 0.75 && abs(a.feedbackCompleteness! - 6.0 / 9) < 1e-12)
        #expect(a.topReason == "no_need")
        #expect(QualityCounts().acceptanceRate == nil && QualityCounts().feedbackCompleteness == nil)
        let b = QualityCounts(leads: 20, accepted: 5, rejected: 10, due: 20, decidedInTime: 15, reasons: ["spam": 10])
        let report = QualityReport(dimension: .campaign, from: Self.t0, to: Self.t0.addingTimeInterval(1),
                                   groups: [QualityGroup(key: "a", label: "A", counts: a), QualityGroup(key: "b", label: "B", counts: b)])
        #expect(report.groups.map(\.key) == ["b", "a"])
        #expect(report.total.leads == 30 && report.total.reasons == ["spam": 11, "no_need": 1])
        #expect(report.reasonCodes == ["spam", "no_need"])
        let months = QualityReport(dimension: .month, from: Self.t0, to: Self.t0,
                                   groups: [QualityGroup(key: "2026-02", label: "", counts: b), QualityGroup(key: "2026-01", label: "", counts: a)])
        #expect(months.groups.map(\.key) == ["2026-01", "2026-02"])
    }

    @Test("convert reads a new opportunity or a link, never both; the new one's problems are named under it")
    func convertInput() throws {
        let created = try LeadMoveInput.readRequest(.object([
            "move": .string("convert"),
            "opportunity": .object(["name": .string("Deal"), "amount": .object(["amountMinor": .integer(100), "currency": .string("EUR")])]),
        ]))
        guard case let .convert(id) = created.move else { Issue.record("not a conversion"); return }
        #expect(created.newOpportunity?.id == id && created.newOpportunity?.amount.amountMinor == 100)
        let fields = Self.problems {
            _ = try LeadMoveInput.readRequest(.object(["move": .string("accept"), "opportunity": .object(["name": .string("")])]))
        }
        #expect(Set(fields.map(\.field)) == ["opportunity.name", "opportunity.amount"])
        let misplaced = Self.problems {
            _ = try LeadMoveInput.readRequest(.object([
                "move": .string("accept"),
                "opportunity": .object(["name": .string("D"), "amount": .object(["amountMinor": .integer(1), "currency": .string("EUR")])]),
            ]))
        }
        #expect(misplaced.map(\.field) == ["opportunity"])
    }
}
