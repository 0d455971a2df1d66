import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/leads`: handoffs from marketing to sales. The stage changes only through lifecycle moves.
struct LeadsResource: APIResource {
    typealias Model = LeadModel

    struct DTO: Content {
        var id: UUID
        var personId: UUID
        var accountId: UUID?
        var ownerId: UUID?
        var campaignId: UUID?
        var stage: String
        var stageChangedAt: Date
        var priority: String?
        var fitScore: Int
        var engagementScore: Double
        var definitionVersion: Int?
        var routingReason: String?
        var teamId: UUID?
        var routingMethod: String?
        var qualifiedAt: Date?
        var slaDueAt: Date?
        var expiresAt: Date?
        var firstActionAt: Date?
        var speedToLeadSeconds: Int?
        var speedToLeadBusinessSeconds: Int?
        var slaMet: Bool?
        var rejectionReason: String?
        var rejectionNote: String?
        var recycleReason: String?
        var recycleNote: String?
        var lossReason: String?
        var opportunityId: UUID?
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "lead"
    static let path = "leads"
    static let resource = Resource.leads
    static let ownership = Ownership.ownerOrTeam(owner: "owner_id", team: "team_id")

    static var createSchema: JSONSchema {
        .object(properties: [
            "personId": APISchemas.uuid(), "ownerId": APISchemas.uuid(required: false, nullable: true),
            "campaignId": APISchemas.uuid(required: false, nullable: true),
            "priority": APISchemas.choice(LeadPriority.self, required: false, nullable: true),
        ], additionalProperties: .init(false))
    }

    static var updateSchema: JSONSchema {
        .object(properties: [
            "ownerId": APISchemas.uuid(required: false, nullable: true),
            "campaignId": APISchemas.uuid(required: false, nullable: true),
            "priority": APISchemas.choice(LeadPriority.self, required: false, nullable: true),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        var properties: OrderedDictionary<String, JSONSchema> = [
            "id": APISchemas.uuid(), "personId": APISchemas.uuid(), "stage": APISchemas.choice(LeadStage.self),
            "stageChangedAt": .string(format: .dateTime), "fitScore": .integer, "engagementScore": .number,
        ]
        for key in ["accountId", "ownerId", "campaignId", "opportunityId", "teamId"] {
            properties[key] = APISchemas.uuid(required: false)
        }
        for key in ["priority", "routingReason", "rejectionReason", "rejectionNote", "recycleReason", "recycleNote",
                    "lossReason"] { properties[key] = .string(required: false) }
        properties["routingMethod"] = .string(required: false, allowedValues: [
            "account_owner", "round_robin", "team_manager", "manual", "unassigned",
        ].map { AnyCodable($0) })
        for key in ["qualifiedAt", "slaDueAt", "expiresAt", "firstActionAt", "createdAt", "updatedAt"] {
            properties[key] = .string(format: .dateTime, required: false)
        }
        properties["definitionVersion"] = .integer(required: false)
        properties["speedToLeadSeconds"] = .integer(required: false, description: "Wall-clock seconds to the first action")
        properties["speedToLeadBusinessSeconds"] = .integer(required: false,
                                                             description: "Business seconds to the first action")
        properties["slaMet"] = .boolean(required: false, description: "Whether the first action came by slaDueAt")
        return .object(properties: properties)
    }

    static let filters: [ListFilter<LeadModel>] = [
        .choice("stage", column: "stage", LeadStage.self, "Leads in these stages"),
        .id("ownerId", column: "owner_id", "Leads owned by this user"),
        .id("teamId", column: "team_id", "Leads routed to this team"),
        .id("personId", column: "person_id", "Leads of this person"),
        .id("accountId", column: "account_id", "Leads at this account"),
        .id("campaignId", column: "campaign_id", "Leads from this campaign"),
        .choice("priority", column: "priority", LeadPriority.self, "Leads of these priorities"),
    ]

    static func dto(_ model: LeadModel, on database: any Database) async throws -> DTO {
        DTO(id: model.id!, personId: model.$person.id, accountId: model.$account.id, ownerId: model.$owner.id,
            campaignId: model.$campaign.id, stage: model.stage, stageChangedAt: model.stageChangedAt,
            priority: model.priority, fitScore: model.fitScore, engagementScore: model.engagementScore,
            definitionVersion: model.definitionVersion, routingReason: model.routingReason, teamId: model.teamID,
            routingMethod: model.routingMethod, qualifiedAt: model.qualifiedAt, slaDueAt: model.slaDueAt,
            expiresAt: model.expiresAt, firstActionAt: model.firstActionAt, speedToLeadSeconds: model.speedToLeadSeconds,
            speedToLeadBusinessSeconds: model.speedToLeadBusinessSeconds, slaMet: model.slaMet, rejectionReason: model.rejectionReason,
            rejectionNote: model.rejectionNote, recycleReason: model.recycleReason, recycleNote: model.recycleNote,
            lossReason: model.lossReason, opportunityId: model.$opportunity.id, createdAt: model.createdAt,
            updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> LeadModel {
        let input = try LeadInput.read(body, .create)
        var report = ValidationReport()
        let person = try await input.personID.value.asyncFlatMap { try await PersonModel.find($0, on: database) }
        if person == nil { report.add("personId", "no person with id \(input.personID.value!)") }
        if let person, let id = person.id, try await LeadModel.query(on: database).filter(\.$person.$id == id)
            .filter(\.$stage ~~ LeadStage.allCases.filter(\.isOpen).map(\.rawValue)).first() != nil {
            throw AccordError.conflict("Person \(id) already has an open lead; a person has one open lead at a time.")
        }
        try await checkReferences(input, into: &report, on: database)
        try report.throwIfInvalid()
        let model = LeadModel(personID: person!.id!, accountID: person!.$account.id, stage: .new, stageChangedAt: Date())
        apply(input, to: model)
        try await model.create(on: database)
        return model
    }

    static func update(_ model: LeadModel, with body: JSONValue, on database: any Database) async throws {
        let input = try LeadInput.read(body, .update)
        var report = ValidationReport()
        try await checkReferences(input, into: &report, on: database)
        try report.throwIfInvalid()
        let previousOwner = model.$owner.id
        apply(input, to: model)
        if input.ownerID.isPresent, model.$owner.id != previousOwner {
            let owner = try await model.$owner.id.asyncFlatMap { try await UserModel.find($0, on: database) }
            model.routingMethod = owner == nil ? RoutingMethod.unassigned.rawValue : RoutingMethod.manual.rawValue
            model.routingReason = owner.map { "assigned by hand to \($0.name)" } ?? "unassigned by hand"
            if let team = owner?.$team.id { model.teamID = team }
        }
        try await model.save(on: database)
    }

    static func checkReferences(_ input: LeadInput, into report: inout ValidationReport, on database: any Database)
        async throws {
        try await References.check(input.ownerID, exists: UserModel.self, field: "ownerId", entity: "user",
                                   into: &report, on: database)
        try await References.check(input.campaignID, exists: CampaignModel.self, field: "campaignId",
                                   entity: "campaign", into: &report, on: database)
    }

    static func apply(_ input: LeadInput, to model: LeadModel) {
        References.assign(input.ownerID, to: &model.$owner.id)
        References.assign(input.campaignID, to: &model.$campaign.id)
        References.assign(input.priority.map(\.rawValue), to: &model.priority)
    }
}
