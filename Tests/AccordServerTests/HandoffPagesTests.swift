import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The handoff pages without a browser: the settings forms turn fields into the API's body (so the same
/// rules apply), the queue's buttons make the same moves, and nobody acts outside their scope.
@Suite struct HandoffPagesTests {
    @Test("an admin creates a calendar on its form: hours per weekday and holidays from text; bad input is shown and stores nothing")
    func calendarForm() async throws {
        try await withAccordApp { app in
            // setup
            let admin = try await DefinitionPagesTests.signedIn(app, "admin")
            let token = try await admin.csrf(on: "/settings/calendars/new")
            // act: a bad form
            let bad = try await admin.request(.POST, "/settings/calendars", form: [
                "_csrf": token, "name": "Lisbon", "timeZone": "Europe/Lisboa", "hours.monday": "9-17",
                "holidays": "2026-12-25 Natal\n2026-02-30",
            ])
            // check
            #expect(bad.status == .unprocessableEntity)
            let page = bad.body.string
            #expect(page.contains("<code>timeZone</code>"))
            #expect(page.contains("<code>hours.monday[0]</code>"))
            #expect(page.contains("<code>holidays[1].date</code>"))
            #expect(page.contains("value=\"Lisbon\""), "the form keeps what was typed")
            #expect(try await BusinessCalendarModel.query(on: app.db).count() == 0)
            // act: the corrected form
            let good = try await admin.request(.POST, "/settings/calendars", form: [
                "_csrf": token, "name": "Lisbon", "timeZone": "Europe/Lisbon",
                "hours.monday": "09:00-13:00, 14:00-18:00", "hours.friday": "09:00-15:00",
                "holidays": "2026-12-25 Natal\n2026-06-13", "isDefault": "on",
            ])
            #expect(good.status == .seeOther)
            let stored = try #require(try await BusinessCalendarModel.query(on: app.db).first())
            let calendar = try stored.calendar()
            #expect(calendar.week[0] == [WorkingHours(start: 540, end: 780), WorkingHours(start: 840, end: 1_080)])
            #expect(calendar.week[4] == [WorkingHours(start: 540, end: 900)])
            #expect(calendar.week[1].isEmpty)
            #expect(calendar.holidays == [Holiday(date: "2026-06-13"), Holiday(date: "2026-12-25", name: "Natal")])
            #expect(stored.isDefault)
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "calendar").first()
            #expect(audit?.action == "create")
            // the edit form shows it back as text
            let edit = try await admin.request(.GET, "/settings/calendars/\(stored.id!)")
            #expect(edit.body.string.contains("value=\"09:00-13:00, 14:00-18:00\""))
            #expect(edit.body.string.contains("2026-12-25 Natal"))
        }
    }

    @Test("a rep may read the settings but not open a form; a rep's queue buttons act only on their own leads")
    func scope() async throws {
        try await withAccordApp { app in
            // setup: a lead owned by someone else
            let ids = try await HandoffFixture.settingIDs(app)
            let rep = try await DefinitionPagesTests.signedIn(app, "rep")
            #expect(try await rep.request(.GET, "/settings").status == .ok)
            #expect(try await rep.request(.GET, "/settings/routing-rules/\(ids["routing-rules"]!)").status == .forbidden)
            let other = try await app.makeUser(role: .rep, team: "Sales DACH")
            let person = try await app.create("/api/v1/persons", #"{"email": "someone@elsewhere.de"}"#)
            let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "ownerId": "\#(other.id)"}"#)
            _ = try await app.send(.POST, "/api/v1/leads/\(lead)/moves", #"{"move": "qualify"}"#)
            // act
            let token = try await rep.csrf(on: "/queue")
            let response = try await rep.request(.POST, "/queue/leads/\(lead)/accept", form: ["_csrf": token, "returnTo": "/queue"])
            // check: back to the queue with the problem in words, and the lead untouched
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.contains("problem=") == true)
            let after = try #require(try await LeadModel.find(UUID(uuidString: lead)!, on: app.db))
            #expect(after.stage == "mql")
            #expect(after.firstActionAt == nil)
            // an outside return address is not followed
            let away = try await rep.request(.POST, "/queue/leads/\(lead)/accept", form: ["_csrf": token, "returnTo": "https://evil.example/"])
            #expect(away.headers.first(name: .location)?.hasPrefix("/queue") == true)
        }
    }
}
