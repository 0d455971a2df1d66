import Foundation
import Testing
@testable import AccordCore

/// Requests from sales to marketing: what a request must say, the moves and their order, the response clock in
/// business hours (paused while marketing waits for information), escalation, and nearest-rank turnaround.
@Suite struct RequestRulesTests {
    static let calendar = BusinessCalendar.officeHours(.gmt)
    /// Monday 2026-11-23 09:00 UTC.
    static let monday = ISOTimestamp.parse("2026-11-23T09:00:00Z")!
    static let today = CalendarDate.startOfDay(monday)

    static func fields(_ body: () throws -> Void) -> [String] {
        do {
            try body()
        } catch {
            if let error = error as? AccordError, case let .validation(fields) = error { return fields.map(\.field) }
        }
        return []
    }

    static func time(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    @Test("a request names its kind, what and why and a wanted-by day that is not past; every problem at once")
    func input() throws {
        let good = try RequestInput.read(JSONParser.parse("""
            {"kind": "event", "title": "Customer dinner in Lyon", "details": "Three accounts in renewal want to meet us",
             "expectedPipeline": {"amountMinor": 700000000, "currency": "GBP"}, "wantedBy": "2026-12-10",
             "accountIds": ["\(UUID(uuid: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))"]}
            """), today: Self.today)
        #expect(good.kind == .event && good.expectedPipeline == Money(amountMinor: 700_000_000, currency: "GBP"))
        #expect(good.accountIDs.count == 1 && CalendarDate.format(good.wantedBy) == "2026-12-10")
        let bad = Self.fields {
            _ = try RequestInput.read(JSONParser.parse("""
                {"kind": "party", "title": "x", "details": "soon", "wantedBy": "2026-11-22", "accountIds": ["nope"],
                 "colour": "red"}
                """), today: Self.today)
        }
        #expect(bad == ["kind", "title", "details", "wantedBy", "accountIds[0]", "colour"])
        #expect(Self.fields { _ = try RequestInput.read(.object([:]), today: Self.today) } == ["kind", "title", "details", "wantedBy"])
    }

    @Test("a decline needs a reason, an acceptance an owner and a delivery day that is not past")
    func moves() throws {
        #expect(Self.fields { _ = try RequestMove.read(JSONParser.parse(#"{"move": "decline"}"#), today: Self.today) } == ["reason"])
        #expect(Self.fields { _ = try RequestMove.read(JSONParser.parse(#"{"move": "decline", "reason": "  "}"#), today: Self.today) } == ["reason"])
        #expect(Self.fields {
            _ = try RequestMove.read(JSONParser.parse(#"{"move": "accept", "deliveryDate": "2026-11-20"}"#), today: Self.today)
        } == ["ownerId", "deliveryDate"])
        #expect(Self.fields { _ = try RequestMove.read(JSONParser.parse(#"{"move": "dance"}"#), today: Self.today) } == ["move"])
        let decline = try RequestMove.read(JSONParser.parse(
            #"{"move": "decline", "reason": "Against the brand guidelines", "alternative": "A co-branded webinar"}"#),
            today: Self.today)
        #expect(decline == .decline(reason: "Against the brand guidelines", alternative: "A co-branded webinar"))
        #expect(decline.reason == "Against the brand guidelines Alternative: A co-branded webinar")
    }

    @Test("asking for information pauses the clock; the answer resumes it with the business time that was left")
    func pausedClock() throws {
        let respondBy = RequestRules.respondBy(submittedAt: Self.monday, responseSeconds: RequestRules.defaultResponseSeconds,
                                               calendar: Self.calendar)
        #expect(respondBy == Self.time("2026-11-24T17:00:00Z"), "two business days: the end of Tuesday")
        let submitted = RequestStatus(state: .submitted, respondBy: respondBy)
        // Monday 13:00: 12 business hours left when marketing asks
        let asked = try RequestRules.apply(.askInfo(question: "Which accounts?"), to: submitted, at: Self.time("2026-11-23T13:00:00Z"),
                                           responseSeconds: RequestRules.defaultResponseSeconds, calendar: Self.calendar)
        #expect(asked.state == .needsInfo && asked.pausedRemaining == 12 * 3_600)
        #expect(!RequestRules.isOverdue(asked, at: Self.time("2026-12-01T09:00:00Z")), "a paused clock is never overdue")
        // Tuesday 13:00 the requester answers: 12 business hours from then is Wednesday 17:00
        let answered = try RequestRules.apply(.provideInfo(answer: "Acme and Globex"), to: asked, at: Self.time("2026-11-24T13:00:00Z"),
                                              responseSeconds: RequestRules.defaultResponseSeconds, calendar: Self.calendar)
        #expect(answered.state == .submitted && answered.pausedRemaining == nil)
        #expect(answered.respondBy == Self.time("2026-11-25T17:00:00Z"))
        #expect(RequestRules.isOverdue(answered, at: Self.time("2026-11-25T17:00:00Z")))
        #expect(!RequestRules.isOverdue(answered, at: Self.time("2026-11-25T16:59:00Z")))
    }

    @Test("moves happen in order: a decline is appealed once; an overturned appeal starts a fresh response time")
    func order() throws {
        let start = RequestStatus(state: .submitted, respondBy: Self.time("2026-11-25T09:00:00Z"))
        func apply(_ move: RequestMove, _ status: RequestStatus, at: String = "2026-11-24T10:00:00Z") throws -> RequestStatus {
            try RequestRules.apply(move, to: status, at: Self.time(at), responseSeconds: 16 * 3_600, calendar: Self.calendar)
        }
        let declined = try apply(.decline(reason: "Brand guidelines", alternative: nil), start)
        #expect(declined.state == .declined && declined.decidedAt == Self.time("2026-11-24T10:00:00Z"))
        #expect(throws: AccordError.self) { try apply(.accept(ownerID: UUID(), deliveryDate: Self.today, note: nil), declined) }
        #expect(throws: AccordError.self) { try apply(.deliver(note: nil), declined) }
        let appealed = try apply(.appeal(reason: "It is a £7m renewal"), declined)
        let upheld = try apply(.decideAppeal(.uphold, reason: "Guidelines stand"), appealed)
        #expect(upheld.state == .declined && upheld.appealed)
        #expect(throws: AccordError.self) { try apply(.appeal(reason: "again please"), upheld) }
        let overturned = try apply(.decideAppeal(.overturn, reason: "Worth it"), appealed, at: "2026-11-26T09:00:00Z")
        #expect(overturned.state == .submitted && overturned.decidedAt == nil)
        #expect(overturned.respondBy == Self.time("2026-11-27T17:00:00Z"), "16 business hours from Thursday 09:00")
        let accepted = try apply(.accept(ownerID: UUID(), deliveryDate: Self.today, note: nil), overturned)
        #expect(try apply(.deliver(note: "Booked"), accepted).state == .delivered)
        #expect(throws: AccordError.self) { try apply(.withdraw(reason: nil), try apply(.deliver(note: nil), accepted)) }
        #expect(try apply(.withdraw(reason: "No longer needed"), start).state == .withdrawn)
        #expect(throws: AccordError.self) { try apply(.provideInfo(answer: "unasked"), start) }
        let asked = try apply(.askInfo(question: "Budget?"), start)
        #expect(throws: AccordError.self) { try apply(.decline(reason: "No", alternative: nil), asked) }
    }

    @Test("escalation steps act once, only while the same response time waits")
    func escalation() {
        let respondBy = Self.time("2026-11-24T17:00:00Z")
        let steps = RequestEscalationStep.schedule(from: Self.monday, respondBy: respondBy, calendar: Self.calendar)
        #expect(steps.map(\.step) == [.remind, .overdue])
        #expect(steps[0].at == Self.time("2026-11-23T17:00:00Z"), "halfway in business time: the end of Monday")
        #expect(steps[1].at == respondBy)
        let waiting = RequestStatus(state: .submitted, respondBy: respondBy)
        #expect(RequestEscalationStep.overdue.shouldAct(waiting, scheduledRespondBy: respondBy, alreadyDone: false))
        #expect(!RequestEscalationStep.overdue.shouldAct(waiting, scheduledRespondBy: respondBy, alreadyDone: true))
        #expect(!RequestEscalationStep.overdue.shouldAct(waiting, scheduledRespondBy: Self.monday, alreadyDone: false))
        var answered = waiting
        answered.state = .accepted
        #expect(!RequestEscalationStep.remind.shouldAct(answered, scheduledRespondBy: respondBy, alreadyDone: false))
        #expect(RequestEscalationStep.overdue.uniqueKey(request: UUID(), respondBy: respondBy)
                != RequestEscalationStep.overdue.uniqueKey(request: UUID(), respondBy: respondBy))
    }

    @Test("turnaround: nearest-rank median and 90th percentile in hours")
    func turnaround() {
        #expect(NearestRank.percentile(50, of: [4, 1, 3, 2]) == 2)
        #expect(NearestRank.percentile(90, of: Array(1...10).map(Double.init)) == 9)
        #expect(NearestRank.percentile(90, of: Array(1...11).map(Double.init)) == 10)
        #expect(NearestRank.percentile(100, of: [5, 7]) == 7)
        #expect(NearestRank.percentile(50, of: []) == nil)
        let figures = Turnaround(seconds: [3_600, 7_200, 36_000])
        #expect(figures.count == 3 && figures.medianHours == 2 && figures.p90Hours == 10 && figures.silent == 0)
    }
}

/// Proofing's rules: file types from leading bytes, what a new version resets, release, deadline steps.
@Suite struct ProofingRulesTests {
    @Test("file types come from the leading bytes, not the name", arguments: [
        ("%PDF-1.7 …", FileSignature.pdf), ("\u{89}PNG\r\n\u{1A}\n....", .png), ("GIF89a....", .gif),
        ("  <!DOCTYPE html><html>", .html), ("<HTML><body>", .html),
    ])
    func signatures(text: String, expected: FileSignature) {
        let bytes: [UInt8] = text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect(FileSignature.detect(bytes) == expected)
    }

    @Test("programs, scripts, plain zips and empty files are not collateral")
    func refusedSignatures() {
        #expect(FileSignature.detect([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        for bytes: [UInt8] in [Array("MZ\u{0}\u{0}".utf8), Array("#!/bin/sh\nrm -rf /".utf8), Array("<script>alert(1)</script>".utf8),
                               [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("evil.exe".utf8), []] {
            #expect(FileSignature.detect(bytes) == nil)
        }
        let docx: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("[Content_Types].xml".utf8)
        #expect(FileSignature.detect(docx) == .office)
        #expect(!FileSignature.allowed(for: .deck).contains(.html) && FileSignature.allowed(for: .email).contains(.html))
    }

    @Test("a new version sends changes requested back to pending; approvals too only when substantive")
    func newVersion() {
        let states: [ReviewState] = [.approved, .changesRequested, .pending, .approvedOnSilence]
        #expect(ProofingRules.afterNewVersion(states, substantive: false) == [.approved, .pending, .pending, .approvedOnSilence])
        #expect(ProofingRules.afterNewVersion(states, substantive: true) == [.pending, .pending, .pending, .pending])
    }

    @Test("released when every required review clears, by approval or by silence; optional ones do not count")
    func release() {
        #expect(ProofingRules.releasable([(true, .approved), (false, .pending)]))
        #expect(ProofingRules.releasable([(true, .approvedOnSilence), (true, .approved)]))
        #expect(!ProofingRules.releasable([(true, .approved), (true, .changesRequested)]))
        #expect(!ProofingRules.releasable([(false, .approved)]), "at least one required review")
        #expect(ProofingRules.refusal(version: 1, currentVersion: 2, assetState: .inReview) != nil)
        #expect(ProofingRules.refusal(version: 2, currentVersion: 2, assetState: .inReview) == nil)
        #expect(ProofingRules.refusal(version: 2, currentVersion: 2, assetState: .released) != nil)
        #expect(ProofingRules.refusal(version: 1, currentVersion: nil, assetState: .inReview) != nil)
    }

    @Test("deadline steps: reminder before, escalation at the due time, silence after the grace period only under approve_on_silence")
    func steps() {
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        let strict = ReviewDeadlineStep.schedule(dueAt: due, policy: AssetPolicy(silencePolicy: .escalateOnly, reminderHours: 2))
        #expect(strict.map(\.step) == [.remind, .escalate] && strict[0].at == due.addingTimeInterval(-7_200) && strict[1].at == due)
        let lenient = ReviewDeadlineStep.schedule(dueAt: due, policy: AssetPolicy(silencePolicy: .approveOnSilence, graceHours: 4))
        #expect(lenient.map(\.step) == [.remind, .escalate, .silence] && lenient[2].at == due.addingTimeInterval(14_400))
    }
}
