import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Sends one webhook delivery the Standard Webhooks way: headers `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the endpoint's secret;
/// records the outcome; schedules the next try (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then dead) as a new job;
/// a 410 disables the endpoint.
enum WebhookSender {
    /// `whsec_` + base64 of 32 random bytes.
    static func newSecret() -> String {
        "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// The `webhook-signature` value for a message.
    static func signature(secret: String, id: String, timestamp: Int, body: String) -> String {
        let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) ?? Data(secret.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// One attempt of one delivery: the HTTP call outside any transaction, then what it returns records the
    /// outcome in the job's transaction.
    static func deliver(_ job: JobRecord, client: any Client, now: Date = Date(), on database: any Database) async throws
        -> JobRunner.Handler {
        guard let id = UUID(uuidString: job.payload), let delivery = try await WebhookDeliveryModel.find(id, on: database),
              delivery.status == "pending",
              let endpoint = try await WebhookEndpointModel.find(delivery.$endpoint.id, on: database) else {
            return { _, _ in }
        }
        var status: Int?
        var problem: String?
        if endpoint.isActive {
            let timestamp = Int(now.timeIntervalSince1970)
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.add(name: "webhook-id", value: delivery.messageID)
            headers.add(name: "webhook-timestamp", value: String(timestamp))
            headers.add(name: "webhook-signature", value: signature(secret: endpoint.secret, id: delivery.messageID,
                                                                    timestamp: timestamp, body: delivery.body))
            headers.add(name: .userAgent, value: "Accord/\(AccordApplication.version)")
            do {
                let response = try await client.post(URI(string: endpoint.url), headers: headers) { request in
                    request.body = ByteBuffer(string: delivery.body)
                    request.timeout = .seconds(15)
                }.get()
                status = Int(response.status.code)
                problem = (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
            } catch {
                problem = String(String(describing: error).prefix(500))
            }
        }
        let answered = status, failure = problem, active = endpoint.isActive
        return { _, database in
            guard let delivery = try await WebhookDeliveryModel.find(id, on: database),
                  let endpoint = try await WebhookEndpointModel.find(delivery.$endpoint.id, on: database) else { return }
            try await record(delivery, endpoint: endpoint, active: active, status: answered, problem: failure, now: now,
                             on: database)
        }
    }

    static func record(_ delivery: WebhookDeliveryModel, endpoint: WebhookEndpointModel, active: Bool, status: Int?,
                       problem: String?, now: Date, on database: any Database) async throws {
        guard active else {
            delivery.status = "disabled"
            try await delivery.save(on: database)
            return
        }
        delivery.attempts += 1
        delivery.responseStatus = status
        delivery.lastError = problem
        switch WebhookDelivery.outcome(attempt: delivery.attempts, status: status) {
        case .delivered:
            delivery.status = "delivered"
            delivery.deliveredAt = now
            delivery.nextAttemptAt = nil
        case let .retry(after):
            let next = now.addingTimeInterval(after)
            delivery.nextAttemptAt = next
            try await JobQueue.enqueue(WebhookOutbox.jobKind, payload: delivery.id!.uuidString,
                                       uniqueKey: "webhook:\(delivery.id!):\(delivery.attempts + 1)", runAt: next,
                                       maxAttempts: 3, on: database)
        case .dead:
            delivery.status = "dead"
            delivery.nextAttemptAt = nil
        case .endpointGone:
            delivery.status = "disabled"
            delivery.nextAttemptAt = nil
            endpoint.isActive = false
            endpoint.disabledReason = "answered 410 Gone at \(ISOTimestamp.format(now))"
            try await endpoint.save(on: database)
        }
        try await delivery.save(on: database)
    }
}
