import Foundation

/// The length of a scorecard's period.
public enum ScorecardPeriodKind: String, Vocabulary {
    case week, month, quarter
}

/// What a scorecard's rows are: the whole company alone, or one row per team, rep, campaign or channel.
public enum ScorecardDimension: String, Vocabulary {
    case team, rep, campaign, channel
}

/// One ISO week (Monday to Monday), calendar month or calendar quarter in a time zone: `[start, end)`.
public struct ScorecardPeriod: Sendable, Hashable {
    public var kind: ScorecardPeriodKind
    public var start: Date
    public var end: Date
    /// `2026-W48`, `2026-11` or `2026-Q4`.
    public var label: String

    public init(kind: ScorecardPeriodKind, start: Date, end: Date, label: String) {
        self.kind = kind
        self.start = start
        self.end = end
        self.label = label
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The period of this kind that contains `date` in `timeZone`.
    public static func containing(_ date: Date, kind: ScorecardPeriodKind, timeZone: TimeZone) -> ScorecardPeriod {
        let calendar = calendar(timeZone)
        switch kind {
        case .week:
            let start = calendar.dateInterval(of: .weekOfYear, for: date)!.start
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return ScorecardPeriod(kind: kind, start: start, end: calendar.date(byAdding: .day, value: 7, to: start)!,
                                   label: String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!))
        case .month, .quarter:
            let parts = calendar.dateComponents([.year, .month], from: date)
            let year = parts.year!, month = parts.month!
            let first = kind == .month ? month : (month - 1) / 3 * 3 + 1
            let start = calendar.date(from: DateComponents(year: year, month: first, day: 1))!
            let end = calendar.date(byAdding: .month, value: kind == .month ? 1 : 3, to: start)!
            let label = kind == .month ? String(format: "%04d-%02d", year, month) : "\(year)-Q\((month - 1) / 3 + 1)"
            return ScorecardPeriod(kind: kind, start: start, end: end, label: label)
        }
    }

    /// Noon of a day (as `CalendarDate.parse` reads it: UTC midnight) in the time zone: inside that local day
    /// whatever the zone, so `--at 2026-11-23` picks the period holding the 23rd there.
    public static func noon(of day: Date, timeZone: TimeZone) -> Date {
        day.addingTimeInterval(12 * 3_600 - Double(timeZone.secondsFromGMT(for: day)))
    }

    /// The period just before this one.
    public func previous(timeZone: TimeZone) -> ScorecardPeriod {
        Self.containing(start.addingTimeInterval(-1), kind: kind, timeZone: timeZone)
    }

    /// `count` periods ending with this one, oldest first.
    public func series(count: Int, timeZone: TimeZone) -> [ScorecardPeriod] {
        var periods = [self]
        while periods.count < count { periods.insert(periods[0].previous(timeZone: timeZone), at: 0) }
        return periods
    }

    /// The share of a month (`YYYY-MM` in the time zone) that lies in this period: monthly targets and costs are
    /// spread evenly over their month's time.
    public func share(ofMonth month: String, timeZone: TimeZone) -> Double {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]) else { return 0 }
        let calendar = Self.calendar(timeZone)
        guard let first = calendar.date(from: DateComponents(year: year, month: number, day: 1)),
              let next = calendar.date(byAdding: .month, value: 1, to: first) else { return 0 }
        let overlap = min(end, next).timeIntervalSince(max(start, first))
        return overlap <= 0 ? 0 : overlap / next.timeIntervalSince(first)
    }

    /// The part of the period up to `moment` (a running period's figures so far, and its targets to date).
    public func clipped(to moment: Date) -> ScorecardPeriod {
        var period = self
        period.end = max(start, min(end, moment))
        return period
    }

    /// The months (`YYYY-MM`) this period touches.
    public func months(timeZone: TimeZone) -> [String] {
        let calendar = Self.calendar(timeZone)
        var months: [String] = []
        var moment = start
        while moment < end {
            let parts = calendar.dateComponents([.year, .month], from: moment)
            months.append(String(format: "%04d-%02d", parts.year!, parts.month!))
            let first = calendar.date(from: DateComponents(year: parts.year!, month: parts.month!, day: 1))!
            moment = calendar.date(byAdding: .month, value: 1, to: first)!
        }
        return months
    }
}

/// Where a time zone's offset from UTC is constant: so SQL can turn a stored UTC time into a local weekday with
/// plain arithmetic (`(epoch + offset) / 86400`), the same on SQLite and PostgreSQL.
public struct UTCOffsetSegment: Sendable, Hashable {
    /// From this moment on (until the next segment) the offset is `offsetSeconds`.
    public var from: Date
    public var offsetSeconds: Int

    /// The segments covering `[from, to)`, first one starting at `from`.
    public static func segments(from: Date, to: Date, timeZone: TimeZone) -> [UTCOffsetSegment] {
        var segments = [UTCOffsetSegment(from: from, offsetSeconds: timeZone.secondsFromGMT(for: from))]
        var moment = from
        while let next = timeZone.nextDaylightSavingTimeTransition(after: moment), next < to {
            segments.append(UTCOffsetSegment(from: next, offsetSeconds: timeZone.secondsFromGMT(for: next)))
            moment = next
        }
        return segments
    }

    /// Monday 0 … Sunday 6 for seconds since 1970 plus the offset (1970-01-01 was a Thursday).
    public static func weekday(localSeconds: Int64) -> Int {
        Int(((localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400) + 3) % 7 + 7) % 7
    }
}
