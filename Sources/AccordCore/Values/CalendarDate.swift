import Foundation

/// Calendar dates (`2026-03-01`) and months (`2026-03`) in UTC, as the API and exports write them.
public enum CalendarDate {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// The start of the day in UTC, or nil when `text` is not a valid `YYYY-MM-DD`.
    public static func parse(_ text: String) -> Date? {
        // digits and dashes only: Int("+026") would read a signed number
        guard text.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }) else {
            return nil
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = utc.date(from: components),
              utc.component(.day, from: date) == day else { return nil }  // refuses 2026-02-30
        return date
    }

    /// `YYYY-MM-DD` of the day containing `date` in UTC.
    public static func format(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `YYYY-MM` of the month containing `date` in UTC.
    public static func month(of date: Date) -> String {
        let parts = utc.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    /// Whether `text` is a month `YYYY-MM`.
    public static func isMonth(_ text: String) -> Bool {
        parse(text + "-01") != nil && text.count == 7
    }

    /// The start of the UTC day containing `date`.
    public static func startOfDay(_ date: Date) -> Date {
        utc.startOfDay(for: date)
    }
}
