import AccordCore
import AccordStore
import Crypto
import Foundation
import Vapor

/// `Idempotency-Key` on every API `POST` (DESIGN.md): scoped to the client (the user a token or session acts for;
/// public form posts share one scope per form), the request's fingerprint is its method, path and body. The same key
/// with the same request replays the stored response (`201` replays as `200`, with `Idempotent-Replayed: true`);
/// with another request → 422; while the first still runs → 409. Only successful responses are kept (24 hours): a
/// failed request gives its key back so the client can retry.
struct IdempotencyMiddleware: AsyncMiddleware {
    static let header = "Idempotency-Key"
    static let maximumBody = 16 * 1024 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST, request.url.path.hasPrefix("/api/"),
              let key = request.headers.first(name: Self.header) else {
            return try await next.respond(to: request)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw AccordError.validation([FieldError(field: Self.header, problem: "must be 1 to 255 visible ASCII characters")])
        }
        let scope = request.optionalPrincipal.map { "user:\($0.userID.uuidString)" } ?? "public:" + request.url.path
        let body = try await request.body.collect(upTo: Self.maximumBody)
        var hasher = SHA256()
        hasher.update(data: Data("POST \(request.url.path)?\(request.url.query ?? "")\n".utf8))
        hasher.update(data: Data(buffer: body))
        let fingerprint = Hex.string(hasher.finalize())
        switch try await IdempotencyKeys.claim(scope: scope, key: key, fingerprint: fingerprint, on: request.db) {
        case let .replay(stored):
            let response = Response(status: HTTPResponseStatus(statusCode: stored.status == 201 ? 200 : stored.status),
                                    body: .init(string: stored.body))
            if let type = stored.contentType { response.headers.replaceOrAdd(name: .contentType, value: type) }
            if let location = stored.location { response.headers.replaceOrAdd(name: .location, value: location) }
            response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
            return response
        case .mismatch:
            throw AccordError.validation([FieldError(field: Self.header,
                                                     problem: "was used with a different request; send a new key for a new request")])
        case .inProgress:
            throw AccordError.conflict("A request with this Idempotency-Key is still running; retry when it has finished.")
        case let .proceed(owner):
            let response: Response
            do {
                response = try await next.respond(to: request)
            } catch {
                try? await IdempotencyKeys.release(scope: scope, key: key, owner: owner, on: request.db)
                throw error
            }
            if (200..<300).contains(response.status.code) || response.status == .seeOther,
               let buffer = response.body.buffer ?? (response.body.count == 0 ? ByteBuffer() : nil) {
                try await IdempotencyKeys.finish(scope: scope, key: key, owner: owner, response: .init(
                    status: Int(response.status.code), contentType: response.headers.first(name: .contentType),
                    location: response.headers.first(name: .location), body: String(buffer: buffer)), on: request.db)
            } else {
                try await IdempotencyKeys.release(scope: scope, key: key, owner: owner, on: request.db)
            }
            return response
        }
    }
}
