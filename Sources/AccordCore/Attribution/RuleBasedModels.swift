import Foundation

/// The rule-based models over aggregated paths, with ChannelAttribution's conventions: `first` and `last` give the
/// whole journey to one touch, `linear` splits it over every touch (a channel that occurs twice gets two shares),
/// `position` (U-shaped) gives one touch 100 %, two touches 50/50, and three or more 40 % first, 40 % last and
/// 20 % spread over the touches between.
public enum RuleBasedModels {
    /// The share of the touch at `position` (0-based) in a journey of `length` touches.
    @inline(__always) public static func weight(_ model: AttributionModelID, _ position: Int, of length: Int) -> Double {
        switch model {
        case .first: return position == 0 ? 1 : 0
        case .last: return position == length - 1 ? 1 : 0
        case .linear: return 1 / Double(length)
        case .position:
            switch length {
            case 1: return 1
            case 2: return 0.5
            default: return position == 0 || position == length - 1 ? 0.4 : 0.2 / Double(length - 2)
            }
        default: preconditionFailure("\(model.rawValue) is not a rule-based model over paths")
        }
    }

    public static func run(_ model: AttributionModelID, on paths: PathSet) -> Attribution {
        let channels = paths.table.count
        var conversions = [Double](repeating: 0, count: channels)
        var values = [Double](repeating: 0, count: channels)
        paths.channels.withUnsafeBufferPointer { ids in
            for index in 0..<paths.count {
                let start = paths.offsets[index], end = paths.offsets[index + 1], length = end - start
                let converted = paths.conversions[index], value = paths.values[index]
                guard length > 0, converted != 0 || value != 0 else { continue }
                for position in 0..<length {
                    let share = weight(model, position, of: length)
                    guard share != 0 else { continue }
                    let channel = Int(ids[start + position])
                    conversions[channel] += converted * share
                    values[channel] += value * share
                }
            }
        }
        return Attribution(channels: paths.table.names, conversions: conversions, values: paths.hasValue ? values : nil)
    }
}

/// One touch of a journey from the database: its channel, when, and whether it is the touch at which the lead was
/// created or the opportunity was opened (W-shaped's milestones).
public struct TimedTouch: Sendable, Equatable {
    public var channel: Int32
    public var at: Date
    public var isLeadCreation: Bool
    public var isOpportunityCreation: Bool

    public init(channel: Int32, at: Date, isLeadCreation: Bool = false, isOpportunityCreation: Bool = false) {
        self.channel = channel
        self.at = at
        self.isLeadCreation = isLeadCreation
        self.isOpportunityCreation = isOpportunityCreation
    }
}

/// A journey from the database: its touches in time order and what it converted to, when.
public struct TimedJourney: Sendable, Equatable {
    public var touches: [TimedTouch]
    public var conversions: Double
    public var value: Double
    /// When it converted (the opportunity was won); nil: measured from the last touch.
    public var convertedAt: Date?

    public init(touches: [TimedTouch], conversions: Double, value: Double, convertedAt: Date?) {
        self.touches = touches
        self.conversions = conversions
        self.value = value
        self.convertedAt = convertedAt
    }
}

/// The models that need times and milestones (journeys from the database only).
///
/// - `w_shaped`: 30 % to the first touch, 30 % to the lead-creation touch, 30 % to the opportunity-creation touch,
///   and 10 % spread evenly over the other touches. A touch that is two milestones gets both shares; a missing
///   milestone's 30 % is shared by the milestones present; with no other touches, the 10 % goes to the milestones
///   in proportion. Every journey's credit sums to its conversions and value.
/// - `time_decay`: each touch weighs 2^(−age / half-life), its age taken at the conversion (else the last touch);
///   half-life 7 days by default; weights normalized per journey.
public enum TimedModels {
    public static func run(_ model: AttributionModelID, on journeys: [TimedJourney], channels: ChannelTable,
                           halfLifeDays: Double = 7) -> Attribution {
        var conversions = [Double](repeating: 0, count: channels.count)
        var values = [Double](repeating: 0, count: channels.count)
        for journey in journeys where !journey.touches.isEmpty {
            let weights = model == .wShaped ? wShaped(journey.touches) : timeDecay(journey, halfLifeDays: halfLifeDays)
            for (touch, weight) in zip(journey.touches, weights) {
                conversions[Int(touch.channel)] += journey.conversions * weight
                values[Int(touch.channel)] += journey.value * weight
            }
        }
        return Attribution(channels: channels.names, conversions: conversions, values: values)
    }

    /// W-shaped shares of a journey's touches (they sum to 1).
    public static func wShaped(_ touches: [TimedTouch]) -> [Double] {
        let count = touches.count
        var milestones: [Int] = [0]
        if let lead = touches.firstIndex(where: \.isLeadCreation) { milestones.append(lead) }
        if let opportunity = touches.firstIndex(where: \.isOpportunityCreation) { milestones.append(opportunity) }
        var weights = [Double](repeating: 0, count: count)
        for index in milestones { weights[index] += 0.9 / Double(milestones.count) }
        let rest = (0..<count).filter { !milestones.contains($0) }
        if rest.isEmpty {
            for index in 0..<count { weights[index] /= 0.9 }
        } else {
            for index in rest { weights[index] += 0.1 / Double(rest.count) }
        }
        return weights
    }

    /// Time-decay shares of a journey's touches (they sum to 1).
    public static func timeDecay(_ journey: TimedJourney, halfLifeDays: Double) -> [Double] {
        let end = journey.convertedAt ?? journey.touches.map(\.at).max()!
        let raw = journey.touches.map { touch in pow(0.5, max(0, end.timeIntervalSince(touch.at)) / (halfLifeDays * 86_400)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }
}
