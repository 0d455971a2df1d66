import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// Contact pressure in the API: the policy every sending tool's check applies (the check itself comes next).
struct PressureController: RouteCollection {
    static var capSchema: JSONSchema {
        .object(properties: [
            "side": .string(required: false, nullable: true,
                            allowedValues: ["marketing", "sales", "any"].map { AnyCodable($0) } + [AnyCodable(nil as String?)]),
            "maximum": .number(maximum: (10_000, exclusive: false), minimum: (0, exclusive: false)),
            "windowDays": .integer(maximum: (365, exclusive: false), minimum: (1, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        var weights: OrderedDictionary<String, JSONSchema> = [:]
        for channel in AccordCore.Channel.allCases {
            weights[channel.rawValue] = .number(required: false, maximum: (100, exclusive: false), minimum: (0, exclusive: false))
        }
        return .object(properties: [
            "personCaps": .array(required: false, maxItems: 10, items: capSchema),
            "accountCap": capSchema.optionalSchemaObject().nullableSchemaObject(),
            "channelWeights": .object(required: false, properties: weights, additionalProperties: .init(false)),
            "quietDaysAfterSalesMeeting": .integer(required: false, maximum: (90, exclusive: false), minimum: (0, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    func boot(routes: any RoutesBuilder) throws {
        let pressure = routes.grouped("api", "v1", "pressure")
        pressure.get("policy", use: Self.read).requires(.read, .settings).openAPI(.init(
            tags: ["pressure"], summary: "The contact-pressure policy in force", operationId: "getPressurePolicy",
            responses: [200: APISchemas.json("The policy", Self.schema)]))
        pressure.on(.PUT, "policy", body: .collect(maxSize: "16kb"), use: Self.replace).requires(.update, .settings)
            .openAPI(.init(
                tags: ["pressure"], summary: "Replace the contact-pressure policy",
                description: "Caps per person over rolling windows (side marketing, sales or any), an account cap (null: "
                    + "none), channel weights (1 when absent), days of quiet for marketing after a sales meeting. Fields "
                    + "left out take the standard values (3 marketing and 6 in all per person in 7 days, 40 marketing per "
                    + "account in 7 days, field sales weighing 2, 3 quiet days). Opt-outs and the suppression list "
                    + "always apply.",
                operationId: "setPressurePolicy", requestBody: APISchemas.body(Self.schema),
                responses: [200: APISchemas.json("The policy now in force", Self.schema),
                            403: APISchemas.problem("Only admins change the policy"),
                            422: APISchemas.problem("Every problem with the policy, by field")]))
    }

    @Sendable static func read(_ request: Request) async throws -> Response {
        try await json(try await PressurePolicyModel.policy(on: request.db).json, request)
    }

    @Sendable static func replace(_ request: Request) async throws -> Response {
        _ = try request.authorize(.update, .settings)
        let policy = try PressurePolicy.read(try request.jsonBody())
        try await request.db.writeTransaction { database in
            try await PressurePolicyModel.set(policy, by: request.auditActor, requestID: request.id, on: database)
        }
        return try await json(policy.json, request)
    }

    static func json(_ value: JSONValue, _ request: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONCoding.encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }
}
