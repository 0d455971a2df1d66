import AccordCore
import FluentKit
import Foundation

/// An outbound webhook endpoint: where to POST which events, signed with its secret (Standard Webhooks).
public final class WebhookEndpointModel: Model, @unchecked Sendable {
    public static let schema = "webhook_endpoints"

    @ID(key: .id) public var id: UUID?
    @Field(key: "url") public var url: String
    /// JSON array of event types.
    @Field(key: "events") public var events: String
    /// `whsec_` + base64 of 32 random bytes; kept readable because every delivery is signed with it.
    @Field(key: "secret") public var secret: String
    @Field(key: "is_active") public var isActive: Bool
    @OptionalField(key: "disabled_reason") public var disabledReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public var eventList: [String] {
        get { StoredJSON.decode([String].self, events) ?? [] }
        set { events = StoredJSON.text(newValue) }
    }
}

/// One event sent (or being sent) to one endpoint: the exact body, and the outcome of the latest attempt.
public final class WebhookDeliveryModel: Model, @unchecked Sendable {
    public static let schema = "webhook_deliveries"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "endpoint_id") public var endpoint: WebhookEndpointModel
    /// The `webhook-id` header: the same on every retry, so receivers can drop duplicates.
    @Field(key: "message_id") public var messageID: String
    @Field(key: "event_type") public var eventType: String
    @Field(key: "body") public var body: String
    /// `pending`, `delivered`, `dead` or `disabled` (the endpoint answered 410).
    @Field(key: "status") public var status: String
    @Field(key: "attempts") public var attempts: Int
    @OptionalField(key: "response_status") public var responseStatus: Int?
    @OptionalField(key: "last_error") public var lastError: String?
    @OptionalField(key: "next_attempt_at") public var nextAttemptAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "delivered_at") public var deliveredAt: Date?

    public init() {}
}

/// Publishing events: one delivery per subscribed active endpoint and a job to send it, in the caller's
/// transaction (an event is sent only if the change that caused it commits).
public enum WebhookOutbox {
    public static let jobKind = "webhook.deliver"

    /// Records `type` with `data` for every active endpoint subscribed to it.
    public static func publish(_ type: WebhookEvent, data: JSONValue, at now: Date = Date(), on database: any Database)
        async throws {
        try await publishAll(type, [data], at: now, on: database)
    }

    /// Records one event of `type` for each of `data` (in that order), the deliveries and their jobs written a few
    /// hundred per statement (a check asking 1,449 account owners publishes an event per request).
    public static func publishAll(_ type: WebhookEvent, _ data: [JSONValue], at now: Date = Date(), on database: any Database)
        async throws {
        let endpoints = try await WebhookEndpointModel.query(on: database).filter(\.$isActive == true).all()
            .filter { $0.eventList.contains(type.rawValue) }
        guard !endpoints.isEmpty, !data.isEmpty else { return }
        var deliveries: [WebhookDeliveryModel] = []
        for data in data {
            let body = StoredJSON.text(JSONValue.object([
                "type": .string(type.rawValue), "timestamp": .string(ISOTimestamp.format(now)), "data": data,
            ]))
            for endpoint in endpoints {
                let delivery = WebhookDeliveryModel()
                delivery.id = TimeOrderedID.make()
                delivery.$endpoint.id = endpoint.id!
                delivery.messageID = "msg_" + delivery.id!.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
                delivery.eventType = type.rawValue
                delivery.body = body
                delivery.status = "pending"
                delivery.attempts = 0
                delivery.createdAt = now
                delivery.nextAttemptAt = now
                deliveries.append(delivery)
            }
        }
        try await BulkInsert.models(deliveries, on: database)
        try await JobQueue.enqueueAll(jobKind, deliveries.map {
            JobQueue.Job(payload: $0.id!.uuidString, uniqueKey: "webhook:\($0.id!):1", runAt: now)
        }, maxAttempts: 3, on: database)
    }
}
