import Foundation

/// Each converting journey's credit split over its channels (campaigns, for journeys from the database), by model:
/// what the influence export writes per opportunity and what campaign economics sum up.
///
/// - Rule-based and timed models split each journey by their rules (`RuleBasedModels.weight`, `TimedModels`).
/// - `shapley`: with DESIGN.md's game each journey's value is split equally over its distinct channels (the
///   unanimity-game closed form, see `ShapleyModel`), so the per-journey split is exact.
/// - `markov`: removal effects are global, not per journey. A journey's credit is split over its distinct channels
///   in proportion to their removal effects (equally when none of them has one), so the journeys' credits add up to
///   the model's totals in proportion to what each channel's journeys converted.
public enum JourneyShares {
    /// Shares per journey: channel index → share (summing to 1 for every journey with touches).
    public static func shares(_ model: AttributionModelID, journeys: [TimedJourney], nonConverting: [[Int32]],
                              channelCount: Int, order: Int = 1, halfLifeDays: Double = 7)
        throws(AttributionEngine.Failure) -> [[Int32: Double]] {
        switch model {
        case .first, .last, .linear, .position:
            return journeys.map { journey in
                var shares: [Int32: Double] = [:]
                for (position, touch) in journey.touches.enumerated() {
                    let weight = RuleBasedModels.weight(model, position, of: journey.touches.count)
                    if weight != 0 { shares[touch.channel, default: 0] += weight }
                }
                return shares
            }
        case .wShaped, .timeDecay:
            return journeys.map { journey in
                guard !journey.touches.isEmpty else { return [:] }
                let weights = model == .wShaped ? TimedModels.wShaped(journey.touches)
                    : TimedModels.timeDecay(journey, halfLifeDays: halfLifeDays)
                var shares: [Int32: Double] = [:]
                for (touch, weight) in zip(journey.touches, weights) { shares[touch.channel, default: 0] += weight }
                return shares
            }
        case .shapley:
            return journeys.map { journey in proportional(journey, weights: nil) }
        case .markov:
            var paths = PathSet(table: ChannelTable(names: (0..<channelCount).map { "\($0)" }), hasValue: false, hasNull: true)
            for journey in journeys where !journey.touches.isEmpty {
                paths.append(journey.touches.map(\.channel), conversions: 1, value: 0, nulls: 0)
            }
            for path in nonConverting where !path.isEmpty { paths.append(path, conversions: 0, value: 0, nulls: 1) }
            let effects: [Double]
            do {
                effects = try MarkovModel.removalEffects(on: paths.merged(), order: order).conversion
            } catch {
                throw .markov(error)
            }
            return journeys.map { proportional($0, weights: effects) }
        }
    }

    /// A journey split over its distinct channels by `weights` (equally when nil or all zero).
    static func proportional(_ journey: TimedJourney, weights: [Double]?) -> [Int32: Double] {
        var distinct: [Int32] = []
        for touch in journey.touches where !distinct.contains(touch.channel) { distinct.append(touch.channel) }
        guard !distinct.isEmpty else { return [:] }
        let raw = distinct.map { channel in max(0, weights?[Int(channel)] ?? 1) }
        let total = raw.reduce(0, +)
        var shares: [Int32: Double] = [:]
        for (channel, weight) in zip(distinct, raw) {
            shares[channel] = total > 0 ? weight / total : 1 / Double(distinct.count)
        }
        return shares
    }
}
