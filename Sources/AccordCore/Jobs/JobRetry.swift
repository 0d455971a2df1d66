import Foundation

/// Where a background job stands: waiting to run (`available`, possibly scheduled for later), held by a
/// worker under a lease (`running`), done (`completed`), or out of attempts (`dead`, until an admin retries it).
public enum JobState: String, Vocabulary {
    case available, running, completed, dead
}

/// When a failed job runs again: a growing backoff (5 s, 20 s, 80 s, 5 min 20 s, … capped at an hour), with
/// up to a tenth of jitter so failures of many jobs at once do not retry in lockstep.
public enum JobRetry {
    public static let base: TimeInterval = 5
    public static let factor: Double = 4
    public static let cap: TimeInterval = 3_600

    /// The delay after the `attempt`-th failure (1-based); `jitter` in 0…1 spreads it by up to 10 %.
    public static func delay(afterAttempt attempt: Int, jitter: Double = 0) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        let raw = min(cap, base * pow(factor, exponent))
        return raw * (1 + 0.1 * min(1, max(0, jitter)))
    }
}
