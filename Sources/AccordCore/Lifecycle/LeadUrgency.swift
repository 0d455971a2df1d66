import Foundation

/// Which open leads need their owner first: MQLs nobody has acted on yet, by due time, then the rest by due time.
public enum LeadUrgency {
    /// Whether the lead still waits for its owner's first action (the SLA clock runs).
    public static func isWaiting(stage: LeadStage, firstActionAt: Date?) -> Bool {
        stage == .mql && firstActionAt == nil
    }

    /// Whether a waiting lead is past its due time.
    public static func isOverdue(stage: LeadStage, firstActionAt: Date?, slaDueAt: Date?, now: Date) -> Bool {
        isWaiting(stage: stage, firstActionAt: firstActionAt) && (slaDueAt ?? .distantFuture) < now
    }

    /// A sort key: smaller is more urgent.
    public static func key(stage: LeadStage, firstActionAt: Date?, slaDueAt: Date?) -> (Int, Double) {
        (isWaiting(stage: stage, firstActionAt: firstActionAt) ? 0 : 1,
         slaDueAt?.timeIntervalSince1970 ?? .greatestFiniteMagnitude)
    }
}

/// How fresh a waiting lead still is: the share of its response time left, in business time.
public enum Freshness {
    /// `left` business seconds of `total`, clamped to 0…1.
    public static func share(left: TimeInterval, of total: TimeInterval) -> Double {
        guard total > 0 else { return 0 }
        return min(1, max(0, left / total))
    }

    /// `fresh` (more than half left), `aging` (a quarter to a half), `stale` (less).
    public static func label(_ share: Double) -> String {
        share > 0.5 ? "fresh" : share >= 0.25 ? "aging" : "stale"
    }
}
