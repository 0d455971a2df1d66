import AccordCore
import Foundation
import NIOCore
import NIOPosix

/// Where email goes.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, from: String, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.from = from
        self.username = username
        self.password = password
    }
}

/// A small SMTP client (RFC 5321: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) over SwiftNIO. Written here because
/// the package mirror has no SMTP library; it sends plain-text mail to a relay on a trusted network (no
/// STARTTLS: put a local relay such as Postfix in front of an external provider).
enum SMTPMailer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one plain-text message.
    static func send(to recipient: String, subject: String, body: String, settings: SMTPSettings,
                     group: any EventLoopGroup, now: Date = Date()) async throws {
        let channel = try await ClientBootstrap(group: group).connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var buffered = ""
            /// One reply: lines until one whose fourth character is a space (`250 OK` after `250-…` lines).
            func reply() async throws -> Int {
                while true {
                    while let end = buffered.range(of: "\r\n") {
                        let line = String(buffered[..<end.lowerBound])
                        buffered.removeSubrange(..<end.upperBound)
                        if line.count >= 4, line[line.index(line.startIndex, offsetBy: 3)] == " " || line.count == 3 {
                            return Int(line.prefix(3)) ?? 0
                        }
                    }
                    guard var chunk = try await iterator.next() else { throw Failure(description: "the server closed the connection") }
                    buffered += chunk.readString(length: chunk.readableBytes) ?? ""
                }
            }
            func command(_ line: String, expecting codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                let code = try await reply()
                guard codes.contains(code) else {
                    throw Failure(description: "\(line.hasPrefix("AUTH") ? "AUTH" : line) answered \(code)")
                }
            }
            guard try await reply() == 220 else { throw Failure(description: "no SMTP greeting") }
            try await command("EHLO accord", expecting: [250])
            if let username = settings.username, let password = settings.password {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expecting: [235])
            }
            try await command("MAIL FROM:<\(settings.from)>", expecting: [250])
            try await command("RCPT TO:<\(recipient)>", expecting: [250, 251])
            try await command("DATA", expecting: [354])
            try await command(message(to: recipient, subject: subject, body: body, from: settings.from, now: now) + "\r\n.",
                              expecting: [250])
            try? await command("QUIT", expecting: [221])
        }
    }

    /// The message: headers, then the body in base64 (safe for any text and any server).
    static func message(to recipient: String, subject: String, body: String, from: String, now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let encodedSubject = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let base64 = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                    .endLineWithLineFeed])
        return [
            "From: Accord <\(from)>", "To: <\(recipient)>", "Subject: \(encodedSubject)",
            "Date: \(formatter.string(from: now))",
            "Message-ID: <\(UUID().uuidString.lowercased())@accord>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64,
        ].joined(separator: "\r\n")
    }
}
