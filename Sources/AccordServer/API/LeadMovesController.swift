import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `POST /api/v1/leads/{leadId}/moves`: the only way a lead's stage changes, through the lifecycle.
struct LeadMovesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "leads", ":leadId").on(.POST, "moves", body: .collect(maxSize: "64kb"), use: Self.move)
            .requires(.update, .leads).openAPI(.init(
                tags: ["leads"], summary: "Move a lead through its lifecycle",
                description: "Moves: \(LeadMoveInput.names.joined(separator: ", ")). A rejection or "
                    + "disqualification needs a reason code (and a note for 'other'); convert needs an opportunityId.",
                operationId: "moveLead",
                requestBody: APISchemas.body(.object(properties: [
                    "move": .string(allowedValues: LeadMoveInput.names.map { AnyCodable($0) }),
                    "reason": .string(required: false, nullable: true),
                    "note": .string(required: false, nullable: true),
                    "opportunityId": APISchemas.uuid(required: false, nullable: true),
                ], additionalProperties: .init(false))),
                responses: [
                    200: APISchemas.json("The lead after the move", LeadsResource.schema),
                    404: APISchemas.problem("No such lead"),
                    409: APISchemas.problem("The move is not allowed from the lead's stage (invalid_transition)"),
                    422: APISchemas.problem("A reason, note or opportunity is missing or invalid"),
                ]))
    }

    @Sendable static func move(_ request: Request) async throws -> LeadsResource.DTO {
        try await perform(try LeadMoveInput.read(try request.jsonBody()), request: request)
    }

    /// Makes a move on the lead named in the path, as the caller, audited; the queue page's buttons call it too.
    static func perform(_ move: LeadMove, request: Request) async throws -> LeadsResource.DTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = try request.authorize(.move(move.name), .leads)
        return try await request.db.writeTransaction { database in
            let lead = try await ResourceController<LeadsResource>.find(request, within: visible, on: database)
            try await ResourceController<LeadsResource>.requireInScope(lead, allowed, on: database, action: "move")
            if case let .convert(opportunityID) = move, try await OpportunityModel.find(opportunityID, on: database) == nil {
                throw AccordError.validation([FieldError(field: "opportunityId", problem: "no opportunity with id \(opportunityID)")])
            }
            let before = try ResourceController<LeadsResource>.json(try await LeadsResource.dto(lead, on: database))
            let now = Date()
            let next = try LeadLifecycle().apply(move, to: lead.lifecycleState, at: now)
            lead.apply(next)
            if move == .qualify {
                try await LeadHandoff.qualify(lead, at: now, on: database)  // routed at once, with a due time
            } else if move.stopsSLAClock {
                try await LeadHandoff.recordFirstAction(lead, at: now, on: database)
            }
            try await lead.save(on: database)
            return try await ResourceController<LeadsResource>.audited(
                lead, action: "move:\(move.name)", before: before, reason: next.rejectionReason ?? next.recycleReason,
                request: request, on: database)
        }
    }
}
