import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

extension Request {
    /// The body as a JSON tree: 400 when it is not JSON at all; the field checks happen afterwards.
    func jsonBody() throws -> JSONValue {
        let buffer = try jsonBytes()
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw AccordError.malformed("the body is not valid JSON")
        }
    }

    /// The same, with the top-level member `member` left as its strings' ranges in the returned bytes when it is an
    /// array of plain strings (see `JSONParser.parse(_:spanning:)`).
    func jsonBody(spanning member: String) throws -> (JSONParser.Spanned, bytes: [UInt8]) {
        let bytes = Array(try jsonBytes().readableBytesView)
        do {
            return (try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: member) }, bytes)
        } catch {
            throw AccordError.malformed("the body is not valid JSON")
        }
    }

    /// The body, if there is one and it is said to be JSON.
    private func jsonBytes() throws -> ByteBuffer {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw AccordError.malformed("the body is empty; send a JSON object")
        }
        if let type = headers.contentType, type != .json, !(type.type == "application" && type.subType.hasSuffix("json")) {
            throw Abort(.unsupportedMediaType, reason: "Send JSON with Content-Type: application/json.")
        }
        return buffer
    }

    /// Who is making the request, for the audit trail.
    var auditActor: AuditActor {
        guard let principal = optionalPrincipal else { return AuditActor(userID: nil, label: "anonymous") }
        return AuditActor(userID: principal.userID,
                          label: principal.email + (principal.scopes == nil ? "" : " (API token)"))
    }
}

extension Request {
    /// The record whose id is the path parameter `parameter`, or a 404 naming `entity` (also for a malformed id).
    func record<M: FluentKit.Model>(_ type: M.Type, parameter: String, entity: String, on database: (any Database)? = nil)
        async throws -> M where M.IDValue == UUID {
        let raw = parameters.get(parameter) ?? ""
        guard let id = UUID(uuidString: raw), let model = try await M.find(id, on: database ?? db) else {
            throw AccordError.notFound(entity: entity, id: raw)
        }
        return model
    }
}

extension Request {
    /// A `?name=` date (2026-03-01) or ISO 8601 time; empty or absent is nil; anything else is a problem named `name`.
    func queryDay(_ name: String, into report: inout ValidationReport) -> Date? {
        guard let text = query[String.self, at: name], !text.isEmpty else { return nil }
        guard let date = ISOTimestamp.parse(text) ?? ISOTimestamp.parse(text + "T00:00:00Z") else {
            report.add(name, "'\(text)' is not a date (2026-03-01) or an ISO 8601 time")
            return nil
        }
        return date
    }
}
