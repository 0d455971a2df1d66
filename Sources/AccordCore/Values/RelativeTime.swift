import Foundation

/// Durations as people read them on a queue: "in 40 min", "3 h overdue", "2 d overdue".
public enum RelativeTime {
    public static func describe(_ due: Date, now: Date) -> String {
        let seconds = due.timeIntervalSince(now)
        let text = span(abs(seconds))
        return seconds >= 0 ? "due in \(text)" : "\(text) overdue"
    }

    public static func span(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<3_600: "\(max(1, Int(seconds / 60))) min"
        case ..<172_800: "\(Int(seconds / 3_600)) h"
        default: "\(Int(seconds / 86_400)) d"
        }
    }
}
