/// One problem with one field of a request, named by its path (`email`, `[17].occurredAt`, `line 18: kind`).
public struct FieldError: Error, Sendable, Hashable, Codable {
    /// The path of the field, as the caller sent it.
    public var field: String
    /// What is wrong with it, in words a person can act on.
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// Every error the domain reports. The server maps each case once to an HTTP status and a problem body.
public enum AccordError: Error, Sendable, Equatable {
    /// The object does not exist, or lies outside the caller's scope.
    case notFound(entity: String, id: String)
    /// The request is well-formed but breaks rules; every problem is listed.
    case validation([FieldError])
    /// The request could not be parsed at all.
    case malformed(String)
    /// Nobody is signed in, or the credentials are not valid.
    case unauthenticated(String)
    /// The caller may see the object but not do this.
    case forbidden(String)
    /// The change conflicts with the current state (a duplicate, a concurrent change).
    case conflict(String)
    /// A lead cannot move between these stages.
    case invalidTransition(from: String, to: String, reason: String)
    /// The request body is larger than the route accepts.
    case payloadTooLarge(String)
    /// The caller sent too many requests; retry after the given number of seconds.
    case rateLimited(retryAfterSeconds: Int)

    /// A stable machine-readable code, shared by the API, the CLI and the docs.
    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .validation: "validation_failed"
        case .malformed: "malformed_request"
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .conflict: "conflict"
        case .invalidTransition: "invalid_transition"
        case .payloadTooLarge: "payload_too_large"
        case .rateLimited: "rate_limited"
        }
    }

    /// A sentence for people; never contains internals.
    public var message: String {
        switch self {
        case let .notFound(entity, id): "No \(entity) with id \(id)."
        case let .validation(fields):
            fields.count == 1 ? "1 field is invalid." : "\(fields.count) fields are invalid."
        case let .malformed(detail): "The request could not be read: \(detail)"
        case let .unauthenticated(detail): detail
        case let .forbidden(detail): detail
        case let .conflict(detail): detail
        case let .invalidTransition(from, to, reason): "A lead cannot move from \(from) to \(to): \(reason)"
        case let .payloadTooLarge(detail): detail
        case let .rateLimited(seconds): "Too many requests; try again in \(seconds) s."
        }
    }

    /// The field problems of a validation error; empty for other cases.
    public var fields: [FieldError] {
        if case let .validation(fields) = self { return fields }
        return []
    }
}

extension AccordError: CustomStringConvertible {
    public var description: String {
        let details = fields.map { "\($0.field): \($0.problem)" }
        return details.isEmpty ? message : message + " " + details.joined(separator: "; ")
    }
}
