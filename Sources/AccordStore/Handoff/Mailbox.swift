import AccordCore
import FluentKit
import Foundation

/// Email to send, as jobs: enqueued with the change that causes it, sent (and retried) by a worker.
public enum Mailbox {
    public static let jobKind = "email.send"

    public struct Message: Codable, Sendable, Equatable {
        public var to: String
        public var subject: String
        public var body: String
    }

    public static func enqueue(to recipient: String, subject: String, body: String, on database: any Database) async throws {
        try await JobQueue.enqueue(jobKind, payload: StoredJSON.text(Message(to: recipient, subject: subject, body: body)),
                                   maxAttempts: 6, on: database)
    }

    public static func message(_ job: JobRecord) -> Message? {
        StoredJSON.decode(Message.self, job.payload)
    }
}
