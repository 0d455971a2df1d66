import AccordCore
import FluentKit
import Foundation

/// A piece of collateral in proofing: its versions, its reviewers and their reviews, its due time.
public final class AssetModel: Model, @unchecked Sendable {
    public static let schema = "assets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    /// Core's `AssetType`.
    @Field(key: "type") public var type: String
    @Field(key: "due_at") public var dueAt: Date
    /// Core's `AssetState`.
    @Field(key: "state") public var state: String
    @OptionalField(key: "created_by_id") public var createdByID: UUID?
    @Field(key: "created_by_label") public var createdByLabel: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "current_version") public var currentVersion: Int?
    @OptionalField(key: "released_at") public var releasedAt: Date?

    public init() {}

    public init(input: AssetInput, by actor: AuditActor, at now: Date) {
        id = TimeOrderedID.make(at: now)
        title = input.title
        type = input.type.rawValue
        dueAt = input.dueAt
        state = AssetState.inReview.rawValue
        createdByID = actor.userID
        createdByLabel = actor.label
        createdAt = now
    }

    public var assetType: AssetType { AssetType(rawValue: type) ?? .brochure }
    public var assetState: AssetState { AssetState(rawValue: state) ?? .inReview }
}

/// One uploaded version of an asset; the file is kept in the database, so every instance serves it.
public final class AssetVersionModel: Model, @unchecked Sendable {
    public static let schema = "asset_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "asset_id") public var asset: AssetModel
    @Field(key: "number") public var number: Int
    @Field(key: "filename") public var filename: String
    /// Core's `FileSignature`: what the leading bytes are.
    @Field(key: "file_type") public var fileType: String
    @Field(key: "size") public var size: Int
    @Field(key: "sha256") public var sha256: String
    @Field(key: "content") public var content: Data
    @Field(key: "note") public var note: String
    @Field(key: "uploaded_by_label") public var uploadedByLabel: String
    @Field(key: "uploaded_at") public var uploadedAt: Date

    public init() {}

    public init(assetID: UUID, number: Int, filename: String, fileType: FileSignature, content: Data, sha256: String,
                note: String, by actor: AuditActor, at now: Date) {
        id = TimeOrderedID.make(at: now)
        $asset.id = assetID
        self.number = number
        self.filename = filename
        self.fileType = fileType.rawValue
        size = content.count
        self.sha256 = sha256
        self.content = content
        self.note = note
        uploadedByLabel = actor.label
        uploadedAt = now
    }
}

/// One reviewer of an asset and where their review stands (on the version they decided on).
public final class AssetReviewModel: Model, @unchecked Sendable {
    public static let schema = "asset_reviews"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "asset_id") public var asset: AssetModel
    @Parent(key: "reviewer_id") public var reviewer: UserModel
    @Field(key: "required") public var required: Bool
    /// Core's `ReviewState`.
    @Field(key: "state") public var state: String
    @OptionalField(key: "version") public var version: Int?
    @OptionalField(key: "comment") public var comment: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    /// When the reviewer was asked for the current version (the start of their turnaround).
    @Field(key: "requested_at") public var requestedAt: Date
    @OptionalField(key: "reminded_at") public var remindedAt: Date?
    @OptionalField(key: "escalated_at") public var escalatedAt: Date?

    public init() {}

    public init(assetID: UUID, reviewerID: UUID, required: Bool, at now: Date) {
        id = TimeOrderedID.make(at: now)
        $asset.id = assetID
        $reviewer.id = reviewerID
        self.required = required
        state = ReviewState.pending.rawValue
        requestedAt = now
    }

    public var reviewState: ReviewState { ReviewState(rawValue: state) ?? .pending }
}

/// An asset type's silence policy, set by admins (types without a row follow `AssetPolicy.standard`).
public final class AssetPolicyModel: Model, @unchecked Sendable {
    public static let schema = "asset_policies"

    @ID(custom: "type", generatedBy: .user) public var id: String?
    @Field(key: "silence_policy") public var silencePolicy: String
    @Field(key: "grace_hours") public var graceHours: Double
    @Field(key: "reminder_hours") public var reminderHours: Double
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(type: AssetType, policy: AssetPolicy) {
        id = type.rawValue
        set(policy)
    }

    public func set(_ policy: AssetPolicy) {
        silencePolicy = policy.silencePolicy.rawValue
        graceHours = policy.graceHours
        reminderHours = policy.reminderHours
    }

    public var policy: AssetPolicy {
        AssetPolicy(silencePolicy: SilencePolicy(rawValue: silencePolicy) ?? .escalateOnly, graceHours: graceHours,
                    reminderHours: reminderHours)
    }

    public static func policy(for type: AssetType, on database: any Database) async throws -> AssetPolicy {
        try await AssetPolicyModel.find(type.rawValue, on: database)?.policy ?? .standard
    }
}
