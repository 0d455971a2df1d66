import Foundation

/// A cap on the messages one person (or one account) gets over a rolling window: from one side or from both.
public struct PressureCap: Sendable, Equatable, Codable {
    /// The side whose messages count; nil counts both sides together.
    public var side: Side?
    /// The most (weighted) messages allowed in the window, the new one included.
    public var maximum: Double
    public var windowDays: Int

    public init(side: Side?, maximum: Double, windowDays: Int) {
        self.side = side
        self.maximum = maximum
        self.windowDays = windowDays
    }

    /// How the rule is named in a check's results: `person_cap:marketing:3/7d`, `account_cap:any:20/7d`.
    public func name(_ scope: String) -> String {
        "\(scope):\(side?.rawValue ?? "any"):\(Self.number(maximum))/\(windowDays)d"
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }

    /// Whether a message from `side` counts towards the cap.
    public func counts(_ messageSide: Side) -> Bool { side == nil || side == messageSide }
}

/// One message a person got (or is about to get): when, from which side, on which channel.
public struct PressureMessage: Sendable, Equatable {
    public var at: Date
    public var side: Side
    public var channel: Channel

    public init(at: Date, side: Side, channel: Channel) {
        self.at = at
        self.side = side
        self.channel = channel
    }

    /// The touchpoints that are messages a person receives: a marketing send, a sales email or call.
    public static let kinds: Set<TouchpointKind> = [.sent, .email, .call]
}

/// How much contact the company allows itself: caps per person over rolling windows, a cap per account, channel
/// weights (a phone call may weigh more than an email), a quiet period for marketing after a sales meeting.
/// Opt-outs and the suppression list are always honoured, whatever the policy says.
public struct PressurePolicy: Sendable, Equatable, Codable {
    public var personCaps: [PressureCap]
    public var accountCap: PressureCap?
    /// Weight of a message per channel (1 when absent).
    public var channelWeights: [Channel: Double]
    /// Days after a sales meeting with a person during which marketing sends them nothing (0: none).
    public var quietDaysAfterSalesMeeting: Int
    /// How protected accounts' owners are asked for consent.
    public var consent: ConsentPolicy

    public init(personCaps: [PressureCap], accountCap: PressureCap?, channelWeights: [Channel: Double],
                quietDaysAfterSalesMeeting: Int, consent: ConsentPolicy = .standard) {
        self.personCaps = personCaps
        self.accountCap = accountCap
        self.channelWeights = channelWeights
        self.quietDaysAfterSalesMeeting = quietDaysAfterSalesMeeting
        self.consent = consent
    }

    /// At most 3 marketing messages in 7 days and 6 from both sides in 7 days per person; 40 marketing messages per
    /// account in 7 days; a sales call weighs 2; no marketing for 3 days after a sales meeting.
    public static let standard = PressurePolicy(
        personCaps: [PressureCap(side: .marketing, maximum: 3, windowDays: 7), PressureCap(side: nil, maximum: 6, windowDays: 7)],
        accountCap: PressureCap(side: .marketing, maximum: 40, windowDays: 7),
        channelWeights: [.fieldSales: 2], quietDaysAfterSalesMeeting: 3)

    public func weight(_ channel: Channel) -> Double { channelWeights[channel] ?? 1 }

    /// The longest window any cap looks back over, in days.
    public var lookbackDays: Int {
        max(personCaps.map(\.windowDays).max() ?? 0, accountCap?.windowDays ?? 0, quietDaysAfterSalesMeeting)
    }

    /// The weighted load of each person cap (in `personCaps` order) from `messages`, as of `now`: the reference the
    /// store's SQL aggregate is tested against.
    public func loads(_ messages: [PressureMessage], now: Date, caps: [PressureCap]? = nil) -> [Double] {
        (caps ?? personCaps).map { cap in
            let start = now.addingTimeInterval(-Double(cap.windowDays) * 86_400)
            return messages.filter { $0.at > start && $0.at <= now && cap.counts($0.side) }
                .reduce(0) { $0 + weight($1.channel) }
        }
    }

    /// The policy as the API writes it (and `read` reads it back).
    public var json: JSONValue {
        func cap(_ cap: PressureCap) -> JSONValue {
            .object(["side": .string(cap.side?.rawValue ?? "any"), "maximum": .number(cap.maximum),
                     "windowDays": .integer(Int64(cap.windowDays))])
        }
        var weights: [String: JSONValue] = [:]
        for (channel, weight) in channelWeights { weights[channel.rawValue] = .number(weight) }
        return .object([
            "personCaps": .array(personCaps.map(cap)), "accountCap": accountCap.map(cap) ?? .null,
            "channelWeights": .object(weights), "quietDaysAfterSalesMeeting": .integer(Int64(quietDaysAfterSalesMeeting)),
            "consent": consent.json,
        ])
    }

    // MARK: Reading

    public static func read(_ json: JSONValue) throws(AccordError) -> PressurePolicy {
        var reader = FieldReader(json)
        var caps: [PressureCap] = []
        switch reader.raw("personCaps") {
        case nil: caps = standard.personCaps
        case let .array(items)?:
            if items.count > 10 { reader.problem("personCaps", "may hold at most 10 caps") }
            for (index, item) in items.enumerated() {
                if let cap = readCap(item, prefix: "personCaps[\(index)]", into: &reader) { caps.append(cap) }
            }
        case let value?: reader.problem("personCaps", "must be an array of caps, not \(value.typeName)")
        }
        var accountCap: PressureCap? = standard.accountCap
        switch reader.raw("accountCap") {
        case nil: break
        case .null?: accountCap = nil
        case let value?: accountCap = readCap(value, prefix: "accountCap", into: &reader)
        }
        var weights: [Channel: Double] = standard.channelWeights
        switch reader.raw("channelWeights") {
        case nil: break
        case let .object(entries)?:
            weights = [:]
            for key in entries.keys.sorted() {
                guard let channel = Channel(rawValue: key) else {
                    reader.problem("channelWeights.\(key)", "is not a channel; channels: "
                        + Channel.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                switch entries[key] {
                case let .integer(value)?: weights[channel] = Double(value)
                case let .number(value)?: weights[channel] = value
                default: reader.problem("channelWeights.\(key)", "must be a number")
                }
                if let weight = weights[channel], !(0...100).contains(weight) {
                    reader.problem("channelWeights.\(key)", "must be between 0 and 100")
                }
            }
        case let value?: reader.problem("channelWeights", "must be an object of channel: weight, not \(value.typeName)")
        }
        let quiet = reader.notNull("quietDaysAfterSalesMeeting",
                                   reader.integer("quietDaysAfterSalesMeeting", in: 0...90)).value
        var consent = ConsentPolicy.standard
        switch reader.raw("consent") {
        case nil: break
        case let value?: consent = ConsentPolicy.read(value, into: &reader) ?? consent
        }
        try reader.finish(entity: "pressure policy")
        return PressurePolicy(personCaps: caps, accountCap: accountCap, channelWeights: weights,
                              quietDaysAfterSalesMeeting: quiet.map(Int.init) ?? standard.quietDaysAfterSalesMeeting,
                              consent: consent)
    }

    static func readCap(_ value: JSONValue, prefix: String, into reader: inout FieldReader) -> PressureCap? {
        var nested = FieldReader(value, prefix: prefix)
        let side: Side?? = switch nested.raw("side") {
        case nil, .null?, .string("any")?: .some(nil)
        case let .string(text)?: Side(rawValue: text).map { .some($0) } ?? nil
        default: nil
        }
        if side == nil { nested.problem("side", "must be marketing, sales or any") }
        let maximum = nested.notNull("maximum", nested.number("maximum", required: true, in: 0...10_000)).value
        let days = nested.notNull("windowDays", nested.integer("windowDays", required: true, in: 1...365)).value
        nested.rejectUnknownFields(entity: "cap")
        reader.absorb(nested)
        guard let side, let maximum, let days, nested.report.problems.isEmpty else { return nil }
        return PressureCap(side: side, maximum: maximum, windowDays: Int(days))
    }
}
