import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Disputes of rejections: marketing opens one with a reason; the rep's sales manager upholds or overturns it with
/// a reason before its due time (the team's `disputeResponseMinutes` in business time); `dispute.step` jobs remind
/// the manager halfway and report it overdue at the due time. Call inside a write transaction.
public enum Disputes {
    public static let jobKind = "dispute.step"

    struct Payload: Codable {
        var disputeId: UUID
        var step: DisputeEscalationStep
        var scheduledFor: Date
    }

    /// Opens a dispute of the lead's rejection, tells the manager and schedules the escalation.
    public static func open(_ input: DisputeInput, lead: LeadModel, by actor: AuditActor, requestID: String? = nil,
                            at now: Date, on database: any Database) async throws -> DisputeModel {
        let disputes = try await DisputeModel.query(on: database).filter(\.$lead.$id == lead.id!).all()
        let facts = DisputeFacts(
            leadStage: LeadStage(rawValue: lead.stage) ?? .new,
            hasOpenDispute: disputes.contains { $0.disputeState == .open },
            decidedForThisRejection: disputes.filter { $0.disputeState != .open && $0.openedAt >= lead.stageChangedAt }.count)
        if let refusal = DisputeRules.refusalToOpen(facts) { throw refusal }
        let agreement = try await LeadHandoff.agreement(teamID: lead.teamID, on: database)
        let owner = try await lead.$owner.id.asyncFlatMap { try await UserModel.find($0, on: database) }
        let manager = try await SLAEscalation.manager(of: owner, on: database)
        let dispute = DisputeModel(
            leadID: lead.id!, rejectionReason: lead.rejectionReason ?? "", repID: owner?.id, managerID: manager,
            openedByID: actor.userID, openedByLabel: actor.label, reason: input.reason, openedAt: now,
            dueAt: DisputeRules.dueTime(openedAt: now, responseMinutes: agreement.policy.disputeResponseMinutes,
                                        calendar: agreement.calendar))
        try await dispute.create(on: database)
        for (step, at) in DisputeEscalationStep.schedule(openedAt: now, dueAt: dispute.dueAt) {
            let payload = StoredJSON.text(Payload(disputeId: dispute.id!, step: step, scheduledFor: dispute.dueAt))
            try await JobQueue.enqueue(jobKind, payload: payload, uniqueKey: step.uniqueKey(dispute: dispute.id!),
                                       runAt: at, on: database)
        }
        let who = try await name(of: lead, on: database)
        try await SLAEscalation.notify(manager ?? owner?.id, "dispute.opened", "Rejection disputed: \(who)",
                                       "\(actor.label) disputes \(owner?.name ?? "the rep")'s rejection of \(who) "
                                        + "(\(dispute.rejectionReason)): \(input.reason) Decide by "
                                        + "\(ISOTimestamp.format(dispute.dueAt)).", lead: lead, now: now, on: database)
        try await WebhookOutbox.publish(.leadDisputed, data: eventData(dispute, lead: lead), at: now, on: database)
        try await AuditTrail.record(actor, entity: "lead", id: lead.id!, action: "dispute:open",
                                    changes: ["dispute": .init(before: .null, after: .string(DisputeState.open.rawValue))],
                                    reason: input.reason, requestID: requestID, at: now, on: database)
        return dispute
    }

    /// Upholds or overturns an open dispute. Overturning moves the lead back to `mql` with its owner and a fresh
    /// response time; the rep and the marketer who disputed hear the decision either way.
    public static func decide(_ dispute: DisputeModel, _ input: DisputeDecisionInput, lead: LeadModel, by actor: AuditActor,
                              requestID: String? = nil, at now: Date, on database: any Database) async throws {
        let state = try DisputeRules.decide(dispute.disputeState, input.decision)
        dispute.state = state.rawValue
        dispute.decisionReason = input.reason
        dispute.decidedByID = actor.userID
        dispute.decidedByLabel = actor.label
        dispute.decidedAt = now
        try await dispute.save(on: database)
        let who = try await name(of: lead, on: database)
        if state == .overturned {
            let before = SLAEscalation.snapshot(lead)
            lead.apply(try LeadLifecycle().apply(.overturnRejection(note: input.reason), to: lead.lifecycleState, at: now))
            try await LeadHandoff.startClock(lead, at: now, on: database)
            try await lead.save(on: database)
            try await AuditTrail.record(actor, entity: "lead", id: lead.id!, action: "move:overturn_rejection",
                                        changes: FieldChanges.diff(before: before, after: SLAEscalation.snapshot(lead)),
                                        reason: input.reason, requestID: requestID, at: now, on: database)
        }
        try await WebhookOutbox.publish(.leadDisputeDecided, data: eventData(dispute, lead: lead), at: now, on: database)
        let verdict = state == .overturned ? "overturned: \(who) is back in the queue as an MQL" : "upheld: \(who) stays rejected"
        for user in Set([dispute.repID, dispute.openedByID].compactMap { $0 }) where user != actor.userID {
            try await SLAEscalation.notify(user, "dispute.decided", "Dispute \(state.rawValue): \(who)",
                                           "\(actor.label) \(verdict). \(input.reason)", lead: lead, now: now, on: database)
        }
        try await AuditTrail.record(actor, entity: "lead", id: lead.id!, action: "dispute:\(input.decision.rawValue)",
                                    changes: ["dispute": .init(before: .string(DisputeState.open.rawValue),
                                                               after: .string(state.rawValue))],
                                    reason: input.reason, requestID: requestID, at: now, on: database)
    }

    /// Runs one escalation step of a dispute: the body of a `dispute.step` job, inside its transaction.
    public static func run(_ job: JobRecord, now: Date = Date(), on database: any Database) async throws {
        guard let payload = StoredJSON.decode(Payload.self, job.payload) else {
            throw AccordError.malformed("job \(job.id) has an unreadable payload")
        }
        _ = try await Catalog.sqlDatabase(database).select().column("id").from(DisputeModel.schema)
            .where("id", .equal, payload.disputeId).for(.update).first()
        guard let dispute = try await DisputeModel.find(payload.disputeId, on: database),
              let lead = try await LeadModel.find(dispute.$lead.id, on: database) else { return }
        let done = payload.step == .remind ? dispute.remindedAt != nil : dispute.overdueAt != nil
        guard payload.step.shouldAct(state: dispute.disputeState, dueAt: dispute.dueAt, scheduledDueAt: payload.scheduledFor,
                                     alreadyDone: done) else { return }
        let who = try await name(of: lead, on: database)
        let decider = dispute.managerID ?? dispute.repID
        switch payload.step {
        case .remind:
            dispute.remindedAt = now
            try await SLAEscalation.notify(decider, "dispute.reminder", "Decide the dispute: \(who)",
                                           "The dispute of \(who)'s rejection waits for your decision; it is "
                                            + "\(RelativeTime.describe(dispute.dueAt, now: now)).", lead: lead, now: now,
                                           on: database)
        case .overdue:
            dispute.overdueAt = now
            let admins = try await UserModel.query(on: database).filter(\.$role == UserRole.admin.rawValue)
                .filter(\.$isActive == true).all().compactMap(\.id)
            for user in Set([decider, dispute.openedByID].compactMap { $0 } + admins) {
                try await SLAEscalation.notify(user, "dispute.overdue", "Dispute overdue: \(who)",
                                               "Nobody decided the dispute of \(who)'s rejection in time (opened by "
                                                + "\(dispute.openedByLabel): \(dispute.reason)).", lead: lead, now: now,
                                               on: database)
            }
        }
        try await dispute.save(on: database)
        try await AuditTrail.record(.system, entity: "lead", id: lead.id!, action: "dispute:\(payload.step.rawValue)",
                                    changes: ["dispute": .init(before: .string("open"), after: .string("open"))],
                                    reason: dispute.reason, at: now, on: database)
    }

    /// What dispute webhooks say: the lead as lead events say it, and the dispute.
    static func eventData(_ dispute: DisputeModel, lead: LeadModel) -> JSONValue {
        guard case var .object(data) = LeadHandoff.eventData(lead) else { return .null }
        data["dispute"] = .object([
            "id": .string(dispute.id!.uuidString), "state": .string(dispute.state), "reason": .string(dispute.reason),
            "rejectionReason": .string(dispute.rejectionReason), "dueAt": .string(ISOTimestamp.format(dispute.dueAt)),
            "decisionReason": dispute.decisionReason.map(JSONValue.string) ?? .null,
        ])
        return .object(data)
    }

    static func name(of lead: LeadModel, on database: any Database) async throws -> String {
        let person = try await PersonModel.find(lead.$person.id, on: database)
        return person.map { [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ") }
            .flatMap { $0.isEmpty ? nil : $0 } ?? person?.email ?? "a lead"
    }
}
