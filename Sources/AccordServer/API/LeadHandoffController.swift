import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `POST /api/v1/leads/{leadId}/activities` (log a call, email or meeting: the SLA clock stops) and
/// `POST /api/v1/leads/{leadId}/route` (route a lead again by the current rules).
struct LeadHandoffController: RouteCollection {
    typealias Leads = ResourceController<LeadsResource>

    func boot(routes: any RoutesBuilder) throws {
        let lead = routes.grouped("api", "v1", "leads", ":leadId")
        lead.on(.POST, "activities", body: .collect(maxSize: "16kb"), use: Self.logActivity)
            .requires(.move("log_activity"), .leads).openAPI(.init(
                tags: ["leads"], summary: "Log a call, email or meeting on a lead",
                description: "Stores a sales touchpoint of the lead's person; the first one stops the SLA clock and "
                    + "records speed to lead.",
                operationId: "logLeadActivity",
                requestBody: APISchemas.body(.object(properties: [
                    "kind": .string(allowedValues: SpeedToLead.actionKinds.map(\.rawValue).sorted().map { AnyCodable($0) }),
                    "occurredAt": .string(format: .dateTime, required: false),
                    "note": .string(required: false, nullable: true, maxLength: 2_000),
                ], additionalProperties: .init(false))),
                responses: [
                    201: APISchemas.json("The lead after the activity", LeadsResource.schema),
                    404: APISchemas.problem("No such lead"),
                    422: APISchemas.problem("The kind or time is invalid"),
                ]))
        lead.post("route", use: Self.route).requires(.move("route"), .leads).openAPI(.init(
            tags: ["leads"], summary: "Route a lead again by the current rules",
            description: "For leads still waiting for a first action (stage mql): the new owner gets a fresh response "
                + "time; the explanation says why.",
            operationId: "routeLead", responses: [
                200: APISchemas.json("The lead with its new owner", LeadsResource.schema),
                404: APISchemas.problem("No such lead"),
                409: APISchemas.problem("The lead is not waiting for a first action"),
            ]))
    }

    @Sendable static func logActivity(_ request: Request) async throws -> Response {
        let input = try ActivityInput.read(try request.jsonBody(), now: Date())
        return try await log(input, request: request).encodeResponse(status: .created, for: request)
    }

    /// Logs an activity on the lead named in the path, as the caller, audited; the queue page calls it too.
    static func log(_ input: ActivityInput, request: Request) async throws -> LeadsResource.DTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = try request.authorize(.move("log_activity"), .leads)
        return try await request.db.writeTransaction { database in
            let lead = try await Leads.find(request, within: visible, on: database)
            try await Leads.requireInScope(lead, allowed, on: database, action: "log activities on")
            let before = try Leads.json(try await LeadsResource.dto(lead, on: database))
            let touch = Touchpoint(id: TimeOrderedID.make(), personID: lead.$person.id, campaignID: nil, kind: input.kind,
                                   side: .sales, channel: .fieldSales, occurredAt: input.occurredAt)
            try await BulkInsert.insert([touch], using: RowSpecs.touchpoints, on: database)
            if SpeedToLead.stopsClock(side: .sales, kind: input.kind, at: input.occurredAt, qualifiedAt: lead.qualifiedAt) {
                try await LeadHandoff.recordFirstAction(lead, at: input.occurredAt, on: database)
                try await lead.save(on: database)
            }
            return try await Leads.audited(lead, action: "log:\(input.kind.rawValue)", before: before,
                                           reason: input.note, request: request, on: database)
        }
    }

    @Sendable static func route(_ request: Request) async throws -> LeadsResource.DTO {
        let visible = try request.authorize(.read, .leads)
        let allowed = request.rowScope
        return try await request.db.writeTransaction { database in
            let lead = try await Leads.find(request, within: visible, on: database)
            try await Leads.requireInScope(lead, allowed, on: database, action: "route")
            guard lead.stage == LeadStage.mql.rawValue, lead.firstActionAt == nil else {
                throw AccordError.conflict("Only leads waiting for a first action (stage mql) are routed again; "
                    + "this one is \(lead.stage)\(lead.firstActionAt == nil ? "" : " and was acted on").")
            }
            let before = try Leads.json(try await LeadsResource.dto(lead, on: database))
            let decision = try await LeadHandoff.reroute(lead, at: Date(), on: database)
            try await lead.save(on: database)
            return try await Leads.audited(lead, action: "route", before: before, reason: decision.explanation,
                                           request: request, on: database)
        }
    }
}
