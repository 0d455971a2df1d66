import Foundation
import PropertyBased
import Testing
@testable import AccordCore

/// The SLA clock: business-time arithmetic across weekends, holidays, time zones and daylight-saving changes.
@Suite struct BusinessCalendarTests {
    static func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }

    static func at(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    static let berlin = BusinessCalendar.officeHours(zone("Europe/Berlin"), holidays: [
        Holiday(date: "2026-12-24", name: "Christmas Eve"), Holiday(date: "2026-12-25", name: "Christmas Day"),
        Holiday(date: "2026-12-26"),
    ])
    /// Split shifts, a short Saturday, in a zone west of UTC with its own DST dates.
    static let newYork = BusinessCalendar(timeZone: zone("America/New_York"), week: [
        [WorkingHours(start: 8 * 60, end: 12 * 60), WorkingHours(start: 13 * 60, end: 18 * 60)],
        [WorkingHours(start: 8 * 60, end: 12 * 60), WorkingHours(start: 13 * 60, end: 18 * 60)],
        [WorkingHours(start: 8 * 60, end: 12 * 60), WorkingHours(start: 13 * 60, end: 18 * 60)],
        [WorkingHours(start: 8 * 60, end: 12 * 60), WorkingHours(start: 13 * 60, end: 18 * 60)],
        [WorkingHours(start: 8 * 60, end: 12 * 60 + 30)],
        [WorkingHours(start: 10 * 60, end: 13 * 60)], [],
    ], holidays: [Holiday(date: "2026-11-26", name: "Thanksgiving")])
    /// Round the clock on weekdays, so the DST night itself is working time.
    static let allNight = BusinessCalendar(timeZone: zone("Europe/London"),
                                           week: Array(repeating: [WorkingHours(start: 0, end: 1_440)], count: 5) + [[], []])
    /// A half-hour-offset zone on the other side of the date line, with a 02:00–03:00 window that DST can swallow.
    static let adelaide = BusinessCalendar(timeZone: zone("Australia/Adelaide"), week: Array(repeating: [
        WorkingHours(start: 2 * 60, end: 3 * 60), WorkingHours(start: 9 * 60 + 30, end: 17 * 60 + 30),
    ], count: 6) + [[]])
    static let calendars = [berlin, newYork, allNight, adelaide]

    // MARK: Worked examples

    @Test("a one-hour SLA on Friday at 16:30 in Berlin is due Monday at 09:30")
    func overTheWeekend() {
        let due = Self.berlin.add(3_600, to: Self.at("2026-11-20T15:30:00Z"))  // 16:30 CET
        #expect(due == Self.at("2026-11-23T08:30:00Z"))  // 09:30 CET
    }

    @Test("a lead at 16:00 with a one-hour SLA is due at 17:00 the same day, not the next morning")
    func windowEndCounts() {
        #expect(Self.berlin.add(3_600, to: Self.at("2026-11-23T15:00:00Z")) == Self.at("2026-11-23T16:00:00Z"))
    }

    @Test("Christmas holidays and the weekend are skipped")
    func holidays() {
        // Wednesday 23 December 2026, 16:00 CET, 4 h: 1 h that day, then 24–27 are holiday or weekend → Monday 28th 12:00.
        let due = Self.berlin.add(4 * 3_600, to: Self.at("2026-12-23T15:00:00Z"))
        #expect(due == Self.at("2026-12-28T11:00:00Z"))
        #expect(Self.berlin.businessTime(from: Self.at("2026-12-23T15:00:00Z"), to: due) == 4 * 3_600)
    }

    @Test("spring forward and fall back: an 8-hour working day stays 8 business hours, a round-the-clock one is 23 or 25")
    func daylightSaving() {
        // Europe/Berlin springs forward on 29 March 2026 (a Sunday): Friday 17:00 CET + 8 h → Monday 17:00 CEST.
        #expect(Self.berlin.add(8 * 3_600, to: Self.at("2026-03-27T16:00:00Z")) == Self.at("2026-03-30T15:00:00Z"))
        // New York springs forward on Sunday 8 March 2026: Saturday 12:30 EST + 1 h = 30 min before the 13:00 close,
        // then Monday 08:00 EDT + 30 min, which is 12:30 UTC (not 13:30 as in winter).
        #expect(Self.newYork.add(3_600, to: Self.at("2026-03-07T17:30:00Z")) == Self.at("2026-03-09T12:30:00Z"))
        // A window inside the DST gap vanishes: Adelaide moves 02:00 → 03:00 on Sunday 4 October 2026, but Sunday
        // has no hours; on Saturday night nothing changes. Its 02:00–03:00 window on an ordinary day is one hour.
        let day = Self.at("2026-10-06T15:30:00Z")  // Wednesday 02:00 ACDT
        #expect(Self.adelaide.businessTime(from: day, to: day.addingTimeInterval(3_600)) == 3_600)
        // A 24 h working Monday after a fall-back Sunday in London is still 24 h; the day of the change is a Sunday.
        let monday = Self.at("2026-10-26T00:00:00Z")
        #expect(Self.allNight.businessTime(from: monday, to: monday.addingTimeInterval(86_400)) == 86_400)
    }

    @Test("the same instant gives different due times in different zones")
    func timeZones() {
        let start = Self.at("2026-11-24T06:00:00Z")  // 07:00 Berlin, 01:00 New York
        #expect(Self.berlin.add(3_600, to: start) == Self.at("2026-11-24T09:00:00Z"))  // 09:00–10:00 CET
        #expect(Self.newYork.add(3_600, to: start) == Self.at("2026-11-24T14:00:00Z"))  // 08:00–09:00 EST
    }

    // MARK: Properties

    static let startGen = Gen.double(in: 1_767_225_600...1_830_297_600)  // 2026-01-01 … 2027-12-31
    static let durationGen = Gen.int(in: 1...(60 * 60)).map { TimeInterval($0 * 60) }  // 1 min … 60 h
    static let calendarGen = Gen.int(in: 0...3)

    @Test("a due time always lies inside working hours (a window's end included)")
    func dueInsideWorkingHours() async {
        await propertyCheck(input: Self.calendarGen, Self.startGen, Self.durationGen) { index, start, duration in
            let calendar = Self.calendars[index]
            let due = calendar.add(duration, to: Date(timeIntervalSince1970: start))
            #expect(calendar.isWorkingOrClosing(due))
        }
    }

    @Test("adding business time is additive: add(a + b) == add(b) after add(a)")
    func additive() async {
        await propertyCheck(input: Self.calendarGen, Self.startGen, Self.durationGen, Self.durationGen) { index, start, a, b in
            let calendar = Self.calendars[index], from = Date(timeIntervalSince1970: start)
            let whole = calendar.add(a + b, to: from), stepwise = calendar.add(b, to: calendar.add(a, to: from))
            #expect(abs(whole.timeIntervalSince(stepwise)) < 0.001)
        }
    }

    @Test("adding business time is monotone in the duration and in the start, and never shorter than wall time")
    func monotone() async {
        await propertyCheck(input: Self.calendarGen, Self.startGen, Self.durationGen, Self.durationGen) { index, start, a, b in
            let calendar = Self.calendars[index], from = Date(timeIntervalSince1970: start)
            let (short, long) = (min(a, b), max(a, b))
            #expect(calendar.add(short, to: from) <= calendar.add(long, to: from))
            #expect(calendar.add(a, to: from) <= calendar.add(a, to: from.addingTimeInterval(b)))
            #expect(calendar.add(a, to: from).timeIntervalSince(from) >= a - 0.001)
        }
    }

    @Test("business time between a start and its due time is the duration added")
    func inverse() async {
        await propertyCheck(input: Self.calendarGen, Self.startGen, Self.durationGen) { index, start, duration in
            let calendar = Self.calendars[index], from = Date(timeIntervalSince1970: start)
            #expect(abs(calendar.businessTime(from: from, to: calendar.add(duration, to: from)) - duration) < 0.001)
        }
    }

    @Test("business time is additive over a split point and never more than wall time")
    func businessTimeSplits() async {
        await propertyCheck(input: Self.calendarGen, Self.startGen, Self.durationGen, Self.durationGen) { index, start, a, b in
            let calendar = Self.calendars[index], from = Date(timeIntervalSince1970: start)
            let middle = from.addingTimeInterval(a), end = middle.addingTimeInterval(b)
            let whole = calendar.businessTime(from: from, to: end)
            let parts = calendar.businessTime(from: from, to: middle) + calendar.businessTime(from: middle, to: end)
            #expect(abs(whole - parts) < 0.001)
            #expect(whole <= a + b + 0.001)
        }
    }

    // MARK: Input

    @Test("calendar input lists every problem by path")
    func invalidInput() throws {
        let body = try JSONDecoder().decode(JSONValue.self, from: Data("""
        {"name": "", "timeZone": "CET", "hours": {"monday": ["09:00-17:00", "16:00-18:00"], "tuesday": ["9-5"],
         "funday": []}, "holidays": ["2026-02-30", {"date": "2026-12-25"}, "2026-12-25"], "colour": "red"}
        """.utf8))
        #expect(throws: AccordError.self) { try CalendarInput.read(body, .create) }
        do {
            _ = try CalendarInput.read(body, .create)
        } catch {
            let fields = Set(error.fields.map(\.field))
            #expect(fields == ["name", "timeZone", "hours.monday", "hours.tuesday[0]", "hours.funday", "holidays[0]",
                               "holidays[2]", "colour"])
        }
        let empty = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"name": "x", "timeZone": "UTC", "hours": {}}"#.utf8))
        #expect(throws: AccordError.self) { try CalendarInput.read(empty, .create) }
    }

    @Test("a calendar survives its stored form")
    func storedRoundTrip() throws {
        let stored = try BusinessCalendarRules.stored(timeZone: "America/New_York",
                                                      hours: BusinessCalendarRules.json(week: Self.newYork.week),
                                                      holidays: BusinessCalendarRules.json(holidays: Self.newYork.holidays))
        #expect(stored == Self.newYork)
    }
}
