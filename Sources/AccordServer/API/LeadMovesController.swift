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
                    + "disqualification needs a reason code from /api/v1/feedback-codes?kind=rejection (and a note where the "
                    + "code needs one); convert links opportunityId or creates opportunity {name, amount}.",
                operationId: "moveLead",
                requestBody: APISchemas.body(.object(properties: [
                    "move": .string(allowedValues: LeadMoveInput.names.map { AnyCodable($0) }),
                    "reason": .string(required: false, nullable: true),
                    "note": .string(required: false, nullable: true),
                    "opportunityId": APISchemas.uuid(required: false, nullable: true),
                    "opportunity": .object(required: false,
                                           description: "convert: the opportunity to create at the lead's account",
                                           properties: [
                                               "name": .string(minLength: 1, maxLength: 200), "amount": APISchemas.money,
                                           ], additionalProperties: .init(false)),
                ], additionalProperties: .init(false))),
                responses: [
                    200: APISchemas.json("The lead after the move", LeadsResource.schema),
                    404: APISchemas.problem("No such lead"),
                    409: APISchemas.problem("The move is not allowed from the lead's stage (invalid_transition)"),
                    422: APISchemas.problem("A reason, note or opportunity is missing or invalid"),
                ]))
    }

    @Sendable static func move(_ request: Request) async throws -> LeadsResource.DTO {
        let (move, newOpportunity) = try LeadMoveInput.readRequest(try request.jsonBody())
        return try await perform(move, creating: newOpportunity, request: request)
    }

    /// Makes a move on the lead named in the path, as the caller, audited; the queue page's buttons call it too.
    static func perform(_ move: LeadMove, creating newOpportunity: NewOpportunity? = nil,
                        request: Request) async throws -> LeadsResource.DTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = try request.authorize(.move(move.name), .leads)
        return try await request.db.writeTransaction { database in
            let lead = try await ResourceController<LeadsResource>.find(request, within: visible, on: database)
            try await ResourceController<LeadsResource>.requireInScope(lead, allowed, on: database, action: "move")
            let before = try ResourceController<LeadsResource>.json(try await LeadsResource.dto(lead, on: database))
            let next = try await LeadFeedback.move(move, creating: newOpportunity, lead: lead, at: Date(), on: database)
            try await lead.save(on: database)
            let why = [next.rejectionReason ?? next.recycleReason, next.rejectionNote ?? next.recycleNote].compactMap { $0 }
            return try await ResourceController<LeadsResource>.audited(
                lead, action: "move:\(move.name)", before: before, reason: why.isEmpty ? nil : why.joined(separator: ": "),
                request: request, on: database)
        }
    }
}
