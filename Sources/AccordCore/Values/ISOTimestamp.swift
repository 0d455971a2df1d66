import Foundation

/// ISO 8601 times in UTC, the only time format of the API, exports and the audit trail.
public enum ISOTimestamp {
    /// Formats with millisecond precision: `2026-11-23T19:00:00.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(withFraction)
    }

    /// Parses an ISO 8601 time with or without fractional seconds; nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)
}
