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

        public init(userID: UUID, teamID: UUID?) {
            self.userID = userID
            self.teamID = teamID
        }
    }

    /// Asks the owner (or asks again, when an earlier grant expired); an open or answered request is returned as it is.
    @discardableResult
    public static func ask(campaign: CampaignModel, accountID: UUID, owner: Owner, note: String? = nil, by actor: AuditActor,
                           policy: ConsentPolicy, requestID: String? = nil, at now: Date, on database: any Database)
        async throws -> ConsentRequestModel {
        try await askAll(campaign: campaign, owners: [accountID: owner], note: note, by: actor, policy: policy,
                         requestID: requestID, at: now, on: database).rows[0]
    }

    /// What `askAll` did: each account's request (in the accounts' order), and how many were asked now.
    public struct Asked: Sendable {
        public var rows: [ConsentRequestModel]
        public var asked: Int
    }

    /// Asks the owners of many accounts about one campaign at once, each account once (asked again when an earlier
    /// grant expired). Each owner gets one message (inbox and email) naming their accounts, not one per account: a
    /// check found 1,449 protected accounts, and a rep who owned 150 of them got 150 messages. The requests, their
    /// due-time jobs, webhooks (one `consent.requested` per request) and audit events are written a few hundred per
    /// statement: asked one by one, those 1,449 took 9–18 s.
    public static func askAll(campaign: CampaignModel, owners: [UUID: Owner], note: String? = nil, by actor: AuditActor,
                              policy: ConsentPolicy, requestID: String? = nil, at now: Date, on database: any Database)
        async throws -> Asked {
        let accounts = owners.keys.sorted()
        var existing: [UUID: ConsentRequestModel] = [:]
        var names: [UUID: String] = [:]
        for first in stride(from: 0, to: accounts.count, by: 1_000) {
            let chunk = Array(accounts[first..<min(first + 1_000, accounts.count)])
            for row in try await ConsentRequestModel.query(on: database).filter(\.$campaign.$id == campaign.id!)
                .filter(\.$account.$id ~~ chunk).all() {
                existing[row.$account.id] = row
            }
            for account in try await AccountModel.query(on: database).filter(\.$id ~~ chunk).field(\.$id).field(\.$name).all() {
                names[account.id!] = account.name
            }
        }
        var rows: [ConsentRequestModel] = []
        var created: [ConsentRequestModel] = [], asked: [(row: ConsentRequestModel, before: String?)] = []
        for account in accounts {
            let owner = owners[account]!
            let row: ConsentRequestModel
            if let found = existing[account] {
                rows.append(found)
                guard ConsentRules.needsRequest(ConsentRules.effective(found.status, policy: policy, at: now)) else { continue }
                row = found
            } else {
                row = ConsentRequestModel()
                row.id = TimeOrderedID.make(at: now)
                row.$campaign.id = campaign.id!
                row.$account.id = account
                rows.append(row)
            }
            asked.append((row, existing[account]?.state))
            row.ownerID = owner.userID
            row.teamID = owner.teamID
            row.requestedByID = actor.userID
            row.requestedByLabel = actor.label
            row.note = note
            row.requestedAt = now
            row.status = ConsentRules.open(at: now, policy: policy)
            row.answeredByLabel = nil
            row.reason = nil
            if existing[account] == nil { created.append(row) } else { try await row.save(on: database) }
        }
        try await BulkInsert.models(created, on: database)
        guard !asked.isEmpty else { return Asked(rows: rows, asked: 0) }
        try await JobQueue.enqueueAll(jobKind, asked.map { row, _ in
            JobQueue.Job(payload: StoredJSON.text(Payload(consentId: row.id!, dueAt: row.dueAt)),
                         uniqueKey: "consent:\(row.id!):\(Int(row.dueAt.timeIntervalSince1970))", runAt: row.dueAt)
        }, on: database)
        // One message per owner, naming their accounts (all asked now share the due time).
        let dueAt = ISOTimestamp.format(asked[0].row.dueAt)
        let byOwner = Dictionary(grouping: asked.map(\.row), by: { $0.ownerID! })
        for (owner, requests) in byOwner.sorted(by: { $0.key < $1.key }) {
            let named = requests.map { names[$0.$account.id] ?? "an account" }
            let title: String, body: String, link: String
            if requests.count == 1 {
                title = "Consent asked: \(campaign.name) → \(named[0])"
                body = "\(actor.label) wants the campaign \(campaign.name) to reach people at \(named[0]), which you protect. "
                    + "Grant or deny it, with a reason, by \(dueAt)"
                link = Self.link(requests[0])
            } else {
                let shown = named.prefix(10).joined(separator: ", ") + (named.count > 10 ? " and \(named.count - 10) more" : "")
                title = "Consent asked: \(campaign.name) → \(requests.count) of your accounts"
                body = "\(actor.label) wants the campaign \(campaign.name) to reach people at \(requests.count) accounts you protect: "
                    + "\(shown). Grant or deny each, with a reason, by \(dueAt)"
                link = "/pressure/consents"
            }
            try await Inbox.tell([owner], "consent.requested", title, body + (note.map { ". \($0)" } ?? "."), link: link,
                                 email: true, now: now, on: database)
        }
        try await WebhookOutbox.publishAll(.consentRequested, asked.map { row, _ in
            eventData(row, campaign: campaign, accountName: names[row.$account.id])
        }, at: now, on: database)
        try await AuditTrail.recordAll(actor, entity: "consent", action: "consent:request", asked.map { row, before in
            AuditTrail.Entry(id: row.id!, changes: ["state": .init(before: before.map(JSONValue.string) ?? .null, after: .string(row.state))],
                             reason: note ?? campaign.name)
        }, requestID: requestID, at: now, on: database)
        return Asked(rows: rows, asked: asked.count)
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
        eventData(row, campaign: campaign, accountName: account?.name)
    }

    static func eventData(_ row: ConsentRequestModel, campaign: CampaignModel?, accountName: String?) -> JSONValue {
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISOTimestamp.format($0)) } ?? .null }
        return .object(["consent": .object([
            "id": .string(row.id!.uuidString), "state": .string(row.state), "onSilence": .bool(row.onSilence),
            "campaignId": .string(row.$campaign.id.uuidString), "campaign": campaign.map { .string($0.name) } ?? .null,
            "accountId": .string(row.$account.id.uuidString), "account": accountName.map(JSONValue.string) ?? .null,
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
