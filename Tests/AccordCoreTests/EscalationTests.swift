import Foundation
import Testing
@testable import AccordCore

/// Escalation steps: when each is due, and what a step's job does when it runs (at most once, never for a lead
/// that was acted on or rescheduled).
@Suite struct EscalationTests {
    static func at(_ text: String) -> Date { ISOTimestamp.parse(text)! }
    static let calendar = BusinessCalendar.officeHours(TimeZone(identifier: "UTC")!)
    static let qualified = at("2026-03-02T09:00:00Z")  // a Monday
    static let due = at("2026-03-02T13:00:00Z")
    static let expires = at("2026-03-16T09:00:00Z")
    static let waiting = EscalationLeadState(stage: .mql, slaDueAt: due, expiresAt: expires)

    @Test("the standard policy reminds halfway, breaches at the due time, reassigns 4 business hours later, expires")
    func schedule() {
        let steps = EscalationStep.schedule(qualifiedAt: Self.qualified, dueAt: Self.due, expiresAt: Self.expires,
                                            responseTime: 4 * 3600, policy: .standard, calendar: Self.calendar)
        #expect(steps.map(\.step) == [.remind, .breach, .reassign, .expire])
        #expect(steps.map(\.at) == [Self.at("2026-03-02T11:00:00Z"), Self.due, Self.at("2026-03-02T17:00:00Z"),
                                    Self.expires])
        let quiet = EscalationPolicy(remindAtShare: nil, notifyManagerAtBreach: false, reassignAfterMinutes: nil)
        #expect(EscalationStep.schedule(qualifiedAt: Self.qualified, dueAt: Self.due, expiresAt: Self.expires,
                                        responseTime: 4 * 3600, policy: quiet, calendar: Self.calendar).map(\.step)
            == [.breach, .expire])
    }

    @Test("each step acts once, for a waiting lead whose due time it was scheduled for")
    func actions() {
        let now = Self.at("2026-03-02T11:00:00Z")
        #expect(EscalationStep.remind.actions(scheduledFor: Self.due, lead: Self.waiting, now: now, policy: .standard)
            == [.remind])
        var reminded = Self.waiting
        reminded.remindedAt = now
        #expect(EscalationStep.remind.actions(scheduledFor: Self.due, lead: reminded, now: now, policy: .standard).isEmpty)
        #expect(EscalationStep.breach.actions(scheduledFor: Self.due, lead: Self.waiting, now: Self.due,
                                              policy: .standard) == [.breach(notifyManager: true)])
        var breached = Self.waiting
        breached.breachedAt = Self.due
        #expect(EscalationStep.breach.actions(scheduledFor: Self.due, lead: breached, now: Self.due,
                                              policy: .standard).isEmpty)
        #expect(EscalationStep.reassign.actions(scheduledFor: Self.due, lead: breached, now: Self.due,
                                                policy: .standard) == [.reassign])
        #expect(EscalationStep.expire.actions(scheduledFor: Self.expires, lead: breached, now: Self.expires,
                                              policy: .standard) == [.expire])
    }

    @Test("nothing happens to a lead that was acted on, closed, or given a new due time")
    func nothingToDo() {
        var acted = Self.waiting
        acted.firstActionAt = Self.qualified
        var accepted = Self.waiting
        accepted.stage = .sal
        var moved = Self.waiting
        moved.slaDueAt = Self.due.addingTimeInterval(3600)
        for lead in [acted, accepted, moved] {
            for step in EscalationStep.allCases where step != .expire || lead != moved {
                let scheduled = step == .expire ? Self.expires : Self.due
                #expect(step.actions(scheduledFor: scheduled, lead: lead, now: Self.expires, policy: .standard).isEmpty)
            }
        }
        // A rescheduled expiry does not recycle the lead either.
        var renewed = Self.waiting
        renewed.expiresAt = Self.expires.addingTimeInterval(86_400)
        #expect(EscalationStep.expire.actions(scheduledFor: Self.expires, lead: renewed, now: Self.expires,
                                              policy: .standard).isEmpty)
    }

    @Test("after downtime: a late reminder is dropped, and a reassignment breaches first if the breach has not run")
    func afterDowntime() {
        let late = Self.due.addingTimeInterval(6 * 3600)
        #expect(EscalationStep.remind.actions(scheduledFor: Self.due, lead: Self.waiting, now: late,
                                              policy: .standard).isEmpty)
        #expect(EscalationStep.reassign.actions(scheduledFor: Self.due, lead: Self.waiting, now: late,
                                                policy: .standard) == [.breach(notifyManager: true), .reassign])
        let quiet = EscalationPolicy(remindAtShare: 0.5, notifyManagerAtBreach: false, reassignAfterMinutes: 60)
        #expect(EscalationStep.breach.actions(scheduledFor: Self.due, lead: Self.waiting, now: late, policy: quiet)
            == [.breach(notifyManager: false)])
    }
}
