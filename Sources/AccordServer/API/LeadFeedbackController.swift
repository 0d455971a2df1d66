import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// The feedback loop in the API: objections heard on a lead, disputes of rejections and their decisions, and the
/// lead's whole story.
struct LeadFeedbackController: RouteCollection {
    typealias Leads = ResourceController<LeadsResource>

    struct ObjectionDTO: Content {
        var id: UUID
        var leadId: UUID
        var code: String
        var label: String
        var note: String?
        var recordedBy: String
        var recordedAt: Date
    }

    struct DisputeDTO: Content {
        var id: UUID
        var leadId: UUID
        var state: String
        var rejectionReason: String
        var reason: String
        var openedBy: String
        var openedAt: Date
        var dueAt: Date
        var repId: UUID?
        var managerId: UUID?
        var decisionReason: String?
        var decidedBy: String?
        var decidedAt: Date?
        var overdue: Bool
    }

    struct StoryDTO: Content {
        var leadId: UUID
        var items: [Item]

        struct Item: Content {
            var at: Date
            var kind: String
            var title: String
            var detail: String?
            var actor: String?
        }
    }

    static let objectionSchema: JSONSchema = .object(properties: [
        "id": APISchemas.uuid(), "leadId": APISchemas.uuid(), "code": .string, "label": .string,
        "note": .string(required: false, nullable: true), "recordedBy": .string, "recordedAt": .string(format: .dateTime),
    ])

    static let disputeSchema: JSONSchema = .object(properties: [
        "id": APISchemas.uuid(), "leadId": APISchemas.uuid(), "state": APISchemas.choice(DisputeState.self),
        "rejectionReason": .string, "reason": .string, "openedBy": .string, "openedAt": .string(format: .dateTime),
        "dueAt": .string(format: .dateTime), "repId": APISchemas.uuid(required: false, nullable: true),
        "managerId": APISchemas.uuid(required: false, nullable: true),
        "decisionReason": .string(required: false, nullable: true), "decidedBy": .string(required: false, nullable: true),
        "decidedAt": .string(format: .dateTime, required: false, nullable: true), "overdue": .boolean,
    ])

    func boot(routes: any RoutesBuilder) throws {
        let lead = routes.grouped("api", "v1", "leads", ":leadId")
        lead.on(.POST, "objections", body: .collect(maxSize: "16kb"), use: Self.addObjection)
            .requires(.move("record_objection"), .leads).openAPI(.init(
                tags: ["feedback"], summary: "Record an objection heard on a lead",
                description: "Any stage. The code comes from the objection list (/api/v1/feedback-codes?kind=objection); "
                    + "codes that need a note (other) need one.",
                operationId: "recordObjection",
                requestBody: APISchemas.body(.object(properties: [
                    "code": .string, "note": .string(required: false, nullable: true, maxLength: 2_000),
                ], additionalProperties: .init(false))),
                responses: [201: APISchemas.json("The objection", Self.objectionSchema),
                            403: APISchemas.problem("Not the caller's lead to work"),
                            404: APISchemas.problem("No such lead"),
                            422: APISchemas.problem("Unknown code or missing note")]))
        lead.get("objections", use: Self.objections).requires(.read, .leads).openAPI(.init(
            tags: ["feedback"], summary: "Objections heard on a lead", operationId: "listObjections",
            responses: [200: APISchemas.json("The objections, oldest first", APISchemas.list(of: Self.objectionSchema)),
                        404: APISchemas.problem("No such lead")]))
        lead.on(.POST, "disputes", body: .collect(maxSize: "16kb"), use: Self.openDispute)
            .requires(.move("dispute"), .leads).openAPI(.init(
                tags: ["feedback"], summary: "Dispute a rejection",
                description: "Marketing disputes a rejected lead with a reason; the rep's sales manager decides before "
                    + "the due time (the team's SLA policy, disputeResponseHours, in business hours). One open dispute "
                    + "per lead, one per rejection.",
                operationId: "openDispute",
                requestBody: APISchemas.body(.object(properties: ["reason": .string(minLength: 3, maxLength: 2_000)],
                                                     additionalProperties: .init(false))),
                responses: [201: APISchemas.json("The dispute", Self.disputeSchema),
                            403: APISchemas.problem("Only marketing disputes rejections"),
                            404: APISchemas.problem("No such lead"),
                            409: APISchemas.problem("The lead is not rejected, or its rejection is already disputed"),
                            422: APISchemas.problem("The reason is missing")]))
        lead.get("disputes", use: Self.leadDisputes).requires(.read, .leads).openAPI(.init(
            tags: ["feedback"], summary: "Disputes of a lead's rejections", operationId: "listLeadDisputes",
            responses: [200: APISchemas.json("The disputes, oldest first", APISchemas.list(of: Self.disputeSchema)),
                        404: APISchemas.problem("No such lead")]))
        lead.get("story", use: Self.story).requires(.read, .leads).openAPI(.init(
            tags: ["feedback"], summary: "A lead's whole story",
            description: "Every touchpoint, score change (with the rules that fired, replayed under the lead's "
                + "definition version), routing decision, SLA step, notification, feedback, objection, dispute and "
                + "stage change, in time order, with who and why.",
            operationId: "leadStory",
            responses: [200: APISchemas.json("The story", .object(properties: [
                "leadId": APISchemas.uuid(), "items": .array(items: .object(properties: [
                    "at": .string(format: .dateTime), "kind": APISchemas.choice(StoryKind.self), "title": .string,
                    "detail": .string(required: false, nullable: true), "actor": .string(required: false, nullable: true),
                ])),
            ])), 404: APISchemas.problem("No such lead")]))

        let disputes = routes.grouped("api", "v1", "disputes")
        disputes.get(use: Self.listDisputes).requires(.read, .leads).openAPI(.init(
            tags: ["feedback"], summary: "Disputes of leads the caller may see, oldest first",
            operationId: "listDisputes",
            parameters: ListFilter.parameters(Self.disputeFilters),
            responses: [200: APISchemas.json("A page of disputes", APISchemas.list(of: Self.disputeSchema)),
                        422: APISchemas.problem("A filter, limit or cursor is invalid")]))
        disputes.on(.POST, ":disputeId", "decision", body: .collect(maxSize: "16kb"), use: Self.decide)
            .requires(.move("decide_dispute"), .leads).openAPI(.init(
                tags: ["feedback"], summary: "Uphold or overturn a dispute",
                description: "The rep's sales manager (or an admin) decides, always with a reason. Overturning puts the "
                    + "lead back in the rep's queue as an MQL with a fresh response time.",
                operationId: "decideDispute",
                requestBody: APISchemas.body(.object(properties: [
                    "decision": APISchemas.choice(DisputeDecision.self), "reason": .string(minLength: 3, maxLength: 2_000),
                ], additionalProperties: .init(false))),
                responses: [200: APISchemas.json("The decided dispute", Self.disputeSchema),
                            403: APISchemas.problem("Only the rep's sales manager or an admin decides"),
                            404: APISchemas.problem("No such dispute"),
                            409: APISchemas.problem("The dispute was decided already"),
                            422: APISchemas.problem("The decision or reason is missing")]))
    }

    // MARK: Objections

    @Sendable static func addObjection(_ request: Request) async throws -> Response {
        let body = try request.jsonBody()
        return try await recordObjection(body, request: request).encodeResponse(status: .created, for: request)
    }

    /// Records an objection on the lead in the path as the caller; the lead page's form calls it too.
    static func recordObjection(_ body: JSONValue, request: Request) async throws -> ObjectionDTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = try request.authorize(.move("record_objection"), .leads)
        return try await request.db.writeTransaction { database in
            let lead = try await Leads.find(request, within: visible, on: database)
            try await Leads.requireInScope(lead, allowed, on: database, action: "record objections on")
            let vocabulary = try await FeedbackCodeModel.vocabulary(on: database)
            let objection = try Objection.read(body, vocabulary: vocabulary)
            let row = try await LeadFeedback.record(objection, on: lead, by: request.auditActor, requestID: request.id,
                                                    at: Date(), on: database)
            return dto(row, vocabulary: vocabulary)
        }
    }

    @Sendable static func objections(_ request: Request) async throws -> ListDTO<ObjectionDTO> {
        let lead = try await Leads.find(request, within: try request.authorize(.read, .leads), on: request.db)
        let vocabulary = try await FeedbackCodeModel.vocabulary(on: request.db)
        let rows = try await LeadObjectionModel.query(on: request.db).filter(\.$lead.$id == lead.id!).sort(\.$recordedAt).all()
        return ListDTO(items: rows.map { dto($0, vocabulary: vocabulary) }, nextCursor: nil)
    }

    static func dto(_ row: LeadObjectionModel, vocabulary: FeedbackVocabulary) -> ObjectionDTO {
        ObjectionDTO(id: row.id!, leadId: row.$lead.id, code: row.code, label: vocabulary.label(.objection, row.code),
                     note: row.note, recordedBy: row.recordedByLabel, recordedAt: row.recordedAt)
    }

    // MARK: Disputes

    @Sendable static func openDispute(_ request: Request) async throws -> Response {
        let input = try DisputeInput.read(try request.jsonBody())
        return try await open(input, request: request).encodeResponse(status: .created, for: request)
    }

    /// Opens a dispute of the lead in the path as the caller; the lead page's form calls it too.
    static func open(_ input: DisputeInput, request: Request) async throws -> DisputeDTO {
        let visible = try request.authorize(.read, .leads)
        _ = try request.authorize(.move("dispute"), .leads)
        return try await request.db.writeTransaction { database in
            let lead = try await Leads.find(request, within: visible, on: database)
            let dispute = try await Disputes.open(input, lead: lead, by: request.auditActor, requestID: request.id,
                                                  at: Date(), on: database)
            return dto(dispute, now: Date())
        }
    }

    @Sendable static func leadDisputes(_ request: Request) async throws -> ListDTO<DisputeDTO> {
        let lead = try await Leads.find(request, within: try request.authorize(.read, .leads), on: request.db)
        let rows = try await DisputeModel.query(on: request.db).filter(\.$lead.$id == lead.id!).sort(\.$openedAt).all()
        let now = Date()
        return ListDTO(items: rows.map { dto($0, now: now) }, nextCursor: nil)
    }

    static let disputeFilters: [ListFilter<DisputeModel>] = [
        .choice("state", column: "state", DisputeState.self, "Only disputes in this state"),
        .id("leadId", column: "lead_id", "Only disputes of this lead"),
    ]

    @Sendable static func listDisputes(_ request: Request) async throws -> ListDTO<DisputeDTO> {
        let scope = try request.authorize(.read, .leads)
        let builder = DisputeModel.query(on: request.db).join(LeadModel.self, on: \DisputeModel.$lead.$id == \LeadModel.$id)
        switch scope {
        case .all: break
        case let .owner(user): builder.filter(LeadModel.self, \.$owner.$id == user)
        case let .team(team): builder.filter(LeadModel.self, \.$teamID == team)
        }
        let page = try request.listPage(filters: disputeFilters, on: builder, entity: "disputes")
        let result = try await builder.page(page)
        let now = Date()
        return ListDTO(items: result.items.map { dto($0, now: now) }, nextCursor: result.nextCursor)
    }

    @Sendable static func decide(_ request: Request) async throws -> DisputeDTO {
        let input = try DisputeDecisionInput.read(try request.jsonBody())
        return try await decide(input, request: request)
    }

    /// Decides the dispute in the path as the caller; the lead page's form calls it too.
    static func decide(_ input: DisputeDecisionInput, request: Request) async throws -> DisputeDTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = try request.authorize(.move("decide_dispute"), .leads)
        return try await request.db.writeTransaction { database in
            let raw = request.parameters.get("disputeId") ?? ""
            guard let id = UUID(uuidString: raw), let dispute = try await DisputeModel.find(id, on: database),
                  let lead = try await LeadModel.query(on: database).filter(\.$id == dispute.$lead.id)
                    .scoped(visible, by: LeadsResource.ownership).first() else {
                throw AccordError.notFound(entity: "dispute", id: raw)
            }
            try await Leads.requireInScope(lead, allowed, on: database, action: "decide disputes of")
            try await Disputes.decide(dispute, input, lead: lead, by: request.auditActor, requestID: request.id,
                                      at: Date(), on: database)
            return dto(dispute, now: Date())
        }
    }

    static func dto(_ row: DisputeModel, now: Date) -> DisputeDTO {
        DisputeDTO(id: row.id!, leadId: row.$lead.id, state: row.state, rejectionReason: row.rejectionReason,
                   reason: row.reason, openedBy: row.openedByLabel, openedAt: row.openedAt, dueAt: row.dueAt,
                   repId: row.repID, managerId: row.managerID, decisionReason: row.decisionReason,
                   decidedBy: row.decidedByLabel, decidedAt: row.decidedAt,
                   overdue: row.disputeState == .open && row.dueAt < now)
    }

    // MARK: Story

    @Sendable static func story(_ request: Request) async throws -> StoryDTO {
        let lead = try await Leads.find(request, within: try request.authorize(.read, .leads), on: request.db)
        let entries = try await LeadStoryData.story(of: lead, on: request.db)
        return StoryDTO(leadId: lead.id!, items: entries.map {
            StoryDTO.Item(at: $0.at, kind: $0.kind.rawValue, title: $0.title, detail: $0.detail, actor: $0.actor)
        })
    }
}
