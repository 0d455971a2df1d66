import AccordCore
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
    /// Records one change of one entity; nothing is written when no field changed.
    public static func record(_ actor: AuditActor, entity: String, id: UUID, action: String,
                              changes: [String: FieldChanges.Change], reason: String? = nil,
                              requestID: String? = nil, at time: Date = Date(), on database: any Database) async throws {
        guard !changes.isEmpty || action != "update" else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(changes), as: UTF8.self)
        try await AuditEventModel(occurredAt: time, actorID: actor.userID, actorLabel: actor.label, entityType: entity,
                                  entityID: id, action: action, changes: json, reason: reason, requestID: requestID)
            .create(on: database)
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
