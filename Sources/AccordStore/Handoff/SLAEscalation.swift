import AccordCore
import FluentKit
import SQLKit
import Foundation

/// Escalation as jobs: when a lead's clock starts, one job per step (remind, breach, reassign, expire) is
/// enqueued for its time in the same transaction; each job re-reads the lead and acts only if the lead still
/// waits for the same due time and the step was not taken, so every step happens once, even when a sweep
/// enqueues it again or a worker dies half-way.
public enum SLAEscalation {
    public static let jobKind = "sla.step"

    /// What a step job carries: the lead, the step, and the due time (or expiry) it was scheduled for.
    struct Payload: Codable {
        var leadId: UUID
        var step: EscalationStep
        var scheduledFor: Date
    }

    /// Enqueues the lead's pending steps (none already taken, none from before `from`: by default the start of the
    /// lead's current clock).
    public static func schedule(_ lead: LeadModel, agreement: HandoffAgreement, from start: Date? = nil,
                                on database: any Database) async throws {
        guard let id = lead.id, let qualifiedAt = lead.qualifiedAt, let due = lead.slaDueAt,
              let expires = lead.expiresAt else { return }
        let priority = lead.priority.flatMap(LeadPriority.init(rawValue:))
        // The clock runs from the qualification, or from the last reassignment (the new owner's response time):
        // scheduled from the qualification, a reassigned lead's reminder fell in the past and went out again.
        let steps = EscalationStep.schedule(qualifiedAt: start ?? lead.slaReassignedAt ?? qualifiedAt, dueAt: due, expiresAt: expires,
                                            responseTime: agreement.policy.responseTime(for: priority),
                                            policy: agreement.policy.escalation, calendar: agreement.calendar)
        for (step, at) in steps {
            switch step {
            case .remind where lead.slaRemindedAt != nil, .breach where lead.slaBreachedAt != nil,
                 .reassign where lead.slaReassignedAt != nil:
                continue
            default: break
            }
            let scheduledFor = step == .expire ? expires : due
            let payload = StoredJSON.text(Payload(leadId: id, step: step, scheduledFor: scheduledFor))
            try await JobQueue.enqueue(jobKind, payload: payload,
                                       uniqueKey: step.uniqueKey(lead: id) + ":\(Int(scheduledFor.timeIntervalSince1970))",
                                       runAt: at, on: database)
        }
    }

    /// Schedules the steps of every lead still waiting for a first action (the sweep after a restore, an import
    /// or the demo); the unique keys and the steps taken keep this from doing anything twice. Returns how many leads.
    @discardableResult
    public static func scheduleWaiting(on database: any Database) async throws -> Int {
        let waiting = try await LeadModel.query(on: database).filter(\.$stage == LeadStage.mql.rawValue)
            .filter(\.$firstActionAt == nil).filter(\.$slaDueAt != nil).all()
        var agreements: [UUID?: HandoffAgreement] = [:]
        for lead in waiting {
            if agreements[lead.teamID] == nil {
                agreements[lead.teamID] = try await LeadHandoff.agreement(teamID: lead.teamID, on: database)
            }
            try await schedule(lead, agreement: agreements[lead.teamID]!, on: database)
        }
        return waiting.count
    }

    /// Runs one step: the body of an `sla.step` job, inside the job's transaction.
    public static func run(_ job: JobRecord, now: Date = Date(), on database: any Database) async throws {
        guard let payload = StoredJSON.decode(Payload.self, job.payload) else {
            throw AccordError.malformed("job \(job.id) has an unreadable payload")
        }
        // Steps of one lead run one at a time (several can be due together after downtime): lock the row first,
        // then read it, so each step sees what the one before it did.
        _ = try await Catalog.sqlDatabase(database).select().column("id").from(LeadModel.schema)
            .where("id", .equal, payload.leadId).for(.update).first()
        guard let lead = try await LeadModel.find(payload.leadId, on: database) else { return }  // gone
        let agreement = try await LeadHandoff.agreement(teamID: lead.teamID, on: database)
        let actions = payload.step.actions(scheduledFor: payload.scheduledFor, lead: lead.escalationState, now: now,
                                           policy: agreement.policy.escalation)
        guard !actions.isEmpty else { return }  // acted on, rescheduled since, or already taken
        let before = snapshot(lead)
        let person = try await PersonModel.find(lead.$person.id, on: database)
        let who = person.map { [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ") }
            .flatMap { $0.isEmpty ? nil : $0 } ?? person?.email ?? "a lead"
        var reason: String?
        for action in actions {
            switch action {
            case .remind:
                lead.slaRemindedAt = now
                let left = RelativeTime.describe(lead.slaDueAt ?? now, now: now)
                try await notify(lead.$owner.id, "lead.sla_warning", "\(who): \(left)",
                                 "You have not acted on \(who) yet; the SLA is \(left).", lead: lead, now: now,
                                 on: database)
            case let .breach(notifyManager):
                try await breach(lead, who: who, notifyManager: notifyManager, now: now, on: database)
            case .reassign:
                let previous = lead.$owner.id
                let previousName = try await previous.asyncFlatMap { try await UserModel.find($0, on: database) }?.name
                lead.slaReassignedAt = now
                let decision = try await LeadHandoff.reroute(lead, at: now, passingOver: previous, on: database)
                reason = decision.explanation
                try await notify(previous, "lead.reassigned", "Reassigned: \(who)",
                                 "\(who) went to someone else because nobody acted in time. \(decision.explanation)",
                                 lead: lead, now: now, on: database)
                if decision.ownerID != previous {
                    try await notify(decision.ownerID, "lead.assigned", "New lead: \(who)",
                                     "\(who) is yours now (\(previousName ?? "the previous owner") did not act in time). "
                                        + decision.explanation, lead: lead, now: now, on: database)
                }
            case .expire:
                lead.apply(try LeadLifecycle().apply(.expire, to: lead.lifecycleState, at: now))
                reason = LeadLifecycle.expiredReason
                try await notify(lead.$owner.id, "lead.recycled", "Recycled: \(who)",
                                 "\(who) reached the end of its shelf life untouched and went back to nurture.",
                                 lead: lead, now: now, on: database)
            }
        }
        try await lead.save(on: database)
        let event: WebhookEvent = switch payload.step {
        case .remind: .leadSLAWarning
        case .breach: .leadSLABreached
        case .reassign: .leadReassigned
        case .expire: .leadRecycled
        }
        try await WebhookOutbox.publish(event, data: LeadHandoff.eventData(lead), at: now, on: database)
        try await AuditTrail.record(.system, entity: "lead", id: lead.id!, action: "sla:\(payload.step.rawValue)",
                                    changes: FieldChanges.diff(before: before, after: snapshot(lead)), reason: reason,
                                    at: now, on: database)
    }

    /// The breach: the owner hears it, and their manager when the policy says so.
    static func breach(_ lead: LeadModel, who: String, notifyManager: Bool, now: Date,
                       on database: any Database) async throws {
        lead.slaBreachedAt = now
        let owner = try await lead.$owner.id.asyncFlatMap { try await UserModel.find($0, on: database) }
        try await notify(owner?.id, "lead.sla_breached", "SLA missed: \(who)",
                         "The response time for \(who) ran out; act now.", lead: lead, now: now, on: database)
        if notifyManager, let manager = try await manager(of: owner, on: database) {
            try await notify(manager, "lead.sla_breached", "SLA missed by \(owner?.name ?? "nobody"): \(who)",
                             "\(owner?.name ?? "Nobody") has not acted on \(who) in time.", lead: lead, now: now,
                             on: database)
        }
    }

    /// The fields an escalation step changes, for the audit trail.
    static func snapshot(_ lead: LeadModel) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISOTimestamp.format($0)) } ?? .null }
        return .object([
            "ownerId": lead.$owner.id.map { .string($0.uuidString) } ?? .null, "stage": .string(lead.stage),
            "slaDueAt": time(lead.slaDueAt), "slaRemindedAt": time(lead.slaRemindedAt),
            "slaBreachedAt": time(lead.slaBreachedAt), "slaReassignedAt": time(lead.slaReassignedAt),
            "routingReason": lead.routingReason.map(JSONValue.string) ?? .null,
            "recycleReason": lead.recycleReason.map(JSONValue.string) ?? .null,
        ])
    }

    /// The owner's manager, or their team's sales manager.
    static func manager(of owner: UserModel?, on database: any Database) async throws -> UUID? {
        guard let owner else { return nil }
        if let manager = owner.$manager.id { return manager }
        guard let team = owner.$team.id else { return nil }
        return try await UserModel.query(on: database).filter(\.$team.$id == team)
            .filter(\.$role == UserRole.salesManager.rawValue).filter(\.$isActive == true).first()?.id
    }

    /// Into the user's inbox, and by email for reminders and breaches when they want that.
    static func notify(_ user: UUID?, _ kind: String, _ title: String, _ body: String, lead: LeadModel, now: Date,
                       on database: any Database) async throws {
        guard let user else { return }
        try await NotificationModel(userID: user, kind: kind, title: title, body: body, leadID: lead.id, at: now)
            .create(on: database)
        guard let recipient = try await UserModel.find(user, on: database), recipient.isActive,
              (kind == "lead.sla_warning" && recipient.emailSLAWarnings)
                || (kind == "lead.sla_breached" && recipient.emailSLABreaches) else { return }
        try await Mailbox.enqueue(to: recipient.email, subject: title, body: body, on: database)
    }
}

extension LeadModel {
    /// What Core's escalation decision needs to know.
    var escalationState: EscalationLeadState {
        EscalationLeadState(stage: LeadStage(rawValue: stage) ?? .new, firstActionAt: firstActionAt, slaDueAt: slaDueAt,
                            expiresAt: expiresAt, remindedAt: slaRemindedAt, breachedAt: slaBreachedAt,
                            reassignedAt: slaReassignedAt)
    }
}
