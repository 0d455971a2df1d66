import Foundation

/// What a piece of collateral is; each type has its own silence policy.
public enum AssetType: String, Vocabulary {
    case brochure, deck
    case onePager = "one_pager"
    case email
}

/// What happens to a required reviewer still silent after the due time and its escalation.
public enum SilencePolicy: String, Vocabulary {
    /// Keep escalating; the asset waits for a real decision.
    case escalateOnly = "escalate_only"
    /// After the grace period the review is recorded as approved on silence (never as a real approval).
    case approveOnSilence = "approve_on_silence"
}

/// An asset type's deadline rules.
public struct AssetPolicy: Sendable, Equatable, Codable {
    public var silencePolicy: SilencePolicy
    /// Hours after the due time before silence counts (for `approve_on_silence`).
    public var graceHours: Double
    /// Hours before the due time the silent reviewers are reminded.
    public var reminderHours: Double

    public init(silencePolicy: SilencePolicy, graceHours: Double = 24, reminderHours: Double = 24) {
        self.silencePolicy = silencePolicy
        self.graceHours = graceHours
        self.reminderHours = reminderHours
    }

    /// Until an admin says otherwise: every type waits for real decisions.
    public static let standard = AssetPolicy(silencePolicy: .escalateOnly)

    public static func read(_ json: JSONValue) throws(AccordError) -> AssetPolicy {
        var reader = FieldReader(json)
        let silence = reader.notNull("silencePolicy", reader.vocabulary("silencePolicy", SilencePolicy.self, required: true)).value
        let grace = reader.notNull("graceHours", reader.number("graceHours", in: 0...720)).value ?? 24
        let reminder = reader.notNull("reminderHours", reader.number("reminderHours", in: 0...720)).value ?? 24
        try reader.finish(entity: "asset policy")
        return AssetPolicy(silencePolicy: silence!, graceHours: grace, reminderHours: reminder)
    }
}

/// Where a review of an asset stands.
public enum ReviewState: String, Vocabulary {
    case pending, approved
    case changesRequested = "changes_requested"
    /// The reviewer stayed silent past the due time and the grace period under `approve_on_silence`.
    case approvedOnSilence = "approved_on_silence"

    /// Counts towards the release.
    public var clears: Bool { self == .approved || self == .approvedOnSilence }
}

/// A reviewer's decision on a version.
public enum ReviewDecision: String, Vocabulary {
    case approve
    case requestChanges = "request_changes"
}

/// Where an asset stands.
public enum AssetState: String, Vocabulary {
    case inReview = "in_review"
    case released
}

/// A new asset: what it is, when the reviews are due and who reviews it.
public struct AssetInput: Sendable, Equatable {
    public struct Reviewer: Sendable, Equatable {
        public var userID: UUID
        public var required: Bool

        public init(userID: UUID, required: Bool) {
            self.userID = userID
            self.required = required
        }
    }

    public var title: String
    public var type: AssetType
    public var dueAt: Date
    public var reviewers: [Reviewer]

    public init(title: String, type: AssetType, dueAt: Date, reviewers: [Reviewer]) {
        self.title = title
        self.type = type
        self.dueAt = dueAt
        self.reviewers = reviewers
    }

    public static func read(_ json: JSONValue, now: Date) throws(AccordError) -> AssetInput {
        var reader = FieldReader(json)
        let title = reader.notNull("title", reader.string("title", required: true, maxLength: 200)).value
        if let title, title.trimmingWhitespace().isEmpty { reader.problem("title", "must not be blank") }
        let type = reader.notNull("type", reader.vocabulary("type", AssetType.self, required: true)).value
        let due = reader.notNull("dueAt", reader.time("dueAt", required: true)).value
        if let due, due <= now { reader.problem("dueAt", "is in the past; reviews must be due later than now") }
        var reviewers: [Reviewer] = []
        switch reader.raw("reviewers") {
        case nil, .null?: reader.problem("reviewers", "is required: at least one reviewer")
        case let .array(items)?:
            if items.isEmpty { reader.problem("reviewers", "must name at least one reviewer") }
            if items.count > 50 { reader.problem("reviewers", "may name at most 50 reviewers") }
            for (index, item) in items.enumerated() {
                var nested = FieldReader(item, prefix: "reviewers[\(index)]")
                let user = nested.notNull("userId", nested.id("userId", required: true)).value
                let required = nested.notNull("required", nested.bool("required")).value ?? true
                nested.rejectUnknownFields(entity: "reviewer")
                reader.absorb(nested)
                if let user {
                    if reviewers.contains(where: { $0.userID == user }) {
                        reader.problem("reviewers[\(index)].userId", "names the same reviewer twice")
                    } else {
                        reviewers.append(Reviewer(userID: user, required: required))
                    }
                }
            }
            if !items.isEmpty, !reviewers.isEmpty, !reviewers.contains(where: \.required) {
                reader.problem("reviewers", "must include at least one required reviewer")
            }
        case let value?: reader.problem("reviewers", "must be an array of {userId, required}, not \(value.typeName)")
        }
        try reader.finish(entity: "asset")
        return AssetInput(title: title!.trimmingWhitespace(), type: type!, dueAt: due!, reviewers: reviewers)
    }
}

/// A reviewer's decision as the API takes it.
public struct ReviewInput: Sendable, Equatable {
    public var version: Int
    public var decision: ReviewDecision
    public var comment: String?

    public init(version: Int, decision: ReviewDecision, comment: String?) {
        self.version = version
        self.decision = decision
        self.comment = comment
    }

    public static func read(_ json: JSONValue) throws(AccordError) -> ReviewInput {
        var reader = FieldReader(json)
        let version = reader.notNull("version", reader.integer("version", required: true, in: 1...10_000)).value
        let decision = reader.notNull("decision", reader.vocabulary("decision", ReviewDecision.self, required: true)).value
        let comment = reader.string("comment", maxLength: 5_000).value?.trimmingWhitespace()
        if decision == .requestChanges, (comment ?? "").count < 3 {
            reader.problem("comment", "must say what to change, in at least 3 characters")
        }
        try reader.finish(entity: "review")
        return ReviewInput(version: Int(version!), decision: decision!, comment: comment.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// The rules of proofing: reviewers decide on the current version; a new version sends the reviews that asked for
/// changes (and, when the uploader says the change is substantive, the approvals) back to pending; the asset is
/// released when every required review clears (approved, or approved on silence under that policy).
public enum ProofingRules {
    /// The review states after a new version: changes requested go back to pending; approvals too when `substantive`.
    public static func afterNewVersion(_ states: [ReviewState], substantive: Bool) -> [ReviewState] {
        states.map { state in
            switch state {
            case .changesRequested: .pending
            case .approved, .approvedOnSilence: substantive ? .pending : state
            case .pending: .pending
            }
        }
    }

    /// Why the decision cannot be taken, or nil.
    public static func refusal(version: Int, currentVersion: Int?, assetState: AssetState) -> AccordError? {
        if assetState == .released { return .conflict("The asset was released already.") }
        guard let currentVersion else { return .conflict("The asset has no version to review yet.") }
        if version != currentVersion {
            return .conflict("Version \(version) is not the current one; review version \(currentVersion).")
        }
        return nil
    }

    /// Whether every required review clears.
    public static func releasable(_ reviews: [(required: Bool, state: ReviewState)]) -> Bool {
        let required = reviews.filter(\.required)
        return !required.isEmpty && required.allSatisfy(\.state.clears)
    }
}

/// The deadline steps of an asset in review: a reminder to the silent reviewers before the due time, escalation to
/// each silent reviewer's manager at the due time, and after the grace period the silence policy.
public enum ReviewDeadlineStep: String, Vocabulary {
    case remind, escalate, silence

    public static func schedule(dueAt: Date, policy: AssetPolicy) -> [(step: ReviewDeadlineStep, at: Date)] {
        var steps: [(ReviewDeadlineStep, Date)] = [(.remind, dueAt.addingTimeInterval(-policy.reminderHours * 3_600)),
                                                   (.escalate, dueAt)]
        if policy.silencePolicy == .approveOnSilence { steps.append((.silence, dueAt.addingTimeInterval(policy.graceHours * 3_600))) }
        return steps
    }

    public func uniqueKey(asset: UUID) -> String { "asset:\(asset.uuidString.lowercased()):\(rawValue)" }
}

/// The file types collateral may be, recognized from a file's leading bytes (never from the name or the client's
/// Content-Type), with the media type it is served as (always as an attachment).
public enum FileSignature: String, Sendable, CaseIterable {
    case pdf, png, jpeg, gif
    /// A Word, PowerPoint or Excel file (a zip with `[Content_Types].xml`).
    case office
    /// An HTML email.
    case html

    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .office: "application/octet-stream"
        case .html: "text/html"
        }
    }

    public static func detect(_ bytes: some Collection<UInt8>) -> FileSignature? {
        let head = Array(bytes.prefix(512))
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // An OOXML package names its first entry [Content_Types].xml (a plain zip may be anything).
            let name = Array("[Content_Types].xml".utf8)
            return head.count >= 30 + name.count && Array(head[30..<(30 + name.count)]) == name ? .office : nil
        }
        var text = head.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        text = text.prefix(15)
        let lowered = String(decoding: text, as: UTF8.self).lowercased()
        if lowered.hasPrefix("<!doctype html") || lowered.hasPrefix("<html") { return .html }
        return nil
    }

    /// Which types an asset type accepts.
    public static func allowed(for type: AssetType) -> Set<FileSignature> {
        switch type {
        case .brochure, .onePager: [.pdf, .png, .jpeg, .gif, .office]
        case .deck: [.pdf, .office]
        case .email: [.html, .pdf, .png, .jpeg]
        }
    }
}
