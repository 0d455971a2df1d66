import Foundation

/// A check as a sending tool asks it: a campaign, the audience (ids or addresses, in its order), the side and
/// channel (the campaign's by default), and whether it is only a look (a dry run reserves and asks nothing).
public struct PressureCheckInput: Sendable {
    public var campaignID: UUID
    public var targets: [PressureTarget]
    /// The persons as written, for the answer.
    public var texts: PersonTexts
    public var side: Side
    public var channel: Channel?
    public var dryRun: Bool

    public init(campaignID: UUID, targets: [PressureTarget], texts: PersonTexts, side: Side = .marketing,
                channel: Channel? = nil, dryRun: Bool = false) {
        self.campaignID = campaignID
        self.targets = targets
        self.texts = texts
        self.side = side
        self.channel = channel
        self.dryRun = dryRun
    }

    /// Reads a check; `spans` are the strings of `persons` left in `body` by `JSONParser.parse(_:spanning:)` (nil:
    /// `persons` is in `json`).
    public static func read(_ json: JSONValue, spans: [Range<Int32>]? = nil, body: [UInt8] = []) throws(AccordError)
        -> PressureCheckInput {
        var reader = FieldReader(json)
        let campaign = reader.id("campaignId", required: true).value
        var targets: [PressureTarget] = []
        var texts = PersonTexts.strings([])
        let read = spans.map { spans in
            body.withUnsafeBufferPointer { PressureAudience.read(spans: spans, in: $0) }.map { ($0, PersonTexts.spans(spans, in: body)) }
        } ?? PressureAudience.read(reader.raw("persons")).map { read in (read.map(\.target), PersonTexts.strings(read.map(\.text))) }
        switch read {
        case let .success(read): (targets, texts) = read
        case let .failure(error): reader.problem("persons", error.problem)
        }
        let side = reader.notNull("side", reader.vocabulary("side", Side.self)).value ?? .marketing
        let channel = reader.notNull("channel", reader.vocabulary("channel", Channel.self)).value
        let dryRun = reader.notNull("dryRun", reader.bool("dryRun")).value ?? false
        try reader.finish(entity: "pressure check")
        return PressureCheckInput(campaignID: campaign!, targets: targets, texts: texts, side: side, channel: channel, dryRun: dryRun)
    }
}

/// Marketing asking an account's owner for consent to a campaign.
public struct ConsentAskInput: Sendable, Equatable {
    public var campaignID: UUID
    public var accountID: UUID
    public var note: String?

    public static func read(_ json: JSONValue) throws(AccordError) -> ConsentAskInput {
        var reader = FieldReader(json)
        let campaign = reader.id("campaignId", required: true).value
        let account = reader.id("accountId", required: true).value
        let note = reader.string("note", maxLength: 2000).value
        try reader.finish(entity: "consent request")
        return ConsentAskInput(campaignID: campaign!, accountID: account!, note: note)
    }
}

/// An owner's answer to a consent request.
public struct ConsentAnswerInput: Sendable, Equatable {
    public var decision: ConsentDecision
    public var reason: String?

    public init(decision: ConsentDecision, reason: String?) {
        self.decision = decision
        self.reason = reason
    }

    public static func read(_ json: JSONValue) throws(AccordError) -> ConsentAnswerInput {
        var reader = FieldReader(json)
        let decision = reader.vocabulary("decision", ConsentDecision.self, required: true).value
        let reason = reader.string("reason", maxLength: 2000).value
        try reader.finish(entity: "consent answer")
        return ConsentAnswerInput(decision: decision!, reason: reason)
    }
}

/// An owner flagging an account key (or clearing the flag), with an optional reason for the audit trail.
public struct ProtectionInput: Sendable, Equatable {
    public var keyAccount: Bool
    public var reason: String?

    public static func read(_ json: JSONValue) throws(AccordError) -> ProtectionInput {
        var reader = FieldReader(json)
        let key = reader.bool("keyAccount", required: true).value
        let reason = reader.string("reason", maxLength: 2000).value
        try reader.finish(entity: "account protection")
        return ProtectionInput(keyAccount: key!, reason: reason)
    }
}
