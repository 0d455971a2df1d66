import Foundation
import Testing
@testable import AccordCore

/// Every transition of the lead lifecycle, allowed and forbidden.
@Suite struct LeadLifecycleTests {
    let lifecycle = LeadLifecycle()
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let t1 = Date(timeIntervalSince1970: 1_700_003_600)
    let opportunity = UUID()

    /// The agreed lifecycle, written out independently of the implementation.
    static let expected: [LeadStage: Set<LeadStage>] = [
        .new: [.mql],
        .mql: [.sal, .rejected, .recycled],
        .sal: [.sql, .recycled],
        .sql: [.opportunity, .recycled],
        .opportunity: [.won, .lost],
        .rejected: [.mql],
        .won: [], .lost: [], .recycled: [],
    ]

    @Test("the allowed targets of every stage match the agreement", arguments: LeadStage.allCases)
    func targetsMatchAgreement(from: LeadStage) {
        #expect(LeadLifecycle.targets(from: from) == Self.expected[from])
    }

    @Test("every move from every stage either lands on its target or is an invalid transition",
          arguments: LeadStage.allCases)
    func everyMoveFromEveryStage(from: LeadStage) throws {
        for move in validMoves() {
            // setup
            let state = LeadLifecycleState(stage: from, stageChangedAt: t0, opportunityID: opportunity)
            let allowed = Self.expected[from]!.contains(move.target) && move.sources.contains(from)
            // act / check
            if allowed {
                let next = try lifecycle.apply(move, to: state, at: t1)
                #expect(next.stage == move.target)
                #expect(next.stageChangedAt == t1)
            } else {
                #expect(throws: AccordError.self) { try lifecycle.apply(move, to: state, at: t1) }
                do {
                    _ = try lifecycle.apply(move, to: state, at: t1)
                } catch {
                    #expect(error.code == "invalid_transition")
                    #expect(error == .invalidTransition(from: from.rawValue, to: move.target.rawValue,
                                                        reason: refusalReason(error)))
                }
            }
        }
    }

    @Test("every allowed pair of stages is reachable by some move, and no other pair is")
    func pairsAreExactlyTheMoves() {
        for from in LeadStage.allCases {
            for to in LeadStage.allCases {
                let reachable = validMoves().contains { $0.sources.contains(from) && $0.target == to }
                #expect(reachable == Self.expected[from]!.contains(to), "\(from) → \(to)")
            }
        }
    }

    @Test("final stages refuse every move and say they are final", arguments: [LeadStage.won, .lost, .recycled])
    func finalStagesAreFinal(stage: LeadStage) {
        #expect(stage.isFinal)
        for move in validMoves() {
            let state = LeadLifecycleState(stage: stage, stageChangedAt: t0, opportunityID: opportunity)
            #expect(throws: AccordError.self) { try lifecycle.apply(move, to: state, at: t1) }
            do {
                _ = try lifecycle.apply(move, to: state, at: t1)
            } catch {
                #expect(error.message.contains("final"))
            }
        }
    }

    @Test("a rejection needs a known reason code")
    func rejectionNeedsReason() throws {
        let mql = LeadLifecycleState(stage: .mql, stageChangedAt: t0)
        #expect(throws: AccordError.validation([FieldError(field: "reason", problem: "a reason code is required")])) {
            try lifecycle.apply(.reject(reason: "", note: nil), to: mql, at: t1)
        }
        do {
            _ = try lifecycle.apply(.reject(reason: "too_expensive", note: nil), to: mql, at: t1)
            Issue.record("an unknown reason code was accepted")
        } catch {
            #expect(error.fields.map(\.field) == ["reason"])
            #expect(error.fields.first?.problem.contains("no_budget") == true)
        }
        let rejected = try lifecycle.apply(.reject(reason: "no_budget", note: "  "), to: mql, at: t1)
        #expect(rejected.stage == .rejected)
        #expect(rejected.rejectionReason == "no_budget")
        #expect(rejected.rejectionNote == nil)
    }

    @Test("the reason 'other' needs a note, for rejections and disqualifications alike")
    func otherNeedsNote() throws {
        let mql = LeadLifecycleState(stage: .mql, stageChangedAt: t0)
        let sal = LeadLifecycleState(stage: .sal, stageChangedAt: t0)
        let missingNote = AccordError.validation([FieldError(field: "note", problem: "is required when the reason is 'other'")])
        #expect(throws: missingNote) { try lifecycle.apply(.reject(reason: "other", note: nil), to: mql, at: t1) }
        #expect(throws: missingNote) { try lifecycle.apply(.disqualify(reason: "other", note: " "), to: sal, at: t1) }
        let done = try lifecycle.apply(.disqualify(reason: "other", note: "merged into a partner deal"), to: sal, at: t1)
        #expect(done.stage == .recycled)
        #expect(done.recycleReason == "other")
        #expect(done.recycleNote == "merged into a partner deal")
    }

    @Test("a configured list of reason codes replaces the defaults")
    func configuredReasons() throws {
        let custom = LeadLifecycle(reasonCodes: ["wrong_region"], reasonCodesNeedingNote: [])
        let mql = LeadLifecycleState(stage: .mql, stageChangedAt: t0)
        #expect(try custom.apply(.reject(reason: "wrong_region", note: nil), to: mql, at: t1).stage == .rejected)
        #expect(throws: AccordError.self) { try custom.apply(.reject(reason: "no_budget", note: nil), to: mql, at: t1) }
    }

    @Test("an overturned dispute returns the lead to mql and clears the rejection")
    func overturnClearsRejection() throws {
        let mql = LeadLifecycleState(stage: .mql, stageChangedAt: t0)
        let rejected = try lifecycle.apply(.reject(reason: "other", note: "wrong person"), to: mql, at: t1)
        let back = try lifecycle.apply(.overturnRejection(note: "fits the ICP"), to: rejected, at: t1)
        #expect(back.stage == .mql)
        #expect(back.rejectionReason == nil)
        #expect(back.rejectionNote == nil)
    }

    @Test("a win needs an opportunity, and converting links one")
    func winNeedsOpportunity() throws {
        let withoutOpportunity = LeadLifecycleState(stage: .opportunity, stageChangedAt: t0)
        #expect(throws: AccordError.invalidTransition(from: "opportunity", to: "won",
                                                      reason: "a win needs a linked opportunity")) {
            try lifecycle.apply(.win, to: withoutOpportunity, at: t1)
        }
        let sql = LeadLifecycleState(stage: .sql, stageChangedAt: t0)
        let converted = try lifecycle.apply(.convert(opportunityID: opportunity), to: sql, at: t1)
        #expect(converted.opportunityID == opportunity)
        #expect(try lifecycle.apply(.win, to: converted, at: t1).stage == .won)
    }

    @Test("expiry recycles an mql or sal with the reason 'expired'", arguments: [LeadStage.mql, .sal])
    func expiryRecycles(stage: LeadStage) throws {
        let state = LeadLifecycleState(stage: stage, stageChangedAt: t0)
        let next = try lifecycle.apply(.expire, to: state, at: t1)
        #expect(next.stage == .recycled)
        #expect(next.recycleReason == "expired")
    }

    @Test("a whole happy path runs from new to won")
    func happyPath() throws {
        var state = LeadLifecycleState(stage: .new, stageChangedAt: t0)
        for move in [LeadMove.qualify, .accept, .qualifyForSales, .convert(opportunityID: opportunity), .win] {
            state = try lifecycle.apply(move, to: state, at: t1)
        }
        #expect(state.stage == .won)
        #expect(!state.stage.isOpen)
    }

    @Test("a forbidden move names both stages and what is allowed")
    func forbiddenMoveMessage() {
        let sal = LeadLifecycleState(stage: .sal, stageChangedAt: t0)
        do {
            _ = try lifecycle.apply(.reject(reason: "no_budget", note: nil), to: sal, at: t1)
            Issue.record("sal → rejected was allowed")
        } catch {
            #expect(error.message.contains("from sal to rejected"))
            #expect(error.message.contains("recycled, sql"))
        }
    }

    private func validMoves() -> [LeadMove] {
        [.qualify, .accept, .reject(reason: "no_budget", note: nil), .overturnRejection(note: nil), .qualifyForSales,
         .convert(opportunityID: opportunity), .win, .lose(reason: "price"), .expire,
         .disqualify(reason: "no_need", note: nil)]
    }

    private func refusalReason(_ error: AccordError) -> String {
        if case let .invalidTransition(_, _, reason) = error { return reason }
        return ""
    }
}
