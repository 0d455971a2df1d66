import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Data-subject requests: everything Accord holds about one person, and erasing them.
public enum PersonPrivacy {
    /// Everything about one person, as stored (each record with its own fields).
    public struct Export: Encodable, Sendable {
        public var exportedAt: Date
        public var person: PersonModel
        public var account: AccountModel?
        public var leads: [LeadModel]
        public var touchpoints: [TouchpointModel]
        public var campaigns: [CampaignModel]
        public var contactRoles: [ContactRoleModel]
        public var objections: [LeadObjectionModel]
        public var disputes: [DisputeModel]
        public var notifications: [NotificationModel]
        public var auditEvents: [AuditEventModel]
        public var suppressed: Bool
    }

    public static func export(_ id: UUID, now: Date = Date(), on database: any Database) async throws -> Export {
        guard let person = try await PersonModel.find(id, on: database) else { throw AccordError.notFound(entity: "person", id: id.uuidString) }
        let leads = try await LeadModel.query(on: database).filter(\.$person.$id == id).sort(\.$createdAt).all()
        let leadIDs = leads.compactMap(\.id)
        let touchpoints = try await TouchpointModel.query(on: database).filter(\.$person.$id == id).sort(\.$occurredAt).all()
        let campaignIDs = Array(Set(touchpoints.compactMap { $0.$campaign.id }))
        let email = try EmailAddress(person.email)
        return Export(
            exportedAt: now, person: person,
            account: try await person.$account.id.asyncFlatMap { try await AccountModel.find($0, on: database) },
            leads: leads, touchpoints: touchpoints,
            campaigns: campaignIDs.isEmpty ? [] : try await CampaignModel.query(on: database).filter(\.$id ~~ campaignIDs).all(),
            contactRoles: try await ContactRoleModel.query(on: database).filter(\.$person.$id == id).all(),
            objections: leadIDs.isEmpty ? [] : try await LeadObjectionModel.query(on: database).filter(\.$lead.$id ~~ leadIDs).all(),
            disputes: leadIDs.isEmpty ? [] : try await DisputeModel.query(on: database).filter(\.$lead.$id ~~ leadIDs).all(),
            notifications: leadIDs.isEmpty ? [] : try await NotificationModel.query(on: database).filter(\.$lead.$id ~~ leadIDs).all(),
            auditEvents: try await AuditEventModel.query(on: database).filter(\.$entityID ~~ ([id] + leadIDs)).sort(\.$occurredAt).all(),
            suppressed: !(try await Suppressions.suppressed([email], on: database).isEmpty))
    }

    /// What an erasure removed, and the pseudonym its audit events now carry.
    public struct Erasure: Codable, Sendable, Equatable {
        public var pseudonym: UUID
        public var leads: Int
        public var touchpoints: Int
        public var contactRoles: Int
        public var auditEventsPseudonymised: Int
        public var erasedAt: Date
    }

    /// Erases a person (call inside a write transaction): their touchpoints, leads (with their objections, disputes
    /// and notifications), contact roles and queued jobs and undelivered webhooks about them are deleted (delivered
    /// webhooks in the log are scrubbed like the audit trail); the audit
    /// events about them and their leads are kept with a pseudonym for an id and their email, names and CRM id
    /// replaced by `[erased]`; their address goes on the suppression list (as a hash) so no import, batch or form
    /// brings them back. The erasure itself is audited under the pseudonym, with the reason.
    public static func erase(_ id: UUID, reason: String, by actor: AuditActor, requestID: String? = nil, now: Date = Date(),
                             on database: any Database) async throws -> Erasure {
        guard let person = try await PersonModel.find(id, on: database) else { throw AccordError.notFound(entity: "person", id: id.uuidString) }
        let leads = try await LeadModel.query(on: database).filter(\.$person.$id == id).all().compactMap(\.id)
        let touchpoints = try await TouchpointModel.query(on: database).filter(\.$person.$id == id).count()
        let roles = try await ContactRoleModel.query(on: database).filter(\.$person.$id == id).count()
        let pseudonymizer = Pseudonymizer(email: person.email, firstName: person.firstName, lastName: person.lastName,
                                          externalID: person.externalID)
        // Audit events: a fresh random id for the person and for each lead (no way back to the erased ids), the text scrubbed.
        let pseudonym = UUID()
        var replacements: [UUID: UUID] = [id: pseudonym]
        for lead in leads { replacements[lead] = UUID() }
        let events = try await AuditEventModel.query(on: database).filter(\.$entityID ~~ Array(replacements.keys)).all()
        for event in events {
            event.entityID = replacements[event.entityID] ?? event.entityID
            event.changes = pseudonymizer.scrub(event.changes)
            event.reason = event.reason.map(pseudonymizer.scrub)
            try await event.update(on: database)
        }
        // Queued work and undelivered messages that name the person or a lead of theirs are deleted; the log of
        // delivered webhooks keeps its entries with the person's details scrubbed.
        let sql = try Catalog.sqlDatabase(database)
        let needles = [id.uuidString, person.email] + leads.map(\.uuidString)
        for needle in needles {
            for pattern in Set([needle, needle.lowercased()]) {
                try await sql.delete(from: JobQueue.table).where("payload", .like, "%" + pattern + "%").run()
                try await sql.delete(from: WebhookDeliveryModel.schema).where("body", .like, "%" + pattern + "%")
                    .where("status", .notEqual, "delivered").run()
                for delivery in try await WebhookDeliveryModel.query(on: database).filter(\.$body, .custom("LIKE"), "%" + pattern + "%").all() {
                    var body = pseudonymizer.scrub(delivery.body)
                    for (old, new) in replacements {
                        body = body.replacingOccurrences(of: old.uuidString, with: new.uuidString, options: .caseInsensitive)
                    }
                    delivery.body = body
                    try await delivery.update(on: database)
                }
            }
        }
        let email = try EmailAddress(person.email)
        try await person.delete(on: database)  // cascades: touchpoints, leads (objections, disputes, notifications), roles, rollup
        try await Suppressions.add([SuppressionInput(email: email, reason: "erased")], source: .erasure, by: actor.label,
                                   at: now, on: database)
        let erasure = Erasure(pseudonym: pseudonym, leads: leads.count, touchpoints: touchpoints, contactRoles: roles,
                              auditEventsPseudonymised: events.count, erasedAt: now)
        try await AuditTrail.record(actor, entity: "person", id: pseudonym, action: "erase", changes: [:],
                                    reason: "\(reason) (\(leads.count) lead(s), \(touchpoints) touchpoint(s), \(roles) contact role(s) deleted)",
                                    requestID: requestID, at: now, on: database)
        return erasure
    }
}
