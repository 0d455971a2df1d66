import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Consent requests for protected accounts: asked by a check (or by a marketer), answered by the account's owner with
/// a reason before the due time, settled by the policy's no-answer rule at the due time (`consent.step` job). Every
/// step is audited (entity `consent`), told to the people concerned (inbox and email) and published as a webhook.
/// Call inside a write transaction.
public enum Consents {
    public static let jobKind = "consent.step"

    struct Payload: Codable {
        var consentId: UUID
        var dueAt: Date
    }

    /// Who is asked for an account: its owner, else the owner of one of its open opportunities.
    public struct Owner: Sendable, Equatable {
        public var userID: UUID
        public var teamID: UUID?
    }

    /// Asks the owner (or asks again, when an earlier grant expired). Returns nil when nobody owns the account.
    @discardableResult
    public static func ask(campaign: CampaignModel, accountID: UUID, owner: Owner, note: String? = nil, by actor: AuditActor,
                           policy: ConsentPolicy, requestID: String? = nil, at now: Date, on database: any Database)
        async throws -> ConsentRequestModel {
        let existing = try await ConsentRequestModel.query(on: database).filter(\.$campaign.$id == campaign.id!)
            .filter(\.$account.$id == accountID).first()
        let row = existing ?? ConsentRequestModel()
        if let existing {
            let current = ConsentRules.effective(existing.status, policy: policy, at: now)
            guard ConsentRules.needsRequest(current) else { return existing }
        } else {
            row.id = TimeOrderedID.make(at: now)
            row.$campaign.id = campaign.id!
            row.$account.id = accountID
        }
        let before = existing?.state
        row.ownerID = owner.userID
        row.teamID = owner.teamID
        row.requestedByID = actor.userID
        row.requestedByLabel = actor.label
        row.note = note
        row.requestedAt = now
        row.status = ConsentRules.open(at: now, policy: policy)
        row.answeredByLabel = nil
        row.reason = nil
        try await row.save(on: database)
        let payload = StoredJSON.text(Payload(consentId: row.id!, dueAt: row.dueAt))
        try await JobQueue.enqueue(jobKind, payload: payload, uniqueKey: "consent:\(row.id!):\(Int(row.dueAt.timeIntervalSince1970))",
                                   runAt: row.dueAt, on: database)
        let account = try await AccountModel.find(accountID, on: database)
        try await Inbox.tell([owner.userID], "consent.requested", "Consent asked: \(campaign.name) → \(account?.name ?? "your account")",
                             "\(actor.label) wants the campaign \(campaign.name) to reach people at \(account?.name ?? "your account"), "
                                + "which you protect. Grant or deny it, with a reason, by \(ISOTimestamp.format(row.dueAt))"
                                + (note.map { ". \($0)" } ?? "."), link: link(row), email: true, now: now, on: database)
        try await WebhookOutbox.publish(.consentRequested, data: eventData(row, campaign: campaign, account: account),
                                        at: now, on: database)
        try await AuditTrail.record(actor, entity: "consent", id: row.id!, action: "consent:request",
                                    changes: ["state": .init(before: before.map(JSONValue.string) ?? .null, after: .string(row.state))],
                                    reason: note ?? campaign.name, requestID: requestID, at: now, on: database)
        return row
    }

    /// The owner's answer (who may answer is the access policy's; the rules say whether it can be answered now).
    public static func answer(_ row: ConsentRequestModel, _ decision: ConsentDecision, reason: String?, by actor: AuditActor,
                              policy: ConsentPolicy, requestID: String? = nil, at now: Date, on database: any Database)
        async throws {
        let before = row.state
        row.status = try ConsentRules.answer(row.status, decision, reason: reason, policy: policy, at: now)
        row.reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        row.answeredByLabel = actor.label
        try await row.save(on: database)
        try await announce(row, by: actor, now: now, on: database)
        try await AuditTrail.record(actor, entity: "consent", id: row.id!, action: "consent:\(decision.rawValue)",
                                    changes: ["state": .init(before: .string(before), after: .string(row.state))],
                                    reason: row.reason, requestID: requestID, at: now, on: database)
    }

    /// The body of a `consent.step` job: at the due time, silence is answered by the policy in force.
    public static func run(_ job: JobRecord, now: Date = Date(), on database: any Database) async throws {
        guard let payload = StoredJSON.decode(Payload.self, job.payload) else {
            throw AccordError.malformed("job \(job.id) has an unreadable payload")
        }
        _ = try await Catalog.sqlDatabase(database).select().column("id").from(ConsentRequestModel.schema)
            .where("id", .equal, payload.consentId).for(.update).first()
        guard let row = try await ConsentRequestModel.find(payload.consentId, on: database),
              row.state == ConsentState.pending.rawValue, row.dueAt == payload.dueAt || abs(row.dueAt.timeIntervalSince(payload.dueAt)) < 0.01,
              now >= row.dueAt.addingTimeInterval(-1) else { return }
        let policy = try await PressurePolicyModel.policy(on: database).consent
        row.status = ConsentRules.silence(row.status, policy: policy)
        row.answeredByLabel = "no answer"
        try await row.save(on: database)
        try await announce(row, by: .system, now: now, on: database)
        try await AuditTrail.record(.system, entity: "consent", id: row.id!, action: "consent:no_answer",
                                    changes: ["state": .init(before: .string(ConsentState.pending.rawValue), after: .string(row.state))],
                                    reason: "No answer by the due time: \(policy.onNoAnswer == .grant ? "granted" : "denied") by the policy",
                                    at: now, on: database)
    }

    /// Tells the requester (and, for silence, the owner) the answer; publishes `consent.answered`.
    static func announce(_ row: ConsentRequestModel, by actor: AuditActor, now: Date, on database: any Database) async throws {
        let campaign = try await CampaignModel.find(row.$campaign.id, on: database)
        let account = try await AccountModel.find(row.$account.id, on: database)
        let what = "\(campaign?.name ?? "the campaign") → \(account?.name ?? "the account")"
        let title: String
        let body: String
        if row.onSilence {
            title = "Consent \(row.state) on silence: \(what)"
            body = "Nobody answered by \(ISOTimestamp.format(row.dueAt)); the policy \(row.state == "granted" ? "grants" : "denies") it."
        } else {
            title = "Consent \(row.state): \(what)"
            body = "\(actor.label) \(row.state) it: \(row.reason ?? "")"
        }
        var users = Set([row.requestedByID].compactMap { $0 })
        if row.onSilence, let owner = row.ownerID { users.insert(owner) }
        try await Inbox.tell(users.subtracting([actor.userID].compactMap { $0 }), "consent.answered", title, body,
                             link: link(row), email: true, now: now, on: database)
        try await WebhookOutbox.publish(.consentAnswered, data: eventData(row, campaign: campaign, account: account),
                                        at: now, on: database)
    }

    static func link(_ row: ConsentRequestModel) -> String { "/pressure/consents#\(row.id!.uuidString.lowercased())" }

    public static func eventData(_ row: ConsentRequestModel, campaign: CampaignModel?, account: AccountModel?) -> JSONValue {
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISOTimestamp.format($0)) } ?? .null }
        return .object(["consent": .object([
            "id": .string(row.id!.uuidString), "state": .string(row.state), "onSilence": .bool(row.onSilence),
            "campaignId": .string(row.$campaign.id.uuidString), "campaign": campaign.map { .string($0.name) } ?? .null,
            "accountId": .string(row.$account.id.uuidString), "account": account.map { .string($0.name) } ?? .null,
            "ownerId": row.ownerID.map { .string($0.uuidString) } ?? .null, "requestedBy": .string(row.requestedByLabel),
            "dueAt": date(row.dueAt), "answeredAt": date(row.answeredAt), "validUntil": date(row.validUntil),
            "reason": row.reason.map(JSONValue.string) ?? .null,
        ])])
    }

    /// Whom to ask for each account: the account's owner, else an owner of one of its open opportunities.
    public static func owners(_ accounts: [UUID: UUID?], openOpportunityOwners: [UUID: UUID], on database: any Database)
        async throws -> [UUID: Owner] {
        var users: [UUID: UUID] = [:]
        for (account, owner) in accounts {
            if let owner = owner ?? openOpportunityOwners[account] { users[account] = owner }
        }
        let teams = try await UserModel.query(on: database).filter(\.$id ~~ Set(users.values)).all()
            .reduce(into: [UUID: UUID?]()) { $0[$1.id!] = $1.$team.id }
        return users.mapValues { Owner(userID: $0, teamID: teams[$0] ?? nil) }
    }
}
