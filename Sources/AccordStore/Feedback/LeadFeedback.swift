import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Sales' feedback on leads: moves through the configured lifecycle, objections heard, and the stale-data flag a
/// `contact_data_wrong` rejection puts on the person. Call inside a write transaction.
public enum LeadFeedback {
    /// The reason code that flags the person's contact data as wrong.
    public static let wrongDataReason = "contact_data_wrong"

    /// Makes a move on a lead under the configured reason lists and records what it implies: the first action
    /// for the SLA, the routing of a new MQL, the flag on wrongly recorded persons, and the opportunity a
    /// conversion creates. The caller audits and saves.
    public static func move(_ move: LeadMove, creating newOpportunity: NewOpportunity? = nil, lead: LeadModel,
                            at now: Date, on database: any Database) async throws -> LeadLifecycleState {
        let vocabulary = try await FeedbackCodeModel.vocabulary(on: database)
        if let newOpportunity {
            try await create(newOpportunity, for: lead, at: now, on: database)
        } else if case let .convert(opportunityID) = move, try await OpportunityModel.find(opportunityID, on: database) == nil {
            throw AccordError.validation([FieldError(field: "opportunityId", problem: "no opportunity with id \(opportunityID)")])
        }
        let next = try vocabulary.lifecycle.apply(move, to: lead.lifecycleState, at: now)
        lead.apply(next)
        if move == .qualify {
            try await LeadHandoff.qualify(lead, at: now, on: database)  // routed at once, with a due time
        } else if move.stopsSLAClock {
            try await LeadHandoff.recordFirstAction(lead, at: now, on: database)
        }
        if case let .reject(reason, note) = move, reason == wrongDataReason {
            try await flagData(of: lead.$person.id, reason: note ?? "sales: contact data wrong", at: now, on: database)
        }
        return next
    }

    /// An opportunity made by converting a lead: at the lead's account, owned by its owner, the person its
    /// primary contact.
    static func create(_ new: NewOpportunity, for lead: LeadModel, at now: Date, on database: any Database) async throws {
        guard let accountID = lead.$account.id else {
            throw AccordError.validation([FieldError(field: "opportunity",
                                                     problem: "the lead has no account; link an existing opportunity")])
        }
        let opportunity = OpportunityModel(id: new.id, accountID: accountID, name: new.name, amountMinor: new.amount.amountMinor,
                                           currency: new.amount.currency, stage: "qualification", status: "open", openedAt: now)
        opportunity.$owner.id = lead.$owner.id
        try await opportunity.create(on: database)
        try await ContactRoleModel(opportunityID: new.id, personID: lead.$person.id, role: "lead", isPrimary: true)
            .create(on: database)
    }

    /// Flags a person's data as wrong (kept until someone fixes the person).
    public static func flagData(of personID: UUID, reason: String, at now: Date, on database: any Database) async throws {
        guard let person = try await PersonModel.find(personID, on: database) else { return }
        person.dataFlaggedAt = now
        person.dataFlagReason = String(reason.prefix(500))
        try await person.save(on: database)
    }

    /// Records an objection heard on a lead, audited on the lead.
    @discardableResult
    public static func record(_ objection: Objection, on lead: LeadModel, by actor: AuditActor, requestID: String? = nil,
                              at now: Date, on database: any Database) async throws -> LeadObjectionModel {
        let row = LeadObjectionModel(leadID: lead.id!, objection: objection, by: actor.userID, label: actor.label, at: now)
        try await row.create(on: database)
        try await AuditTrail.record(actor, entity: "lead", id: lead.id!, action: "objection",
                                    changes: ["objection": .init(before: .null, after: .string(objection.code))],
                                    reason: objection.note, requestID: requestID, at: now, on: database)
        return row
    }
}

/// When each lead was decided (accepted or rejected): kept on the lead so feedback completeness is one query.
public enum LeadDecisions {
    /// Fills `decided_at` for leads decided before the column existed (and for bulk-written demo leads): their
    /// first action, when they left `mql` other than by expiring. Idempotent.
    public static func backfill(on database: any Database) async throws {
        try await Catalog.sqlDatabase(database).raw("""
            UPDATE leads SET decided_at = first_action_at
            WHERE decided_at IS NULL AND first_action_at IS NOT NULL AND stage NOT IN ('new', 'mql')
              AND NOT (stage = 'recycled' AND recycle_reason = 'expired')
            """).run()
    }
}
