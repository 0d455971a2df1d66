import AccordCore
import FluentKit
import Foundation

/// Messages about requests and collateral: into each user's inbox with a link to the page, and by email when the
/// step matters enough (escalations, answers to the requester).
enum Inbox {
    static func tell(_ users: Set<UUID>, _ kind: String, _ title: String, _ body: String, link: String, email: Bool,
                     now: Date, on database: any Database) async throws {
        for user in users.sorted() {
            try await NotificationModel(userID: user, kind: kind, title: title, body: body, leadID: nil, link: link, at: now)
                .create(on: database)
            guard email, let recipient = try await UserModel.find(user, on: database), recipient.isActive else { continue }
            try await Mailbox.enqueue(to: recipient.email, subject: title, body: body, on: database)
        }
    }
}
