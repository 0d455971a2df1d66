import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /assets`: collateral in proofing and released, with the form marketing starts a review with;
/// `GET /assets/{id}`: the versions (downloads), the reviews, the upload form (marketing) and the review form (the
/// asset's reviewers). Forms post to `/assets…`, which call the same code as the API.
struct AssetPages: RouteCollection {
    /// The largest file a version may be (`ACCORD_ASSET_MAX_MB`).
    var maxBytes = 20 * 1_024 * 1_024
    struct Item: Encodable {
        var id: String
        var title: String
        var type: String
        var state: String
        var due: String
        var overdue: Bool
        var version: String
    }

    struct List: Encodable {
        var shell: Shell
        var notice: QueuePages.Notice?
        var items: [Item]
        var mayCreate: Bool
        var types: [String]
        var people: [LeadPage.Option]
    }

    struct Review: Encodable {
        var reviewer: String
        var required: Bool
        var state: String
        var comment: String?
        var when: String?
    }

    struct Version: Encodable {
        var number: Int
        var filename: String
        var size: String
        var uploaded: String
        var note: String
        var href: String
    }

    struct Detail: Encodable {
        var shell: Shell
        var notice: QueuePages.Notice?
        var id: String
        var title: String
        var type: String
        var state: String
        var due: String
        var overdue: Bool
        var versions: [Version]
        var reviews: [Review]
        var mayUpload: Bool
        var mayReview: Bool
        var currentVersion: Int
        var returnTo: String
        var history: [RequestPages.Step]
    }

    struct NewForm: Content {
        var title: String?
        var type: String?
        var dueAt: String?
        var required: [String]?
        var optional: [String]?
    }

    struct ReviewForm: Content {
        var version: String?
        var decision: String?
        var comment: String?
        var returnTo: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("assets", use: Self.list).webPage().requires(.read, .assets)
        routes.post("assets", use: Self.create).webPage().requires(.create, .assets)
        routes.get("assets", ":assetId", use: Self.detail).webPage().requires(.read, .assets)
        routes.on(.POST, "assets", ":assetId", "upload", body: .collect(maxSize: ByteCount(value: maxBytes + 64 * 1_024)), use: Self.upload).webPage()
            .requires(.update, .assets)
        routes.post("assets", ":assetId", "review", use: Self.review).webPage().requires(.read, .assets)
        // The API's download for a signed-in browser (the API takes tokens only): the same attachment and headers.
        routes.get("assets", ":assetId", "versions", ":number", "file", use: AssetsController.download).webPage()
            .requires(.read, .assets)
    }

    static func allowed(_ request: Request, _ action: Action) throws -> Bool {
        if case .allowed = AccessPolicy.decide(try request.principal(), action, .assets) { return true }
        return false
    }

    @Sendable static func list(_ request: Request) async throws -> View {
        let assets = try await AssetModel.query(on: request.db).sort(\.$createdAt, .descending).limit(200).all()
        let now = Date()
        let mayCreate = try allowed(request, .create)
        let people = mayCreate ? try await UserModel.query(on: request.db).filter(\.$isActive == true)
            .filter(\.$role != UserRole.admin.rawValue).sort(\.$name).all() : []
        return try await request.view.render("assets", List(
            shell: Shell(title: "Collateral", request: request), notice: QueuePages.notice(request),
            items: assets.map { asset in
                Item(id: asset.id!.uuidString.lowercased(), title: asset.title, type: asset.type.replacingOccurrences(of: "_", with: " "),
                     state: asset.state.replacingOccurrences(of: "_", with: " "),
                     due: RelativeTime.describe(asset.dueAt, now: now),
                     overdue: asset.assetState == .inReview && asset.dueAt < now,
                     version: asset.currentVersion.map { "v\($0)" } ?? "no file yet")
            }, mayCreate: mayCreate, types: AssetType.allCases.map(\.rawValue),
            people: people.map { LeadPage.Option(code: $0.id!.uuidString, label: "\($0.name) (\($0.role.replacingOccurrences(of: "_", with: " ")))") }))
    }

    @Sendable static func detail(_ request: Request) async throws -> View {
        let asset = try await request.record(AssetModel.self, parameter: "assetId", entity: "asset")
        let dto = try await AssetsController.dto(asset, on: request.db)
        let now = Date()
        let me = try request.principal().userID
        let path = "/assets/\(asset.id!.uuidString.lowercased())"
        return try await request.view.render("asset", Detail(
            shell: Shell(title: "Collateral: \(asset.title)", request: request), notice: QueuePages.notice(request),
            id: asset.id!.uuidString.lowercased(), title: asset.title, type: asset.type.replacingOccurrences(of: "_", with: " "),
            state: asset.state, due: "\(RelativeTime.describe(asset.dueAt, now: now)) (\(ISOTimestamp.format(asset.dueAt)))",
            overdue: dto.overdue,
            versions: dto.versions.reversed().map { version in
                Version(number: version.number, filename: version.filename, size: "\(max(1, version.size / 1_024)) KB",
                        uploaded: "\(version.uploadedBy), \(ISOTimestamp.format(version.uploadedAt))", note: version.note,
                        href: String(version.download.dropFirst("/api/v1".count)))
            },
            reviews: dto.reviews.map { review in
                Review(reviewer: review.reviewer, required: review.required,
                       state: review.state.replacingOccurrences(of: "_", with: " "),
                       comment: review.comment, when: review.decidedAt.map(ISOTimestamp.format))
            },
            mayUpload: asset.assetState == .inReview && (try allowed(request, .update)),
            mayReview: asset.assetState == .inReview && asset.currentVersion != nil && dto.reviews.contains { $0.reviewerId == me },
            currentVersion: asset.currentVersion ?? 0, returnTo: path,
            history: try await RequestPages.Step.history("asset", asset.id!, on: request.db)))
    }

    // MARK: Actions

    @Sendable static func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode(NewForm.self)
        // The form's date-time field is local to the browser without a zone: read as UTC, like the rest of Accord.
        var due = form.dueAt ?? ""
        if due.count == 16 { due += ":00Z" }
        let reviewers = (form.required ?? []).filter { !$0.isEmpty }.map { JSONValue.object(["userId": .string($0)]) }
            + (form.optional ?? []).filter { !$0.isEmpty && !(form.required ?? []).contains($0) }
            .map { JSONValue.object(["userId": .string($0), "required": .bool(false)]) }
        do {
            let input = try AssetInput.read(.object(["title": .string(form.title ?? ""), "type": .string(form.type ?? ""),
                                                     "dueAt": .string(due), "reviewers": .array(reviewers)]), now: Date())
            let asset = try await AssetsController.create(input, request: request)
            return request.redirect(to: QueuePages.with("/assets/\(asset.id!.uuidString.lowercased())", "done",
                                                        "Created; upload the first version."), redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with("/assets", "problem", QueuePages.describe(error)), redirectType: .normal)
        }
    }

    @Sendable static func upload(_ request: Request) async throws -> Response {
        let back = "/assets/\(request.parameters.get("assetId") ?? "")"
        do {
            let version = try await AssetsController.addVersion(request)
            return request.redirect(to: QueuePages.with(back, "done", "Version \(version.number) uploaded; the reviewers have been asked."),
                                    redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with(back, "problem", QueuePages.describe(error)), redirectType: .normal)
        }
    }

    @Sendable static func review(_ request: Request) async throws -> Response {
        let form = try request.content.decode(ReviewForm.self)
        let back = "/assets/\(request.parameters.get("assetId") ?? "")"
        do {
            var body: [String: JSONValue] = ["version": Int64(form.version ?? "").map(JSONValue.integer) ?? .string(form.version ?? ""),
                                             "decision": .string(form.decision ?? "")]
            if let comment = form.comment, !comment.isEmpty { body["comment"] = .string(comment) }
            _ = try await AssetsController.review(try ReviewInput.read(.object(body)), request: request)
            return request.redirect(to: QueuePages.with(back, "done", "Review recorded."), redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with(back, "problem", QueuePages.describe(error)), redirectType: .normal)
        }
    }
}
