import AccordCore
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Errors become the right status and problem body.
@Suite struct ProblemTests {
    @Test("domain errors map to their statuses and codes", arguments: [
        (AccordError.notFound(entity: "lead", id: "x"), 404, "not_found"),
        (.validation([FieldError(field: "email", problem: "is required")]), 422, "validation_failed"),
        (.malformed("bad"), 400, "malformed_request"),
        (.unauthenticated("sign in"), 401, "unauthenticated"),
        (.forbidden("no"), 403, "forbidden"),
        (.conflict("dup"), 409, "conflict"),
        (.invalidTransition(from: "sal", to: "rejected", reason: "r"), 409, "invalid_transition"),
        (.payloadTooLarge("big"), 413, "payload_too_large"),
        (.rateLimited(retryAfterSeconds: 30), 429, "rate_limited"),
    ])
    func domainErrors(error: AccordError, status: Int, code: String) {
        let problem = Problem(error)
        #expect(Int(problem.status.code) == status)
        #expect(problem.body.error.code == code)
    }

    @Test("a validation error lists every field")
    func validationListsFields() {
        let problem = Problem(AccordError.validation([
            FieldError(field: "email", problem: "must look like name@example.com"),
            FieldError(field: "cost.amountMinor", problem: "must not be negative"),
        ]))
        #expect(problem.body.error.fields.map(\.field) == ["email", "cost.amountMinor"])
        #expect(problem.body.error.message == "2 fields are invalid.")
    }

    @Test("a missing or mistyped JSON field is a 422 naming the field; broken JSON is a 400")
    func decodingErrors() throws {
        struct Body: Decodable { var items: [Item] }
        struct Item: Decodable { var kind: String; var count: Int }
        func problem(_ json: String) -> Problem {
            do {
                _ = try JSONCoding.decoder.decode(Body.self, from: Data(json.utf8))
                return Problem(AccordError.malformed("decoded"))
            } catch {
                return Problem(error)
            }
        }
        let missing = problem(#"{"items": [{"kind": "a", "count": 1}, {"count": 2}]}"#)
        #expect(missing.status == .unprocessableEntity)
        #expect(missing.body.error.fields == [FieldError(field: "items[1].kind", problem: "is required")])
        let mistyped = problem(#"{"items": [{"kind": "a", "count": "many"}]}"#)
        #expect(mistyped.body.error.fields == [FieldError(field: "items[0].count", problem: "must be an integer")])
        let broken = problem(#"{"items": [}"#)
        #expect(broken.status == .badRequest)
        #expect(broken.body.error.code == "malformed_request")
    }

    @Test("an unexpected error is a 500 that reveals nothing")
    func internalErrors() {
        struct Secret: Error { var password = "hunter2" }
        let problem = Problem(Secret())
        #expect(problem.status == .internalServerError)
        #expect(!problem.body.error.message.contains("hunter2"))
        #expect(!problem.body.error.message.contains("Secret"))
    }
}
