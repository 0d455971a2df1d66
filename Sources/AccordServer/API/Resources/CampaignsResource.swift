import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/campaigns`: marketing programs with their monthly costs.
struct CampaignsResource: APIResource {
    typealias Model = CampaignModel

    struct CostDTO: Content {
        var month: String
        var amount: Money
    }

    struct DTO: Content {
        var id: UUID
        var name: String
        var channel: String
        var supplier: String?
        var startsOn: String?
        var endsOn: String?
        var utmSource: String?
        var utmMedium: String?
        var utmCampaign: String?
        var externalId: String?
        var costs: [CostDTO]
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "campaign"
    static let path = "campaigns"
    static let resource = Resource.campaigns
    static let ownership = Ownership.none

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200), "channel": APISchemas.choice(AccordCore.Channel.self),
            "supplier": .string(required: false, nullable: true),
            "startsOn": .string(format: .date, required: false, nullable: true),
            "endsOn": .string(format: .date, required: false, nullable: true),
            "utmSource": .string(required: false, nullable: true), "utmMedium": .string(required: false, nullable: true),
            "utmCampaign": .string(required: false, nullable: true),
            "externalId": .string(required: false, nullable: true),
            "costs": .array(required: false, items: .object(properties: [
                "month": .string(pattern: "^[0-9]{4}-[0-9]{2}$"), "amount": APISchemas.money,
            ], additionalProperties: .init(false))),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "channel": .string, "supplier": .string(required: false),
            "startsOn": .string(format: .date, required: false), "endsOn": .string(format: .date, required: false),
            "utmSource": .string(required: false), "utmMedium": .string(required: false),
            "utmCampaign": .string(required: false), "externalId": .string(required: false),
            "costs": .array(items: .object(properties: ["month": .string, "amount": APISchemas.money])),
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<CampaignModel>] = [
        .choice("channel", column: "channel", AccordCore.Channel.self, "Campaigns in these channels"),
        .text("supplier", column: "supplier", "Campaigns bought from this supplier"),
        .text("utmCampaign", column: "utm_campaign", "Campaigns with this utm_campaign tag", lowercase: true),
        .text("externalId", column: "external_id", "The campaign with this CRM id"),
    ]

    static func dto(_ model: CampaignModel, on database: any Database) async throws -> DTO {
        try await dtos([model], on: database)[0]
    }

    static func dtos(_ models: [CampaignModel], on database: any Database) async throws -> [DTO] {
        let ids = models.compactMap(\.id)
        let costs = ids.isEmpty ? [] : try await CampaignCostModel.query(on: database)
            .filter(\.$campaign.$id ~~ ids).sort(\.$month).all()
        let byCampaign = Dictionary(grouping: costs, by: { $0.$campaign.id })
        return models.map { model in
            DTO(id: model.id!, name: model.name, channel: model.channel, supplier: model.supplier,
                startsOn: model.startsAt.map(CalendarDate.format), endsOn: model.endsAt.map(CalendarDate.format),
                utmSource: model.utmSource, utmMedium: model.utmMedium, utmCampaign: model.utmCampaign,
                externalId: model.externalID,
                costs: (byCampaign[model.id!] ?? []).map {
                    CostDTO(month: $0.month, amount: Money(amountMinor: $0.amountMinor, currency: $0.currency))
                },
                createdAt: model.createdAt, updatedAt: model.updatedAt)
        }
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> CampaignModel {
        let input = try CampaignInput.read(body, .create)
        let model = CampaignModel(name: input.name.value ?? "", channel: input.channel.value?.rawValue ?? "")
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: CampaignModel, with body: JSONValue, on database: any Database) async throws {
        let input = try CampaignInput.read(body, .update)
        let start = input.startsOn.isPresent ? input.startsOn.value : model.startsAt
        let end = input.endsOn.isPresent ? input.endsOn.value : model.endsAt
        if let start, let end, end < start {
            throw AccordError.validation([FieldError(field: "endsOn", problem: "must not be before startsOn")])
        }
        try await apply(input, to: model, on: database)
    }

    static func apply(_ input: CampaignInput, to model: CampaignModel, on database: any Database) async throws {
        References.assign(input.name, to: &model.name)
        References.assign(input.channel.map(\.rawValue), to: &model.channel)
        References.assign(input.supplier, to: &model.supplier)
        References.assign(input.startsOn, to: &model.startsAt)
        References.assign(input.endsOn, to: &model.endsAt)
        References.assign(input.utmSource, to: &model.utmSource)
        References.assign(input.utmMedium, to: &model.utmMedium)
        References.assign(input.utmCampaign, to: &model.utmCampaign)
        References.assign(input.externalID, to: &model.externalID)
        try await model.save(on: database)
        switch input.costs {
        case .absent: break
        case .null, .value:
            try await CampaignCostModel.query(on: database).filter(\.$campaign.$id == model.id!).delete()
            for cost in input.costs.value ?? [] {
                try await CampaignCostModel(campaignID: model.id!, month: cost.month,
                                            amountMinor: cost.amount.amountMinor, currency: cost.amount.currency)
                    .create(on: database)
            }
        }
    }
}
