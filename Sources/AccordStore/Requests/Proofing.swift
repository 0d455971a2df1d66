import AccordCore
import Crypto
import FluentKit
import Foundation
import SQLKit

/// Collateral proofing: marketing creates an asset with reviewers from sales and marketing and a due time, uploads
/// versions (the type recognized from the file's leading bytes), reviewers approve or request changes on the current
/// version, and `asset.step` jobs remind the silent reviewers, escalate to their managers at the due time and apply
/// the type's silence policy after the grace period. The asset is released when every required review clears.
/// Every step is audited (entity `asset`). Call inside a write transaction.
public enum Proofing {
    public static let jobKind = "asset.step"

    struct Payload: Codable {
        var assetId: UUID
        var step: ReviewDeadlineStep
    }

    public static func create(_ input: AssetInput, by actor: AuditActor, requestID: String? = nil, at now: Date,
                              on database: any Database) async throws -> AssetModel {
        let users = try await UserModel.query(on: database).filter(\.$id ~~ input.reviewers.map(\.userID)).all()
        var report = ValidationReport()
        for (index, reviewer) in input.reviewers.enumerated() {
            let user = users.first { $0.id == reviewer.userID }
            if user == nil || user?.isActive != true || UserRole(rawValue: user?.role ?? "")?.side == nil {
                report.add("reviewers[\(index)].userId", "must be an active user from sales or marketing")
            }
        }
        try report.throwIfInvalid()
        let asset = AssetModel(input: input, by: actor, at: now)
        try await asset.create(on: database)
        for reviewer in input.reviewers {
            try await AssetReviewModel(assetID: asset.id!, reviewerID: reviewer.userID, required: reviewer.required, at: now)
                .create(on: database)
        }
        let policy = try await AssetPolicyModel.policy(for: input.type, on: database)
        for (step, at) in ReviewDeadlineStep.schedule(dueAt: input.dueAt, policy: policy) {
            try await JobQueue.enqueue(jobKind, payload: StoredJSON.text(Payload(assetId: asset.id!, step: step)),
                                       uniqueKey: step.uniqueKey(asset: asset.id!), runAt: at, on: database)
        }
        try await AuditTrail.record(actor, entity: "asset", id: asset.id!, action: "asset:create",
                                    changes: ["state": .init(before: .null, after: .string(asset.state))],
                                    reason: asset.title, requestID: requestID, at: now, on: database)
        return asset
    }

    /// Adds a version. Reviews that asked for changes (and approvals too when `substantive`) go back to pending and
    /// their reviewers are asked again.
    public static func addVersion(_ asset: AssetModel, filename: String, content: Data, note: String, substantive: Bool,
                                  by actor: AuditActor, requestID: String? = nil, at now: Date,
                                  on database: any Database) async throws -> AssetVersionModel {
        guard asset.assetState == .inReview else { throw AccordError.conflict("The asset was released already.") }
        guard let type = FileSignature.detect(content) else {
            throw AccordError.validation([FieldError(field: "file", problem: "is not a PDF, PNG, JPEG, GIF, Office document "
                + "or HTML email: its first bytes say otherwise, whatever its name or declared type")])
        }
        let allowed = FileSignature.allowed(for: asset.assetType)
        guard allowed.contains(type) else {
            throw AccordError.validation([FieldError(field: "file", problem: "is \(type.rawValue), which a "
                + "\(asset.type.replacingOccurrences(of: "_", with: " ")) cannot be (allowed: "
                + "\(allowed.map(\.rawValue).sorted().joined(separator: ", ")))")])
        }
        let number = (asset.currentVersion ?? 0) + 1
        let version = AssetVersionModel(assetID: asset.id!, number: number, filename: filename, fileType: type,
                                        content: content, sha256: Hex.string(SHA256.hash(data: content)), note: note,
                                        by: actor, at: now)
        try await version.create(on: database)
        asset.currentVersion = number
        try await asset.save(on: database)
        let reviews = try await AssetReviewModel.query(on: database).filter(\.$asset.$id == asset.id!).all()
        let next = ProofingRules.afterNewVersion(reviews.map(\.reviewState), substantive: substantive)
        var asked: [UUID] = []
        for (review, state) in zip(reviews, next) where state == .pending {
            // Asked (again) from now: a review sent back, or every review when the first file arrives; a review still
            // pending from an earlier version keeps its start.
            if review.reviewState != .pending || number == 1 {
                review.state = state.rawValue
                review.requestedAt = now
                review.decidedAt = nil
                review.remindedAt = nil
                review.escalatedAt = nil
                try await review.save(on: database)
            }
            asked.append(review.$reviewer.id)
        }
        try await tell(Set(asked), "asset.review_requested", "Review \(asset.title), version \(number)",
                       "\(actor.label) uploaded version \(number) (\(filename)). \(note) Due \(ISOTimestamp.format(asset.dueAt)).",
                       asset: asset, email: false, now: now, on: database)
        try await AuditTrail.record(actor, entity: "asset", id: asset.id!, action: "asset:version",
                                    changes: ["version": .init(before: number > 1 ? .integer(Int64(number - 1)) : .null,
                                                               after: .integer(Int64(number)))],
                                    reason: note.isEmpty ? filename : note, requestID: requestID, at: now, on: database)
        return version
    }

    /// A reviewer's decision on the current version; only the asset's reviewers may decide.
    public static func review(_ asset: AssetModel, _ input: ReviewInput, by actor: AuditActor, requestID: String? = nil,
                              at now: Date, on database: any Database) async throws -> AssetReviewModel {
        guard let user = actor.userID, let review = try await AssetReviewModel.query(on: database)
            .filter(\.$asset.$id == asset.id!).filter(\.$reviewer.$id == user).first() else {
            throw AccordError.forbidden("You are not a reviewer of this asset; only its reviewers decide on it.")
        }
        if let refusal = ProofingRules.refusal(version: input.version, currentVersion: asset.currentVersion,
                                               assetState: asset.assetState) { throw refusal }
        let before = review.state
        review.state = (input.decision == .approve ? ReviewState.approved : .changesRequested).rawValue
        review.version = input.version
        review.comment = input.comment
        review.decidedAt = now
        try await review.save(on: database)
        if let creator = asset.createdByID, creator != user {
            try await tell([creator], "asset.reviewed",
                           input.decision == .approve ? "Approved: \(asset.title)" : "Changes requested: \(asset.title)",
                           "\(actor.label) \(input.decision == .approve ? "approved" : "requested changes to") version "
                            + "\(input.version).\(input.comment.map { " \($0)" } ?? "")", asset: asset, email: false,
                           now: now, on: database)
        }
        try await AuditTrail.record(actor, entity: "asset", id: asset.id!, action: "asset:\(input.decision.rawValue)",
                                    changes: ["review": .init(before: .string(before), after: .string(review.state))],
                                    reason: input.comment, requestID: requestID, at: now, on: database)
        try await releaseIfCleared(asset, at: now, on: database)
        return review
    }

    /// Releases the asset when every required review clears, recording how many cleared by silence.
    static func releaseIfCleared(_ asset: AssetModel, at now: Date, on database: any Database) async throws {
        guard asset.assetState == .inReview else { return }
        let reviews = try await AssetReviewModel.query(on: database).filter(\.$asset.$id == asset.id!).all()
        guard ProofingRules.releasable(reviews.map { ($0.required, $0.reviewState) }) else { return }
        asset.state = AssetState.released.rawValue
        asset.releasedAt = now
        try await asset.save(on: database)
        let silent = reviews.filter { $0.required && $0.reviewState == .approvedOnSilence }.count
        let approved = reviews.filter { $0.required && $0.reviewState == .approved }.count
        let how = "\(approved) approved" + (silent > 0 ? ", \(silent) approved on silence" : "")
        try await AuditTrail.record(.system, entity: "asset", id: asset.id!, action: "asset:release",
                                    changes: ["state": .init(before: .string(AssetState.inReview.rawValue),
                                                             after: .string(asset.state))],
                                    reason: "version \(asset.currentVersion ?? 0) released: \(how)", at: now, on: database)
        try await tell(Set(reviews.map(\.$reviewer.id) + [asset.createdByID].compactMap { $0 }), "asset.released",
                       "Released: \(asset.title)", "Version \(asset.currentVersion ?? 0) is released (\(how)).",
                       asset: asset, email: false, now: now, on: database)
        try await WebhookOutbox.publish(.assetReleased, data: eventData(asset, silentApprovals: silent), at: now, on: database)
    }

    /// Runs one deadline step: the body of an `asset.step` job, inside its transaction.
    public static func run(_ job: JobRecord, now: Date = Date(), on database: any Database) async throws {
        guard let payload = StoredJSON.decode(Payload.self, job.payload) else {
            throw AccordError.malformed("job \(job.id) has an unreadable payload")
        }
        _ = try await Catalog.sqlDatabase(database).select().column("id").from(AssetModel.schema)
            .where("id", .equal, payload.assetId).for(.update).first()
        guard let asset = try await AssetModel.find(payload.assetId, on: database), asset.assetState == .inReview else { return }
        let silent = try await AssetReviewModel.query(on: database).filter(\.$asset.$id == asset.id!)
            .filter(\.$state == ReviewState.pending.rawValue).all()
        guard !silent.isEmpty else { return }
        switch payload.step {
        case .remind:
            for review in silent where review.remindedAt == nil {
                review.remindedAt = now
                try await review.save(on: database)
            }
            try await tell(Set(silent.map(\.$reviewer.id)), "asset.review_reminder", "Review due: \(asset.title)",
                           "Your review of \(asset.title) is due \(RelativeTime.describe(asset.dueAt, now: now)).",
                           asset: asset, email: true, now: now, on: database)
        case .escalate:
            for review in silent where review.escalatedAt == nil {
                review.escalatedAt = now
                try await review.save(on: database)
                let reviewer = try await UserModel.find(review.$reviewer.id, on: database)
                try await tell(try await managers(of: reviewer, on: database), "asset.review_overdue",
                               "Review overdue: \(asset.title)",
                               "\(reviewer?.name ?? "A reviewer") has not reviewed \(asset.title) by its due time "
                                + "(\(ISOTimestamp.format(asset.dueAt))).", asset: asset, email: true, now: now, on: database)
            }
            try await WebhookOutbox.publish(.assetReviewEscalated, data: eventData(asset, silentApprovals: 0), at: now,
                                            on: database)
            try await AuditTrail.record(.system, entity: "asset", id: asset.id!, action: "asset:escalate",
                                        changes: ["silentReviewers": .init(before: .null, after: .integer(Int64(silent.count)))],
                                        reason: "due \(ISOTimestamp.format(asset.dueAt)); the silent reviewers' managers were told",
                                        at: now, on: database)
        case .silence:
            guard try await AssetPolicyModel.policy(for: asset.assetType, on: database).silencePolicy == .approveOnSilence
            else { return }
            for review in silent where review.required {
                review.state = ReviewState.approvedOnSilence.rawValue
                review.version = asset.currentVersion
                review.decidedAt = now
                review.comment = "No answer by \(ISOTimestamp.format(asset.dueAt)) and the grace period: approved on silence"
                try await review.save(on: database)
                try await AuditTrail.record(.system, entity: "asset", id: asset.id!, action: "asset:approve_on_silence",
                                            changes: ["review": .init(before: .string(ReviewState.pending.rawValue),
                                                                      after: .string(review.state))],
                                            reason: review.comment, at: now, on: database)
            }
            try await releaseIfCleared(asset, at: now, on: database)
        }
    }

    /// Who hears that a reviewer is late: their manager, else their side's managers.
    static func managers(of user: UserModel?, on database: any Database) async throws -> Set<UUID> {
        guard let user else { return [] }
        if let manager = user.$manager.id { return [manager] }
        let role: UserRole = UserRole(rawValue: user.role)?.side == .marketing ? .marketingManager : .salesManager
        var query = UserModel.query(on: database).filter(\.$role == role.rawValue).filter(\.$isActive == true)
        if role == .salesManager, let team = user.$team.id { query = query.filter(\.$team.$id == team) }
        return Set(try await query.all().compactMap(\.id))
    }

    static func tell(_ users: Set<UUID>, _ kind: String, _ title: String, _ body: String, asset: AssetModel, email: Bool,
                     now: Date, on database: any Database) async throws {
        try await Inbox.tell(users, kind, title, body, link: "/assets/\(asset.id!.uuidString.lowercased())", email: email,
                             now: now, on: database)
    }

    public static func eventData(_ asset: AssetModel, silentApprovals: Int) -> JSONValue {
        .object(["asset": .object([
            "id": .string(asset.id!.uuidString), "title": .string(asset.title), "type": .string(asset.type),
            "state": .string(asset.state), "dueAt": .string(ISOTimestamp.format(asset.dueAt)),
            "version": asset.currentVersion.map { .integer(Int64($0)) } ?? .null,
            "silentApprovals": .integer(Int64(silentApprovals)),
        ])])
    }
}
