import Foundation

/// One working period of a day, in minutes after local midnight: `start` inclusive, `end` exclusive
/// (`end` may be 1440, the next midnight).
public struct WorkingHours: Sendable, Hashable, Comparable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public static func < (lhs: WorkingHours, rhs: WorkingHours) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    /// `09:00-17:00`.
    public var text: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }
}

/// The days of the week, Monday first, as the API names them.
public enum Weekday: String, Vocabulary {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Monday = 0 … Sunday = 6.
    public var index: Int { Self.allCases.firstIndex(of: self)! }

    /// From Foundation's weekday number (1 = Sunday … 7 = Saturday).
    static func fromGregorian(_ weekday: Int) -> Weekday { allCases[(weekday + 5) % 7] }
}

/// A holiday: a local date on which nobody works.
public struct Holiday: Sendable, Hashable {
    /// `YYYY-MM-DD` in the calendar's time zone.
    public var date: String
    public var name: String?

    public init(date: String, name: String? = nil) {
        self.date = date
        self.name = name
    }
}

/// The clock an SLA runs on: working hours per weekday in one time zone, minus holidays.
///
/// Adding business time is `add(d, to: t)` = the earliest moment `T ≥ t` with `businessTime(t, T) == d`,
/// so it is monotone and additive (`add(a + b, t) == add(b, add(a, t))`), and for `d > 0` the result
/// lies inside working hours (a window's end counts: a one-hour SLA at 16:00 is due at 17:00, not at
/// 09:00 next morning). All arithmetic is on absolute instants of each local window, so daylight-saving
/// changes, time zones and holidays need no special cases.
public struct BusinessCalendar: Sendable, Hashable {
    public var timeZone: TimeZone
    /// Working periods per weekday, Monday first; sorted and not overlapping.
    public var week: [[WorkingHours]]
    public var holidays: [Holiday]
    private let holidayDates: Set<String>
    private let calendar: Calendar

    public init(timeZone: TimeZone, week: [[WorkingHours]], holidays: [Holiday] = []) {
        precondition(week.count == 7, "a week has seven days")
        self.timeZone = timeZone
        self.week = week.map { $0.sorted() }
        self.holidays = holidays.sorted { $0.date < $1.date }
        self.holidayDates = Set(holidays.map(\.date))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Monday to Friday, 09:00–17:00, in `timeZone`.
    public static func officeHours(_ timeZone: TimeZone, holidays: [Holiday] = []) -> BusinessCalendar {
        let day = [WorkingHours(start: 9 * 60, end: 17 * 60)]
        return BusinessCalendar(timeZone: timeZone, week: Array(repeating: day, count: 5) + [[], []], holidays: holidays)
    }

    public static func == (lhs: BusinessCalendar, rhs: BusinessCalendar) -> Bool {
        lhs.timeZone.identifier == rhs.timeZone.identifier && lhs.week == rhs.week && lhs.holidays == rhs.holidays
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timeZone.identifier)
        hasher.combine(week)
        hasher.combine(holidays)
    }

    /// Business seconds in an ordinary week (no holidays).
    public var weeklySeconds: TimeInterval {
        TimeInterval(week.joined().reduce(0) { $0 + $1.end - $1.start } * 60)
    }

    // Search bound: a valid calendar has working time every week and at most `maximumHolidays` holidays,
    // so any stretch this long contains a working window.
    static let searchDays = 7 * (BusinessCalendarRules.maximumHolidays + 2)

    /// The moment `seconds` of business time after `start`.
    public func add(_ seconds: TimeInterval, to start: Date) -> Date {
        guard seconds > 0 else { return start }
        var remaining = seconds
        var day = LocalDay(containing: start, calendar)
        for _ in 0..<Self.searchDays {
            for window in windows(on: day) where window.end > start {
                let from = max(window.start, start)
                let available = window.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.next(calendar)
        }
        return .distantFuture  // unreachable for a validated calendar
    }

    /// Business seconds between two moments (negative when `end` is before `start`).
    public func businessTime(from start: Date, to end: Date) -> TimeInterval {
        if end < start { return -businessTime(from: end, to: start) }
        var total: TimeInterval = 0
        var day = LocalDay(containing: start, calendar)
        while day.noon.addingTimeInterval(-14 * 3_600) < end {  // a local day starts at most ~14 h before noon
            for window in windows(on: day) {
                let from = max(window.start, start), to = min(window.end, end)
                if to > from { total += to.timeIntervalSince(from) }
            }
            day = day.next(calendar)
        }
        return total
    }

    /// Whether `moment` is inside working hours (a window's start counts, its end does not).
    public func isWorking(_ moment: Date) -> Bool {
        windows(on: LocalDay(containing: moment, calendar)).contains { $0.start <= moment && moment < $0.end }
    }

    /// Whether `moment` is inside a window or at its end: where a positive `add` may land.
    public func isWorkingOrClosing(_ moment: Date) -> Bool {
        // A window ending at midnight belongs to the day before the moment.
        [moment, moment.addingTimeInterval(-1)].contains { probe in
            windows(on: LocalDay(containing: probe, calendar)).contains { $0.start < moment && moment <= $0.end }
        }
    }

    /// The working windows of a local day as absolute intervals; none on a holiday.
    func windows(on day: LocalDay) -> [(start: Date, end: Date)] {
        guard !holidayDates.contains(day.text) else { return [] }
        return week[day.weekday.index].compactMap { hours in
            let start = day.moment(minutes: hours.start, calendar), end = day.moment(minutes: hours.end, calendar)
            return end > start ? (start, end) : nil  // a window inside a daylight-saving gap vanishes
        }
    }

    /// `YYYY-MM-DD` of `moment` in the calendar's time zone.
    public func localDate(of moment: Date) -> String {
        LocalDay(containing: moment, calendar).text
    }
}

/// A date in the calendar's time zone, anchored at local noon (never inside a daylight-saving change).
struct LocalDay {
    let year: Int, month: Int, day: Int
    let weekday: Weekday
    let noon: Date

    init(containing moment: Date, _ calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!, calendar)
    }

    private init(year: Int, month: Int, day: Int, _ calendar: Calendar) {
        self.year = year
        self.month = month
        self.day = day
        self.noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        self.weekday = Weekday.fromGregorian(calendar.component(.weekday, from: noon))
    }

    func next(_ calendar: Calendar) -> LocalDay {
        LocalDay(containing: noon.addingTimeInterval(86_400 + 3 * 3_600), calendar)  // tomorrow, whatever the DST change
    }

    /// The instant of a wall-clock time on this day; 1440 minutes is the next midnight.
    func moment(minutes: Int, _ calendar: Calendar) -> Date {
        if minutes >= 1_440 { return next(calendar).moment(minutes: minutes - 1_440, calendar) }
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: minutes / 60,
                                                  minute: minutes % 60))!
    }

    var text: String { String(format: "%04d-%02d-%02d", year, month, day) }
}
