import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// Requests from sales to marketing in the API: make one, list and read them, move them (accept, decline,
/// ask_info, provide_info, appeal, decide_appeal, deliver, withdraw), and the turnaround figures.
struct RequestsController: RouteCollection {
    struct DTO: Content {
        var id: UUID
        var kind: String
        var title: String
        var details: String
        var expectedPipeline: Money?
        var accountIds: [UUID]
        var wantedBy: String
        var state: String
        var requesterId: UUID?
        var requester: String
        var submittedAt: Date
        /// When marketing must answer by (while submitted; paused while it waits for information).
        var respondBy: Date
        var clockPaused: Bool
        var overdue: Bool
        var question: String?
        var answer: String?
        var ownerId: UUID?
        var deliveryDate: String?
        var decidedAt: Date?
        var decidedBy: String?
        var declineReason: String?
        var alternative: String?
        var appealReason: String?
        var appealDecision: String?
        var appealDecidedBy: String?
        var closedAt: Date?
    }

    static let ownership = Ownership.owner(column: "requester_id")

    static var schema: JSONSchema {
        let text = JSONSchema.string(required: false, nullable: true)
        let time = JSONSchema.string(format: .dateTime, required: false, nullable: true)
        return .object(properties: [
            "id": APISchemas.uuid(), "kind": APISchemas.choice(RequestKind.self), "title": .string, "details": .string,
            "expectedPipeline": APISchemas.money.optionalSchemaObject().nullableSchemaObject(),
            "accountIds": .array(items: APISchemas.uuid()), "wantedBy": .string(format: .date),
            "state": APISchemas.choice(RequestState.self), "requesterId": APISchemas.uuid(required: false, nullable: true),
            "requester": .string, "submittedAt": .string(format: .dateTime), "respondBy": .string(format: .dateTime),
            "clockPaused": .boolean, "overdue": .boolean, "question": text, "answer": text,
            "ownerId": APISchemas.uuid(required: false, nullable: true), "deliveryDate": text, "decidedAt": time,
            "decidedBy": text, "declineReason": text, "alternative": text, "appealReason": text,
            "appealDecision": APISchemas.choice(AppealDecision.self, required: false, nullable: true),
            "appealDecidedBy": text, "closedAt": time,
        ])
    }

    static var createSchema: JSONSchema {
        .object(properties: [
            "kind": APISchemas.choice(RequestKind.self), "title": .string(minLength: 3, maxLength: 200),
            "details": .string(description: "What is needed and why", minLength: 10, maxLength: 5_000),
            "expectedPipeline": APISchemas.money.optionalSchemaObject().nullableSchemaObject(),
            "accountIds": .array(required: false, nullable: true, maxItems: 100, items: APISchemas.uuid()),
            "wantedBy": .string(format: .date, description: "Today or later"),
        ], additionalProperties: .init(false))
    }

    static var moveSchema: JSONSchema {
        let text = JSONSchema.string(required: false, minLength: 3, maxLength: 2_000)
        return .object(description: """
            The move and what it carries: accept {ownerId, deliveryDate, note?}; decline {reason, alternative?}; \
            ask_info {question}; provide_info {answer}; appeal {reason}; decide_appeal {decision, reason}; \
            deliver {note?}; withdraw {reason?}
            """, properties: [
                "move": APISchemas.choice(RequestMoveName.self), "ownerId": APISchemas.uuid(required: false),
                "deliveryDate": .string(format: .date, required: false), "note": text, "reason": text,
                "alternative": text, "question": text, "answer": text,
                "decision": APISchemas.choice(AppealDecision.self, required: false),
            ], additionalProperties: .init(false))
    }

    static let filters: [ListFilter<RequestModel>] = [
        .choice("state", column: "state", RequestState.self, "Only requests in this state"),
        .choice("kind", column: "kind", RequestKind.self, "Only requests of this kind"),
    ]

    func boot(routes: any RoutesBuilder) throws {
        let requests = routes.grouped("api", "v1", "requests")
        requests.on(.POST, body: .collect(maxSize: "64kb"), use: Self.create).requires(.create, .requests).openAPI(.init(
            tags: ["requests"], summary: "Ask marketing for an event, a campaign, collateral or a target list",
            description: "Sales makes a request; marketing must answer within the requester's team's response time "
                + "(the SLA policy's requestResponseHours, two business days by default).",
            operationId: "createRequest", requestBody: APISchemas.body(Self.createSchema),
            responses: [201: APISchemas.json("The request", Self.schema),
                        403: APISchemas.problem("Only sales makes requests"),
                        422: APISchemas.problem("A field is missing or wrong, the wanted-by day is past, or an account "
                            + "does not exist")]))
        requests.get(use: Self.list).requires(.read, .requests).openAPI(.init(
            tags: ["requests"], summary: "Requests the caller may see, newest first", operationId: "listRequests",
            parameters: APISchemas.pagingParameters + ListFilter.parameters(Self.filters),
            responses: [200: APISchemas.json("A page of requests", APISchemas.list(of: Self.schema))]))
        requests.get(":requestId", use: Self.read).requires(.read, .requests).openAPI(.init(
            tags: ["requests"], summary: "One request", operationId: "getRequest",
            responses: [200: APISchemas.json("The request", Self.schema), 404: APISchemas.problem("No such request")]))
        requests.on(.POST, ":requestId", "moves", body: .collect(maxSize: "64kb"), use: Self.move)
            .requires(.read, .requests).openAPI(.init(
                tags: ["requests"], summary: "Answer, inform, appeal, deliver or withdraw a request",
                description: "Marketing accepts (with an owner and a delivery date), declines (with a reason, and "
                    + "perhaps an alternative) or asks for information (which pauses the response clock); the "
                    + "requester provides it, appeals a decline once, or withdraws; a sales manager of the "
                    + "requester's team or a marketing manager decides an appeal; marketing delivers accepted work.",
                operationId: "moveRequest", requestBody: APISchemas.body(Self.moveSchema),
                responses: [200: APISchemas.json("The request after the move", Self.schema),
                            403: APISchemas.problem("The caller's role may not make this move"),
                            404: APISchemas.problem("No such request"),
                            409: APISchemas.problem("The move cannot be made in the request's state"),
                            422: APISchemas.problem("A field is missing or wrong (a decline needs a reason)")]))
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .requests)
        let input = try RequestInput.read(try request.jsonBody(), today: CalendarDate.startOfDay(Date()))
        return try await dto(try await submit(input, request: request), now: Date()).encodeResponse(status: .created, for: request)
    }

    /// Makes the request as the caller; the board's form calls it too.
    static func submit(_ input: RequestInput, request: Request) async throws -> RequestModel {
        let principal = try request.principal()
        return try await request.db.writeTransaction { database in
            guard let requester = try await UserModel.find(principal.userID, on: database) else {
                throw AccordError.unauthenticated("Your account no longer exists.")
            }
            return try await Requests.submit(input, requester: requester, by: request.auditActor, requestID: request.id,
                                             at: Date(), on: database)
        }
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let builder = RequestModel.query(on: request.db).scoped(try request.authorize(.read, .requests), by: ownership)
        let page = try request.listPage(filters: filters, on: builder, entity: "requests")
        let result = try await builder.page(page)
        let now = Date()
        return ListDTO(items: result.items.map { dto($0, now: now) }, nextCursor: result.nextCursor)
    }

    @Sendable static func read(_ request: Request) async throws -> DTO {
        dto(try await find(request, within: try request.authorize(.read, .requests), on: request.db), now: Date())
    }

    @Sendable static func move(_ request: Request) async throws -> DTO {
        let move = try RequestMove.read(try request.jsonBody(), today: CalendarDate.startOfDay(Date()))
        return try await apply(move, request: request)
    }

    /// Makes the move on the request in the path as the caller; the request page's forms call it too.
    static func apply(_ move: RequestMove, request: Request) async throws -> DTO {
        let visible = try request.authorize(.read, .requests)
        let allowed = try request.authorize(.move(move.name.rawValue), .requests)
        return try await request.db.writeTransaction { database in
            let row = try await find(request, within: visible, on: database)
            guard try await RequestModel.query(on: database).filter(\.$id == row.id!).scoped(allowed, by: ownership)
                .first() != nil else {
                throw AccordError.forbidden("You may see this request but not \(move.name.rawValue.replacingOccurrences(of: "_", with: " ")) it.")
            }
            try await Requests.apply(move, to: row, by: request.auditActor, requestID: request.id, at: Date(), on: database)
            return dto(row, now: Date())
        }
    }

    static func find(_ request: Request, within scope: RowScope, on database: any Database) async throws -> RequestModel {
        let raw = request.parameters.get("requestId") ?? ""
        guard let id = UUID(uuidString: raw),
              let row = try await RequestModel.query(on: database).filter(\.$id == id).scoped(scope, by: ownership).first()
        else { throw AccordError.notFound(entity: "request", id: raw) }
        return row
    }

    static func dto(_ row: RequestModel, now: Date) -> DTO {
        DTO(id: row.id!, kind: row.kind, title: row.title, details: row.details, expectedPipeline: row.expectedPipeline,
            accountIds: row.accountIDs, wantedBy: CalendarDate.format(row.wantedBy), state: row.state,
            requesterId: row.$requester.id, requester: row.requesterLabel, submittedAt: row.submittedAt,
            respondBy: row.respondBy, clockPaused: row.status.state == .needsInfo,
            overdue: RequestRules.isOverdue(row.status, at: now), question: row.question, answer: row.answer,
            ownerId: row.ownerID, deliveryDate: row.deliveryDate.map(CalendarDate.format), decidedAt: row.decidedAt,
            decidedBy: row.decidedByLabel, declineReason: row.declineReason, alternative: row.alternative,
            appealReason: row.appealReason, appealDecision: row.appealDecision, appealDecidedBy: row.appealDecidedByLabel,
            closedAt: row.closedAt)
    }
}
