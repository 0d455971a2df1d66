import AccordCore
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// A response as the API tests read it.
struct APIResponse: Sendable {
    var status: HTTPStatus
    var json: JSONValue
    var headers: HTTPHeaders
    /// The body as text (CSV answers).
    var text = ""

    subscript(_ key: String) -> JSONValue? {
        if case let .object(fields) = json { return fields[key] }
        return nil
    }

    /// A string field of the body.
    func string(_ key: String) -> String? {
        if case let .string(text)? = self[key] { return text }
        return nil
    }

    /// The fields named in a problem body.
    var problemFields: [String] {
        guard case let .object(error)? = self["error"], case let .array(fields)? = error["fields"] else { return [] }
        return fields.compactMap { if case let .object(field) = $0, case let .string(name)? = field["field"] { name } else { nil } }
    }

    var errorCode: String? {
        guard case let .object(error)? = self["error"], case let .string(code)? = error["code"] else { return nil }
        return code
    }

    var items: [JSONValue] {
        if case let .array(items)? = self["items"] { return items }
        return []
    }
}

extension Application {
    /// Sends a request with an optional JSON body and decodes the answer.
    func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil, contentType: HTTPMediaType = .json,
              token: String? = "default", headers extra: HTTPHeaders = [:]) async throws -> APIResponse {
        var headers = extra
        if body != nil { headers.contentType = contentType }
        if let token = token == "default" ? defaultToken : token { headers.bearerAuthorization = .init(token: token) }
        let request = TestingHTTPRequest(method: method, url: URI(path: path), headers: headers,
                                         body: ByteBuffer(string: body ?? ""))
        let response = try await testing().performTest(request: request)
        let data = Data(buffer: response.body)
        let json = data.isEmpty ? JSONValue.null : (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null
        return APIResponse(status: response.status, json: json, headers: response.headers,
                           text: String(decoding: data, as: UTF8.self))
    }

    /// Creates a record and returns its id, failing the test when that does not work.
    func create(_ path: String, _ body: String) async throws -> String {
        let response = try await send(.POST, path, body)
        #expect(response.status == .created, "\(path): \(response.json)")
        return try #require(response.string("id"))
    }

    /// How many records a list returns (up to 500).
    func count(_ path: String) async throws -> Int {
        try await send(.GET, path + (path.contains("?") ? "&" : "?") + "limit=500").items.count
    }
}

extension JSONValue {
    /// A field of an object (nil for anything else).
    subscript(_ key: String) -> JSONValue? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }
}

extension APIResponse {
    /// The problem's message.
    var errorMessage: String? {
        guard case let .object(error)? = self["error"], case let .string(message)? = error["message"] else { return nil }
        return message
    }
}
