/// Where a request's time went, phase by phase, for a `Server-Timing` header (one metric per phase, then the total):
/// a sending tool's logs and the benchmarks read it, so a slow check says which part was slow.
public struct PhaseTimes: Sendable {
    public private(set) var phases: [(name: String, milliseconds: Double)] = []
    private var last: ContinuousClock.Instant
    private let started: ContinuousClock.Instant

    public init(from start: ContinuousClock.Instant = .now) {
        started = start
        last = start
    }

    /// Ends the phase `name` now (it began when the previous one ended).
    public mutating func mark(_ name: String) {
        let now = ContinuousClock.now
        phases.append((name, Self.milliseconds(now - last)))
        last = now
    }

    /// Adds phases another part timed (they ran inside the current one, which then counts only the rest).
    public mutating func merge(_ other: PhaseTimes) {
        phases.append(contentsOf: other.phases)
        last = max(last, other.last)
    }

    public var totalMilliseconds: Double { Self.milliseconds(ContinuousClock.now - started) }

    /// `persons;dur=12.3, decide;dur=4.5, check;dur=20.1`: the phases, then the total under the name given.
    public func header(total name: String) -> String {
        (phases + [(name, totalMilliseconds)]).map { "\($0.name);dur=\(Self.format($0.milliseconds))" }
            .joined(separator: ", ")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// One decimal, without Foundation's formatter.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
