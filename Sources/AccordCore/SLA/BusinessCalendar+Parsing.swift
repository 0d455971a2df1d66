import Foundation

/// How calendars are written in the API and stored: hours per weekday as `"09:00-12:30"` strings,
/// holidays as `{"date": "2026-12-25", "name": "Christmas Day"}`.
public enum BusinessCalendarRules {
    public static let maximumHolidays = 500

    /// Reads `{"monday": ["09:00-17:00"], …}`; a day left out has no working hours.
    static func readWeek(_ value: JSONValue, path: String, into report: inout ValidationReport) -> [[WorkingHours]]? {
        var reader = FieldReader(value, prefix: path)
        var week: [[WorkingHours]] = Array(repeating: [], count: 7)
        for day in Weekday.allCases {
            guard let raw = reader.raw(day.rawValue), raw != .null else { continue }
            let dayPath = FieldReader.path(path, day.rawValue)
            guard case let .array(items) = raw else {
                report.add(dayPath, "must be a list of periods such as [\"09:00-17:00\"], not \(raw.typeName)")
                continue
            }
            var periods: [WorkingHours] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item, let hours = parsePeriod(text) else {
                    report.add("\(dayPath)[\(index)]", "must be a period such as \"09:00-17:00\" (24:00 ends at midnight)")
                    continue
                }
                periods.append(hours)
            }
            periods.sort()
            for (earlier, later) in zip(periods, periods.dropFirst()) where later.start < earlier.end {
                report.add(dayPath, "periods \(earlier.text) and \(later.text) overlap")
            }
            week[day.index] = periods
        }
        reader.rejectUnknownFields(entity: "hours (days are monday … sunday)")
        report.merge(reader.report, prefix: "")
        if reader.report.problems.isEmpty, week.allSatisfy(\.isEmpty) {
            report.add(path, "must have working hours on at least one day")
        }
        return week
    }

    /// `HH:MM-HH:MM` with the start before the end, 00:00 to 24:00.
    static func parsePeriod(_ text: String) -> WorkingHours? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < end else { return nil }
        return WorkingHours(start: start, end: end)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
              let minute = Int(parts[1]), (0...59).contains(minute) else { return nil }
        guard (0...23).contains(hour) || (hour == 24 && minute == 0) else { return nil }
        return hour * 60 + minute
    }

    /// Reads `[{"date": "2026-12-25", "name": "Christmas Day"}, …]` (a bare date string is accepted too).
    static func readHolidays(_ value: JSONValue, path: String, into report: inout ValidationReport) -> [Holiday]? {
        guard case let .array(items) = value else {
            report.add(path, "must be a list of holidays such as [{\"date\": \"2026-12-25\", \"name\": \"Christmas\"}]")
            return nil
        }
        if items.count > maximumHolidays { report.add(path, "must have at most \(maximumHolidays) holidays") }
        var holidays: [Holiday] = [], seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var date: String?, name: String?
            if case let .string(text) = item {
                date = text
            } else {
                var reader = FieldReader(item, prefix: itemPath)
                date = reader.string("date", required: true, maxLength: 10).value
                name = reader.string("name", maxLength: 200).value
                reader.rejectUnknownFields(entity: "holiday")
                report.merge(reader.report, prefix: "")
            }
            guard let date else { continue }
            if CalendarDate.parse(date) == nil {
                report.add(item.isString ? itemPath : itemPath + ".date", "must be a date such as 2026-12-25")
            } else if !seen.insert(date).inserted {
                report.add(item.isString ? itemPath : itemPath + ".date", "\(date) is listed twice")
            } else {
                holidays.append(Holiday(date: date, name: name))
            }
        }
        return holidays
    }

    /// Reads an IANA time zone name such as `Europe/Berlin`.
    static func readTimeZone(_ text: String) -> TimeZone? {
        guard text.contains("/") || text == "UTC" || text == "GMT" else { return nil }  // refuses abbreviations such as CET
        return TimeZone(identifier: text)
    }

    /// The stored and API form of the hours.
    public static func json(week: [[WorkingHours]]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { day in
            (day.rawValue, JSONValue.array(week[day.index].map { .string($0.text) }))
        }))
    }

    /// The stored and API form of the holidays.
    public static func json(holidays: [Holiday]) -> JSONValue {
        .array(holidays.map { holiday in
            var fields: [String: JSONValue] = ["date": .string(holiday.date)]
            fields["name"] = holiday.name.map(JSONValue.string) ?? .null
            return .object(fields)
        })
    }

    /// Rebuilds a calendar from its stored form (written by `json(week:)` and `json(holidays:)`).
    public static func stored(timeZone: String, hours: JSONValue, holidays: JSONValue) throws(AccordError) -> BusinessCalendar {
        var report = ValidationReport()
        let zone = readTimeZone(timeZone)
        if zone == nil { report.add("timeZone", "'\(timeZone)' is not a time zone") }
        let week = readWeek(hours, path: "hours", into: &report)
        let days = readHolidays(holidays, path: "holidays", into: &report)
        try report.throwIfInvalid()
        return BusinessCalendar(timeZone: zone!, week: week!, holidays: days!)
    }
}

/// The fields of a business calendar in a request.
public struct CalendarInput: Sendable {
    public var name: FieldValue<String>
    public var timeZone: FieldValue<TimeZone>
    public var week: FieldValue<[[WorkingHours]]>
    public var holidays: FieldValue<[Holiday]>
    /// The calendar of teams that have none.
    public var isDefault: FieldValue<Bool>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> CalendarInput {
        var reader = FieldReader(json)
        var report = ValidationReport()
        let name = reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200))
        var timeZone: FieldValue<TimeZone> = .absent
        if let text = reader.notNull("timeZone", reader.string("timeZone", required: mode.creating, maxLength: 64)).value {
            if let zone = BusinessCalendarRules.readTimeZone(text) { timeZone = .value(zone) } else {
                reader.problem("timeZone", "'\(text)' is not an IANA time zone such as Europe/Berlin")
            }
        }
        var week: FieldValue<[[WorkingHours]]> = .absent
        switch reader.raw("hours") {
        case nil: if mode.creating { reader.problem("hours", "is required") }
        case .null?: reader.problem("hours", "must not be null")
        case let raw?: week = BusinessCalendarRules.readWeek(raw, path: "hours", into: &report).map(FieldValue.value) ?? .absent
        }
        var holidays: FieldValue<[Holiday]> = mode.creating ? .value([]) : .absent
        switch reader.raw("holidays") {
        case nil: break
        case .null?: holidays = .value([])
        case let raw?:
            holidays = BusinessCalendarRules.readHolidays(raw, path: "holidays", into: &report).map(FieldValue.value) ?? .absent
        }
        let isDefault = reader.notNull("isDefault", reader.bool("isDefault"))
        reader.rejectUnknownFields(entity: "calendar")
        report.merge(reader.report, prefix: "")
        try report.throwIfInvalid()
        return CalendarInput(name: name, timeZone: timeZone, week: week, holidays: holidays, isDefault: isDefault)
    }
}

extension JSONValue {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
