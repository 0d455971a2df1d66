import AccordCore
import AccordStore
import Foundation
import OpenAPIKit30
import Vapor

/// `POST /api/v1/touchpoints:batch`: up to 10,000 touchpoints in one JSON array, all or nothing.
struct TouchpointBatchController: RouteCollection {
    static let maximumItems = 10_000

    struct ResultDTO: Content {
        var created: Int
        var duplicates: Int
        /// Items for a suppressed address or domain: not stored.
        var suppressed: Int
        /// The touchpoint id of every item, in order (the stored one for a duplicate event id; null when suppressed).
        var ids: [UUID?]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1").on(.POST, "touchpoints:batch", body: .collect(maxSize: "16mb"), use: Self.ingest)
            .requires(.create, .touchpoints).openAPI(.init(
                tags: ["touchpoints"], summary: "Store up to 10,000 touchpoints at once",
                description: """
                    A JSON array, all or nothing: when any element is invalid nothing is written and every problem \
                    is listed by path ("[17].occurredAt"). Or NDJSON (Content-Type: application/x-ndjson), one \
                    touchpoint per line, for event and webinar platforms (a token with the ingest scope may send \
                    it): bad lines are listed by line ("line 18: occurredAt") and the rest are written. An element \
                    with an eventId that was stored before is not stored again (it counts as a duplicate). An \
                    unknown email creates the person, matched to an account by email domain (free-mail domains \
                    excepted); a suppressed address stores nothing.
                    """,
                operationId: "ingestTouchpoints",
                requestBody: .b(OpenAPI.Request(content: [
                    .json: .init(schema: .array(maxItems: Self.maximumItems, items: TouchpointsResource.createSchema)),
                    OpenAPI.ContentType(rawValue: "application/x-ndjson")!: .init(schema: .string(
                        description: "One touchpoint object (as in the JSON array) per line")),
                ], required: true)),
                responses: [
                    201: APISchemas.json("Stored (for NDJSON: the lines written, and every bad line's problems)",
                                         .one(of: [ResultDTO.schema, LinesResultDTO.schema])),
                    200: APISchemas.json("Nothing new: every element was a duplicate",
                                         .one(of: [ResultDTO.schema, LinesResultDTO.schema])),
                    400: APISchemas.problem("The body is not a JSON array"),
                    413: APISchemas.problem("More than 10,000 elements"),
                    422: APISchemas.problem("Elements are invalid; every problem is listed by path"),
                ]))
    }

    /// NDJSON media types (one JSON object per line).
    static func isNDJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type, type.type == "application" else { return false }
        return ["x-ndjson", "ndjson", "jsonl", "x-jsonlines", "jsonlines"].contains(type.subType)
    }

    @Sendable static func ingest(_ request: Request) async throws -> Response {
        if isNDJSON(request.headers.contentType) { return try await ingestLines(request) }
        guard case let .array(elements) = try request.jsonBody() else {
            throw AccordError.malformed("the body must be a JSON array of touchpoints")
        }
        guard elements.count <= maximumItems else {
            throw AccordError.payloadTooLarge("A batch holds at most \(maximumItems) touchpoints; this one has \(elements.count).")
        }
        guard !elements.isEmpty else {
            throw AccordError.validation([FieldError(field: "body", problem: "must hold at least one touchpoint")])
        }
        let now = Date()
        var report = ValidationReport()
        var items: [TouchpointIngestion.Item] = []
        items.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let (input, problems) = TouchpointInput.read(element, prefix: "[\(index)]", now: now)
            report.merge(problems, prefix: "")
            if let input { items.append(.init(path: "[\(index)]", input: input)) }
        }
        try report.throwIfInvalid()
        let result = try await TouchpointIngestion.ingest(items, now: now, on: request.db)
        let body = ResultDTO(created: result.created, duplicates: result.duplicates, suppressed: result.suppressed,
                             ids: result.ids)
        return try await body.encodeResponse(status: result.created > 0 ? .created : .ok, for: request)
    }
}

extension TouchpointBatchController {
    /// One touchpoint per line: bad lines are reported by line number ("line 18: occurredAt") and the rest written.
    static func ingestLines(_ request: Request) async throws -> Response {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw AccordError.malformed("the body is empty; send one JSON touchpoint per line")
        }
        let now = Date()
        var report = ValidationReport()
        var items: [TouchpointIngestion.Item] = []
        var lineOfItem: [Int] = []
        var lines = 0
        for (index, raw) in Data(buffer: buffer).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }  // blank lines (and the final newline)
            lines += 1
            guard lines <= maximumItems else {
                throw AccordError.payloadTooLarge("A batch holds at most \(maximumItems) touchpoints; this one has more.")
            }
            let prefix = "line \(index + 1): "
            guard let element = try? JSONValue.parse(line) else {
                report.add("line \(index + 1)", "is not a JSON object")
                continue
            }
            let (input, problems) = TouchpointInput.read(element, prefix: prefix, now: now)
            report.merge(problems, prefix: "")
            if let input, problems.problems.isEmpty {
                items.append(.init(path: prefix, input: input))
                lineOfItem.append(index + 1)
            }
        }
        guard !items.isEmpty else {
            if report.problems.isEmpty { throw AccordError.validation([FieldError(field: "body", problem: "must hold at least one touchpoint")]) }
            throw AccordError.validation(report.problems)
        }
        let result = try await TouchpointIngestion.ingest(items, now: now, on: request.db)
        let body = LinesResultDTO(created: result.created, duplicates: result.duplicates, suppressed: result.suppressed,
                                  rejected: lines - items.count, ids: zip(lineOfItem, result.ids).map { LinesResultDTO.Line(line: $0, id: $1) },
                                  errors: report.problems)
        return try await body.encodeResponse(status: result.created > 0 ? .created : .ok, for: request)
    }

    struct LinesResultDTO: Content {
        struct Line: Content {
            var line: Int
            var id: UUID?
        }

        var created: Int
        var duplicates: Int
        var suppressed: Int
        /// Lines not written: each problem is in `errors`.
        var rejected: Int
        /// The touchpoint of every line written, by line number.
        var ids: [Line]
        var errors: [FieldError]
    }
}

extension TouchpointBatchController.LinesResultDTO {
    static var schema: JSONSchema {
        .object(properties: [
            "created": .integer, "duplicates": .integer, "suppressed": .integer, "rejected": .integer,
            "ids": .array(items: .object(properties: ["line": .integer, "id": APISchemas.uuid(required: false, nullable: true)])),
            "errors": .array(items: .object(properties: ["field": .string, "problem": .string])),
        ])
    }
}

extension TouchpointBatchController.ResultDTO {
    static var schema: JSONSchema {
        .object(properties: ["created": .integer, "duplicates": .integer, "suppressed": .integer,
                             "ids": .array(items: APISchemas.uuid(nullable: true))])
    }
}
