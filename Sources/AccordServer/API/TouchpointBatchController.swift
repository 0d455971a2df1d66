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
                    is listed by path ("[17].occurredAt"). An element with an eventId that was stored before is \
                    not stored again (it counts as a duplicate). An unknown email creates the person, matched to \
                    an account by email domain (free-mail domains excepted).
                    """,
                operationId: "ingestTouchpoints",
                requestBody: APISchemas.body(.array(maxItems: Self.maximumItems, items: TouchpointsResource.createSchema)),
                responses: [
                    201: APISchemas.json("Stored", ResultDTO.schema),
                    200: APISchemas.json("Nothing new: every element was a duplicate", ResultDTO.schema),
                    400: APISchemas.problem("The body is not a JSON array"),
                    413: APISchemas.problem("More than 10,000 elements"),
                    422: APISchemas.problem("Elements are invalid; every problem is listed by path"),
                ]))
    }

    @Sendable static func ingest(_ request: Request) async throws -> Response {
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

extension TouchpointBatchController.ResultDTO {
    static var schema: JSONSchema {
        .object(properties: ["created": .integer, "duplicates": .integer, "suppressed": .integer,
                             "ids": .array(items: APISchemas.uuid(nullable: true))])
    }
}
