import Foundation

/// Why a person may not get a message now.
public enum PressureRule: String, Vocabulary {
    /// The person opted out.
    case optOut = "opt_out"
    /// The address or its domain is on the suppression list.
    case suppressed
    /// The person's account is protected and its owner has not consented to this campaign.
    case protectedAccount = "protected_account"
    /// A sales meeting with the person was too recent for marketing to write.
    case quietPeriod = "quiet_period"
    /// One of the person's caps would be exceeded.
    case personCap = "person_cap"
    /// The account's cap would be exceeded.
    case accountCap = "account_cap"
    /// No such person (an unknown id or email).
    case unknownPerson = "unknown_person"
    /// The person is already in this check (listed twice, or by id and by email).
    case duplicate
}

/// What the check knows of one person: their flags and the weighted load on each of the policy's person caps.
public struct PressureFacts: Sendable, Equatable {
    public var accountID: UUID?
    public var optedOut: Bool
    public var suppressed: Bool
    /// Whether the account is protected without consent for this campaign.
    public var protectedWithoutConsent: Bool
    public var lastSalesMeeting: Date?
    /// Weighted messages in each person cap's window (the policy's `personCaps` order), reservations included (a
    /// slice: a large check hands each person their part of one array).
    public var capLoads: ArraySlice<Double>

    public init(accountID: UUID?, optedOut: Bool = false, suppressed: Bool = false, protectedWithoutConsent: Bool = false,
                lastSalesMeeting: Date? = nil, capLoads: ArraySlice<Double>) {
        self.accountID = accountID
        self.optedOut = optedOut
        self.suppressed = suppressed
        self.protectedWithoutConsent = protectedWithoutConsent
        self.lastSalesMeeting = lastSalesMeeting
        self.capLoads = capLoads
    }
}

/// One person's answer: allowed, or the first rule that blocks them (with the cap named for a cap).
public struct PressureDecision: Sendable, Equatable {
    public var allowed: Bool
    public var rule: PressureRule?
    /// The cap that blocked (`person_cap:marketing:3/7d`), or the rule's name.
    public var detail: String?

    public static let allow = PressureDecision(allowed: true, rule: nil, detail: nil)

    public static func block(_ rule: PressureRule, _ detail: String? = nil) -> PressureDecision {
        PressureDecision(allowed: false, rule: rule, detail: detail ?? rule.rawValue)
    }
}

/// Decides, person by person, whether a campaign's message may go out now under the policy. Rules in order: opt-out,
/// suppression, account protection, quiet period (marketing only), person caps, account cap. Allowed messages add to
/// the account's load as the check goes, so one check cannot push an account over its cap.
public struct PressureCheck {
    public var policy: PressurePolicy
    public var side: Side
    public var channel: Channel
    public var now: Date
    /// Weighted messages each account already got in the account cap's window (reservations included), by the
    /// account's place in `accounts` (a check of 100,000 persons looks up an account for nearly each one).
    var accounts: PlaceIndex<UUID>
    var accountLoads: [Double]
    /// The rules' names, made once (a check of 100,000 persons would otherwise format one per blocked person).
    let personCapNames: [String]
    let accountCapName: String?
    let quietName: String

    public init(policy: PressurePolicy, side: Side, channel: Channel, now: Date, accountLoads: [UUID: Double] = [:]) {
        self.policy = policy
        self.side = side
        self.channel = channel
        self.now = now
        accounts = PlaceIndex(accountLoads.keys)
        self.accountLoads = accounts.keys.map { accountLoads[$0] ?? 0 }
        personCapNames = policy.personCaps.map { $0.name("person_cap") }
        accountCapName = policy.accountCap?.name("account_cap")
        quietName = "quiet_period:\(policy.quietDaysAfterSalesMeeting)d"
    }

    public mutating func decide(_ facts: PressureFacts) -> PressureDecision {
        if facts.optedOut { return .block(.optOut) }
        if facts.suppressed { return .block(.suppressed) }
        if facts.protectedWithoutConsent, side == .marketing { return .block(.protectedAccount) }
        if side == .marketing, policy.quietDaysAfterSalesMeeting > 0, let meeting = facts.lastSalesMeeting,
           now.timeIntervalSince(meeting) < Double(policy.quietDaysAfterSalesMeeting) * 86_400 {
            return .block(.quietPeriod, quietName)
        }
        let weight = policy.weight(channel)
        for (index, cap) in policy.personCaps.enumerated() where cap.counts(side) {
            let load = index < facts.capLoads.count ? facts.capLoads[facts.capLoads.startIndex + index] : 0
            if load + weight > cap.maximum + 1e-9 { return .block(.personCap, personCapNames[index]) }
        }
        if let cap = policy.accountCap, cap.counts(side), let account = facts.accountID {
            let (place, new) = accounts.place(of: account)
            if new { accountLoads.append(0) }
            let load = accountLoads[Int(place)]
            if load + weight > cap.maximum + 1e-9 { return .block(.accountCap, accountCapName) }
            accountLoads[Int(place)] = load + weight
        }
        return .allow
    }
}
