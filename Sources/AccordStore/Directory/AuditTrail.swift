import AccordCore
import Crypto
import FluentKit
import Foundation

/// Who made a change, as the audit trail records it.
public struct AuditActor: Sendable, Equatable {
    public var userID: UUID?
    public var label: String

    public init(userID: UUID?, label: String) {
        self.userID = userID
        self.label = label
    }

    /// Changes made by Accord itself (jobs, imports, the demo).
    public static let system = AuditActor(userID: nil, label: "system")
}

/// Appends audit events; the application never updates or deletes them.
public enum AuditTrail {
    /// The entity id of a setting kept without an id of its own (an asset type's policy, the pressure policy): the
    /// same for every change of it, so its history reads as one.
    public static func settingID(_ name: String) -> UUID {
        let digest = Array(SHA256.hash(data: Data("setting:\(name)".utf8)))
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                           digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// Records one change of one entity; nothing is written when no field changed.
    public static func record(_ actor: AuditActor, entity: String, id: UUID, action: String,
                              changes: [String: FieldChanges.Change], reason: String? = nil,
                              requestID: String? = nil, at time: Date = Date(), on database: any Database) async throws {
        try await recordAll(actor, entity: entity, action: action, [Entry(id: id, changes: changes, reason: reason)],
                            requestID: requestID, at: time, on: database)
    }

    /// One entity's change of many recorded at once.
    public struct Entry: Sendable {
        public var id: UUID
        public var changes: [String: FieldChanges.Change]
        public var reason: String?

        public init(id: UUID, changes: [String: FieldChanges.Change], reason: String? = nil) {
            self.id = id
            self.changes = changes
            self.reason = reason
        }
    }

    /// Records the same action on many entities, a few hundred events per statement (a check that asks 1,449
    /// account owners records a request each); entries without a changed field are skipped for `update`.
    public static func recordAll(_ actor: AuditActor, entity: String, action: String, _ entries: [Entry],
                                 requestID: String? = nil, at time: Date = Date(), on database: any Database) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let events = try entries.filter { !$0.changes.isEmpty || action != "update" }.map { entry in
            AuditEventModel(occurredAt: time, actorID: actor.userID, actorLabel: actor.label, entityType: entity,
                            entityID: entry.id, action: action,
                            changes: String(decoding: try encoder.encode(entry.changes), as: UTF8.self),
                            reason: entry.reason, requestID: requestID)
        }
        try await BulkInsert.models(events, on: database)
    }
}

/// Database errors as domain errors.
public enum StoreFailure {
    /// A unique or foreign-key constraint refused the change: a conflict with existing data.
    public static func translate(_ error: any Error, entity: String) -> any Error {
        if let database = error as? any DatabaseError, database.isConstraintFailure {
            return AccordError.conflict("The \(entity) conflicts with existing data (a unique field is taken).")
        }
        return error
    }
}
