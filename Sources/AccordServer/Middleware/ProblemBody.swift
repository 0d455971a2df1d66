import AccordCore
import Vapor

/// The one error shape of the API: `{"error": {"code", "message", "fields": [{"field", "problem"}]}}`.
struct ProblemBody: Content, Equatable {
    struct Detail: Codable, Equatable {
        var code: String
        var message: String
        var fields: [FieldError]
    }

    var error: Detail

    init(code: String, message: String, fields: [FieldError] = []) {
        error = Detail(code: code, message: message, fields: fields)
    }
}

/// How any thrown error becomes a status, a code and a message that never leaks internals.
struct Problem {
    var status: HTTPResponseStatus
    var body: ProblemBody
    var headers: HTTPHeaders = [:]

    init(_ error: any Error) {
        switch error {
        case let error as AccordError:
            status = Self.status(of: error)
            body = ProblemBody(code: error.code, message: error.message, fields: error.fields)
            if case let .rateLimited(seconds) = error { headers.add(name: .retryAfter, value: "\(seconds)") }
        case let error as DecodingError:
            (status, body) = Self.decodingProblem(error)
        case let error as any AbortError:
            status = error.status
            body = ProblemBody(code: Self.code(of: error.status), message: Self.message(of: error))
            headers = error.headers
        default:
            status = .internalServerError
            body = ProblemBody(code: "internal_error", message: "Something went wrong on our side; it has been logged.")
        }
    }

    static func status(of error: AccordError) -> HTTPResponseStatus {
        switch error {
        case .notFound: .notFound
        case .validation: .unprocessableEntity
        case .malformed: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .conflict, .invalidTransition: .conflict
        case .payloadTooLarge: .payloadTooLarge
        case .rateLimited: .tooManyRequests
        }
    }

    static func code(of status: HTTPResponseStatus) -> String {
        switch status {
        case .notFound: "not_found"
        case .unauthorized: "unauthenticated"
        case .forbidden: "forbidden"
        case .conflict: "conflict"
        case .unprocessableEntity: "validation_failed"
        case .payloadTooLarge: "payload_too_large"
        case .tooManyRequests: "rate_limited"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedMediaType: "unsupported_media_type"
        default: status.code >= 500 ? "internal_error" : "malformed_request"
        }
    }

    private static func message(of error: any AbortError) -> String {
        if error.status == .notFound { return "There is nothing at this address." }
        if error.status.code >= 500 { return "Something went wrong on our side; it has been logged." }
        return error.reason
    }

    /// A body that is not JSON is malformed (400); JSON with a missing or mistyped field is invalid (422),
    /// named by its path.
    private static func decodingProblem(_ error: DecodingError) -> (HTTPResponseStatus, ProblemBody) {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (key.map { [$0] } ?? []) {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "body" : text
        }
        let field: FieldError
        switch error {
        case let .keyNotFound(key, context):
            field = FieldError(field: path(context.codingPath, key), problem: "is required")
        case let .valueNotFound(_, context):
            field = FieldError(field: path(context.codingPath), problem: "must not be null")
        case let .typeMismatch(type, context):
            field = FieldError(field: path(context.codingPath), problem: "must be \(describe(type))")
        case let .dataCorrupted(context) where !context.codingPath.isEmpty:
            field = FieldError(field: path(context.codingPath), problem: context.debugDescription)
        default:
            return (.badRequest, ProblemBody(code: "malformed_request", message: "The body is not valid JSON."))
        }
        return (.unprocessableEntity, ProblemBody(code: "validation_failed", message: "1 field is invalid.", fields: [field]))
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "of type \(type)"
        }
    }
}
