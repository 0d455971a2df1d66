import Foundation

/// Who a touchpoint is about: a known person, or an email (an unknown one creates the person).
public enum PersonReference: Sendable, Hashable {
    case id(UUID)
    case email(EmailAddress)
}

/// UTM tags of a landing URL or an event, lower-cased.
public struct UTMTags: Sendable, Hashable, Codable {
    public var source: String?
    public var medium: String?
    public var campaign: String?

    public init(source: String? = nil, medium: String? = nil, campaign: String? = nil) {
        self.source = source
        self.medium = medium
        self.campaign = campaign
    }
}

/// Which campaign a touchpoint belongs to.
public enum CampaignReference: Sendable, Hashable {
    case id(UUID)
    case externalID(String)
    case utm(UTMTags)
}

/// One touchpoint as a client sends it, checked.
public struct TouchpointInput: Sendable, Hashable {
    public var eventID: String?
    public var person: PersonReference
    public var campaign: CampaignReference?
    public var kind: TouchpointKind
    public var side: Side
    /// The channel the sender gave; when nil, the campaign's channel (or `field_sales` for sales touches).
    public var channel: Channel?
    public var occurredAt: Date

    public init(eventID: String? = nil, person: PersonReference, campaign: CampaignReference? = nil,
                kind: TouchpointKind, side: Side, channel: Channel? = nil, occurredAt: Date) {
        self.eventID = eventID
        self.person = person
        self.campaign = campaign
        self.kind = kind
        self.side = side
        self.channel = channel
        self.occurredAt = occurredAt
    }

    /// How far in the future a touchpoint may claim to have happened (clock skew between systems).
    public static let futureTolerance: TimeInterval = 24 * 3600

    /// Reads one touchpoint; `prefix` is its path in a batch (`[17]`, `line 18: `).
    public static func read(_ json: JSONValue, prefix: String = "", now: Date) -> (TouchpointInput?, ValidationReport) {
        var reader = FieldReader(json, prefix: prefix)
        let eventID = reader.string("eventId", maxLength: 200).value
        let personID = reader.id("personId").value
        let email = reader.email("email").value
        var person: PersonReference?
        switch (personID, email) {
        case let (id?, nil): person = .id(id)
        case let (nil, email?): person = .email(email)
        case (.some, .some): reader.problem("email", "give personId or email, not both")
        case (nil, nil):
            if !reader.report.problems.contains(where: { $0.field.hasSuffix("personId") || $0.field.hasSuffix("email") }) {
                reader.problem("personId", "personId or email is required")
            }
        }
        let campaign = readCampaign(&reader)
        let kind = reader.vocabulary("kind", TouchpointKind.self, required: true).value
        let side = reader.vocabulary("side", Side.self, required: true).value
        let channel = reader.vocabulary("channel", Channel.self).value
        let occurredAt = reader.time("occurredAt", required: true).value
        if let occurredAt, occurredAt > now.addingTimeInterval(futureTolerance) {
            reader.problem("occurredAt", "lies more than a day in the future")
        }
        if campaign == nil, channel == nil, side == .marketing {
            reader.problem("channel", "is required for a marketing touchpoint without a campaign")
        }
        reader.rejectUnknownFields(entity: "touchpoint")
        guard reader.report.problems.isEmpty, let person, let kind, let side, let occurredAt else {
            return (nil, reader.report)
        }
        let input = TouchpointInput(eventID: eventID, person: person, campaign: campaign, kind: kind, side: side,
                                    channel: channel ?? (campaign == nil ? .fieldSales : nil), occurredAt: occurredAt)
        return (input, reader.report)
    }

    private static func readCampaign(_ reader: inout FieldReader) -> CampaignReference? {
        var found: [CampaignReference] = []
        if let id = reader.id("campaignId").value { found.append(.id(id)) }
        if let external = reader.string("campaignExternalId", maxLength: 100).value { found.append(.externalID(external)) }
        if let raw = reader.raw("utm"), raw != .null {
            var nested = FieldReader(raw, prefix: reader.path("utm"))
            let tags = UTMTags(source: nested.string("source", maxLength: 200).value?.lowercased(),
                               medium: nested.string("medium", maxLength: 200).value?.lowercased(),
                               campaign: nested.string("campaign", maxLength: 200).value?.lowercased())
            if tags.campaign == nil && nested.report.problems.isEmpty {
                nested.problem("campaign", "is required to match a campaign by UTM tags")
            }
            nested.rejectUnknownFields(entity: "utm")
            for problem in nested.report.problems { reader.reportProblem(problem) }
            if nested.report.problems.isEmpty { found.append(.utm(tags)) }
        }
        if found.count > 1 {
            reader.problem("campaignId", "give one of campaignId, campaignExternalId or utm")
            return nil
        }
        return found.first
    }
}

/// The fields of a touchpoint a `PATCH` may correct (a touchpoint is a fact: who it is about stays).
public struct TouchpointChanges: Sendable {
    public var kind: FieldValue<TouchpointKind>
    public var channel: FieldValue<Channel>
    public var campaignID: FieldValue<UUID>
    public var occurredAt: FieldValue<Date>

    public static func read(_ json: JSONValue, now: Date) throws(AccordError) -> TouchpointChanges {
        var reader = FieldReader(json)
        let changes = TouchpointChanges(kind: reader.notNull("kind", reader.vocabulary("kind", TouchpointKind.self)),
                                        channel: reader.notNull("channel", reader.vocabulary("channel", Channel.self)),
                                        campaignID: reader.id("campaignId"),
                                        occurredAt: reader.notNull("occurredAt", reader.time("occurredAt")))
        if let occurredAt = changes.occurredAt.value, occurredAt > now.addingTimeInterval(TouchpointInput.futureTolerance) {
            reader.problem("occurredAt", "lies more than a day in the future")
        }
        try reader.finish(entity: "touchpoint (personId, side and eventId cannot change)")
        return changes
    }
}
