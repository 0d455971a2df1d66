import Foundation

/// The events outbound webhooks may subscribe to.
public enum WebhookEvent: String, Vocabulary {
    case leadAssigned = "lead.assigned"
    case leadSLAWarning = "lead.sla_warning"
    case leadSLABreached = "lead.sla_breached"
    case leadReassigned = "lead.reassigned"
    case leadRecycled = "lead.recycled"
    case leadDisputed = "lead.disputed"
    case leadDisputeDecided = "lead.dispute_decided"
    case requestSubmitted = "request.submitted"
    /// Any answer or later step: accepted, declined, info requested or provided, appealed, appeal decided,
    /// delivered, withdrawn (`data.move` says which).
    case requestChanged = "request.changed"
    case requestOverdue = "request.overdue"
    /// A reviewer stayed silent to the due time: their manager was told.
    case assetReviewEscalated = "asset.review_escalated"
    /// Every required review cleared (`data.asset.silentApprovals` says how many by silence).
    case assetReleased = "asset.released"
    /// Marketing asked a protected account's owner to let a campaign reach its people.
    case consentRequested = "consent.requested"
    /// The owner granted or denied consent, or the due time passed (`data.consent.onSilence`).
    case consentAnswered = "consent.answered"
    /// The weekly digest went out: last week's company figures (`data.week`, `data.figures`).
    case scorecardDigest = "scorecard.digest"
}

/// Standard Webhooks delivery rules as DESIGN.md fixes them: retries after 5 s, 5 min, 30 min, 2 h, 5 h and
/// 10 h, then the delivery is dead; a 2xx answer delivers, a 410 disables the endpoint.
public enum WebhookDelivery {
    public static let retryDelays: [TimeInterval] = [5, 300, 1_800, 7_200, 18_000, 36_000]

    public enum Outcome: Equatable, Sendable {
        case delivered
        case retry(after: TimeInterval)
        case dead
        case endpointGone
    }

    /// What to do after the `attempt`-th try (1-based) answered `status` (nil: no answer at all).
    public static func outcome(attempt: Int, status: Int?) -> Outcome {
        if let status, (200..<300).contains(status) { return .delivered }
        if status == 410 { return .endpointGone }
        return attempt <= retryDelays.count ? .retry(after: retryDelays[attempt - 1]) : .dead
    }
}

/// The fields of a webhook endpoint in a request.
public struct WebhookEndpointInput: Sendable {
    public var url: FieldValue<String>
    public var events: FieldValue<[WebhookEvent]>
    public var isActive: FieldValue<Bool>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> WebhookEndpointInput {
        var reader = FieldReader(json)
        var report = ValidationReport()
        var url = reader.notNull("url", reader.string("url", required: mode.creating, maxLength: 2_000))
        if let text = url.value {
            let parsed = URL(string: text)
            if parsed?.host == nil || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") {
                reader.problem("url", "must be an http or https address such as https://hooks.example.com/accord")
                url = .absent
            }
        }
        let rawEvents = reader.raw("events")
        let events = RoutingRuleInput.list(rawEvents, "events", into: &report) { WebhookEvent(rawValue: $0) }
            problem: { "'\($0)' is not an event; use \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))" }
        if mode.creating, !events.isPresent { reader.problem("events", "is required") }
        if case let .array(items)? = rawEvents, items.isEmpty { reader.problem("events", "must name at least one event") }
        if case .null? = rawEvents { reader.problem("events", "must name at least one event") }
        let input = WebhookEndpointInput(url: url, events: events, isActive: reader.notNull("isActive", reader.bool("isActive")))
        reader.rejectUnknownFields(entity: "webhook endpoint")
        report.merge(reader.report, prefix: "")
        try report.throwIfInvalid()
        return input
    }
}
