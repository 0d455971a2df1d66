import Foundation

/// The figures of contact pressure: how many messages people get per week (as sent, and as they would have been
/// without the caps), the messages prevented per campaign, and the consent requests with their answers.
public struct PressureFigures: Sendable, Equatable {
    /// Person-weeks by messages received: index 0 is 1 message, the last bucket `maxBucket` or more.
    public var sent: [Int]
    /// The same with the messages the pressure rules prevented added back.
    public var beforeCaps: [Int]
    public var campaigns: [CampaignPressure]
    public var consents: [ConsentState: Int]
    public var consentsOnSilence: Int
    /// Median hours from a consent request to its owner's answer (answers by silence left out).
    public var medianHoursToConsent: Double?

    public static let maxBucket = 10
    public static var bucketLabels: [String] { (1..<maxBucket).map(String.init) + ["\(maxBucket)+"] }

    public init(sent: [Int], beforeCaps: [Int], campaigns: [CampaignPressure], consents: [ConsentState: Int],
                consentsOnSilence: Int, medianHoursToConsent: Double?) {
        self.sent = sent
        self.beforeCaps = beforeCaps
        self.campaigns = campaigns
        self.consents = consents
        self.consentsOnSilence = consentsOnSilence
        self.medianHoursToConsent = medianHoursToConsent
    }

    /// Rules that exist to limit pressure (the rest, opt-outs and suppression, block whatever the policy says).
    public static let pressureRules: Set<PressureRule> = [.personCap, .accountCap, .quietPeriod, .protectedAccount]

    /// Person-weeks (ISO weeks in `timeZone`) by how many messages they hold.
    public static func distribution(_ messages: [(person: UUID, at: Date)], timeZone: TimeZone) -> [Int] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        struct Key: Hashable {
            var person: UUID
            var year: Int
            var week: Int
        }
        var counts: [Key: Int] = [:]
        for message in messages {
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: message.at)
            counts[Key(person: message.person, year: parts.yearForWeekOfYear ?? 0, week: parts.weekOfYear ?? 0), default: 0] += 1
        }
        var buckets = Array(repeating: 0, count: maxBucket)
        for count in counts.values { buckets[min(count, maxBucket) - 1] += 1 }
        return buckets
    }
}

/// One campaign's checks in a period.
public struct CampaignPressure: Sendable, Equatable {
    public var campaignID: UUID
    public var name: String
    public var checks: Int
    public var confirmed: Int
    public var allowed: Int
    /// Blocked in confirmed checks, by rule: the messages the campaign did not send.
    public var prevented: [PressureRule: Int]

    public init(campaignID: UUID, name: String, checks: Int, confirmed: Int, allowed: Int, prevented: [PressureRule: Int]) {
        self.campaignID = campaignID
        self.name = name
        self.checks = checks
        self.confirmed = confirmed
        self.allowed = allowed
        self.prevented = prevented
    }

    public var totalPrevented: Int { prevented.values.reduce(0, +) }
}
