import AccordCore
import FluentKit
import Foundation

/// The company's one pressure policy, kept as the API's JSON (the standard policy until an admin sets one).
public final class PressurePolicyModel: Model, @unchecked Sendable {
    public static let schema = "pressure_policies"
    /// The only row's id.
    static let current = "current"

    @ID(custom: "name", generatedBy: .user) public var id: String?
    @Field(key: "body") public var body: String
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    init(body: String) {
        id = Self.current
        self.body = body
    }

    /// The policy in force.
    public static func policy(on database: any Database) async throws -> PressurePolicy {
        guard let row = try await PressurePolicyModel.find(current, on: database),
              let json = try? JSONValue.parse(row.body.utf8), let policy = try? PressurePolicy.read(json) else {
            return .standard
        }
        return policy
    }

    /// Replaces the policy; the change is audited with the policy before and after.
    public static func set(_ policy: PressurePolicy, by actor: AuditActor, requestID: String? = nil, at now: Date = Date(),
                           on database: any Database) async throws {
        let before = try await self.policy(on: database)
        let text = String(decoding: try StoredJSON.encoder.encode(policy.json), as: UTF8.self)
        if let row = try await PressurePolicyModel.find(current, on: database) {
            row.body = text
            try await row.save(on: database)
        } else {
            try await PressurePolicyModel(body: text).create(on: database)
        }
        try await AuditTrail.record(actor, entity: "pressure_policy", id: AuditTrail.settingID(schema),
                                    action: "update", changes: ["policy": .init(before: before.json, after: policy.json)],
                                    requestID: requestID, at: now, on: database)
    }
}
