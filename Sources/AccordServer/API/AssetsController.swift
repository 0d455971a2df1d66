import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// Collateral proofing in the API: assets with reviewers and a due time, versions uploaded as files, reviews on the
/// current version, downloads as attachments, and each asset type's silence policy.
struct AssetsController: RouteCollection {
    /// The largest file a version may be (`ACCORD_ASSET_MAX_MB`); a body beyond it (and the form's few fields) is 413
    /// before it is read whole.
    var maxBytes = 20 * 1_024 * 1_024
    struct VersionDTO: Content {
        var number: Int
        var filename: String
        var fileType: String
        var size: Int
        var sha256: String
        var note: String
        var uploadedBy: String
        var uploadedAt: Date
        var download: String
    }

    struct ReviewDTO: Content {
        var reviewerId: UUID
        var reviewer: String
        var required: Bool
        var state: String
        var version: Int?
        var comment: String?
        var requestedAt: Date
        var decidedAt: Date?
        /// True when the review cleared by the silence policy, not by the reviewer.
        var bySilence: Bool
    }

    struct DTO: Content {
        var id: UUID
        var title: String
        var type: String
        var state: String
        var dueAt: Date
        var overdue: Bool
        var createdBy: String
        var createdAt: Date
        var currentVersion: Int?
        var releasedAt: Date?
        var versions: [VersionDTO]
        var reviews: [ReviewDTO]
    }

    struct PolicyDTO: Content {
        var type: String
        var silencePolicy: String
        var graceHours: Double
        var reminderHours: Double
    }

    struct Upload: Content {
        var file: File?
        var note: String?
        var substantive: String?
    }

    static var versionSchema: JSONSchema {
        .object(properties: [
            "number": .integer, "filename": .string, "fileType": .string, "size": .integer, "sha256": .string,
            "note": .string, "uploadedBy": .string, "uploadedAt": .string(format: .dateTime), "download": .string,
        ])
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "title": .string, "type": APISchemas.choice(AssetType.self),
            "state": APISchemas.choice(AssetState.self), "dueAt": .string(format: .dateTime), "overdue": .boolean,
            "createdBy": .string, "createdAt": .string(format: .dateTime), "currentVersion": .integer(required: false),
            "releasedAt": .string(format: .dateTime, required: false), "versions": .array(items: versionSchema),
            "reviews": .array(items: .object(properties: [
                "reviewerId": APISchemas.uuid(), "reviewer": .string, "required": .boolean,
                "state": APISchemas.choice(ReviewState.self), "version": .integer(required: false),
                "comment": .string(required: false), "requestedAt": .string(format: .dateTime),
                "decidedAt": .string(format: .dateTime, required: false), "bySilence": .boolean,
            ])),
        ])
    }

    static var policySchema: JSONSchema {
        .object(properties: ["type": APISchemas.choice(AssetType.self), "silencePolicy": APISchemas.choice(SilencePolicy.self),
                             "graceHours": .number, "reminderHours": .number])
    }

    static let filters: [ListFilter<AssetModel>] = [
        .choice("state", column: "state", AssetState.self, "Only assets in this state"),
        .choice("type", column: "type", AssetType.self, "Only assets of this type"),
    ]

    func boot(routes: any RoutesBuilder) throws {
        let assets = routes.grouped("api", "v1", "assets")
        assets.on(.POST, body: .collect(maxSize: "64kb"), use: Self.create).requires(.create, .assets).openAPI(.init(
            tags: ["proofing"], summary: "Put collateral into review",
            description: "Marketing names the asset, its type, when the reviews are due and the reviewers (from sales and "
                + "marketing; required unless required is false). Upload the file as its first version next.",
            operationId: "createAsset", requestBody: APISchemas.body(.object(properties: [
                "title": .string(minLength: 1, maxLength: 200), "type": APISchemas.choice(AssetType.self),
                "dueAt": .string(format: .dateTime, description: "Later than now"),
                "reviewers": .array(minItems: 1, maxItems: 50, items: .object(properties: [
                    "userId": APISchemas.uuid(), "required": .boolean(required: false),
                ], additionalProperties: .init(false))),
            ], additionalProperties: .init(false))),
            responses: [201: APISchemas.json("The asset", Self.schema),
                        403: APISchemas.problem("Only marketing creates assets"),
                        422: APISchemas.problem("A field is missing or wrong: a due time in the past, a reviewer who is "
                            + "not an active sales or marketing user")]))
        assets.get(use: Self.list).requires(.read, .assets).openAPI(.init(
            tags: ["proofing"], summary: "Assets, newest first", operationId: "listAssets",
            parameters: APISchemas.pagingParameters + ListFilter.parameters(Self.filters),
            responses: [200: APISchemas.json("A page of assets", APISchemas.list(of: Self.schema))]))
        assets.get(":assetId", use: Self.read).requires(.read, .assets).openAPI(.init(
            tags: ["proofing"], summary: "One asset with its versions and reviews", operationId: "getAsset",
            responses: [200: APISchemas.json("The asset", Self.schema), 404: APISchemas.problem("No such asset")]))
        assets.on(.POST, ":assetId", "versions", body: .collect(maxSize: ByteCount(value: maxBytes + 64 * 1_024)), use: Self.upload)
            .requires(.update, .assets).openAPI(.init(
                tags: ["proofing"], summary: "Upload a new version",
                description: "multipart/form-data with `file`, `note`? and `substantive`? (true: approvals are asked "
                    + "again too; reviews that requested changes always are). The type is read from the file's first "
                    + "bytes (PDF, PNG, JPEG, GIF, Office, HTML), never from its name or declared type, and must suit the "
                    + "asset type. At most ACCORD_ASSET_MAX_MB (20 MB by default).",
                operationId: "uploadAssetVersion",
                requestBody: .b(OpenAPI.Request(content: [
                    OpenAPI.ContentType(rawValue: "multipart/form-data")!: .init(schema: .object(properties: [
                        "file": .string(format: .binary), "note": .string(required: false, maxLength: 2_000),
                        "substantive": .boolean(required: false),
                    ])),
                ], required: true)),
                responses: [201: APISchemas.json("The version", Self.versionSchema),
                            404: APISchemas.problem("No such asset"),
                            409: APISchemas.problem("The asset was released"),
                            413: APISchemas.problem("The file is larger than allowed"),
                            415: APISchemas.problem("Not multipart/form-data"),
                            422: APISchemas.problem("No file, or a file whose first bytes are not an allowed type")]))
        assets.get(":assetId", "versions", ":number", "file", use: Self.download).requires(.read, .assets).openAPI(.init(
            tags: ["proofing"], summary: "Download a version's file (always as an attachment)",
            operationId: "downloadAssetVersion",
            responses: [200: .b(OpenAPI.Response(description: "The file, as an attachment",
                                                 content: [OpenAPI.ContentType(rawValue: "application/octet-stream")!: .init(schema: .string(format: .binary))])),
                        404: APISchemas.problem("No such asset or version")]))
        assets.on(.POST, ":assetId", "reviews", body: .collect(maxSize: "64kb"), use: Self.review)
            .requires(.move("review"), .assets).openAPI(.init(
                tags: ["proofing"], summary: "Approve or request changes on the current version",
                description: "Only the asset's reviewers decide; a request for changes says what to change.",
                operationId: "reviewAsset", requestBody: APISchemas.body(.object(properties: [
                    "version": .integer(minimum: (1, exclusive: false)),
                    "decision": APISchemas.choice(ReviewDecision.self),
                    "comment": .string(required: false, maxLength: 5_000),
                ], additionalProperties: .init(false))),
                responses: [200: APISchemas.json("The asset after the review", Self.schema),
                            403: APISchemas.problem("The caller is not a reviewer of this asset"),
                            404: APISchemas.problem("No such asset"),
                            409: APISchemas.problem("Not the current version, no version yet, or released"),
                            422: APISchemas.problem("A field is missing or wrong (changes need a comment)")]))
        let policies = routes.grouped("api", "v1", "asset-policies")
        policies.get(use: Self.policies).requires(.read, .settings).openAPI(.init(
            tags: ["proofing"], summary: "Each asset type's silence policy", operationId: "listAssetPolicies",
            responses: [200: APISchemas.json("Every type", APISchemas.list(of: Self.policySchema))]))
        policies.on(.PUT, ":assetType", body: .collect(maxSize: "16kb"), use: Self.setPolicy)
            .requires(.update, .settings).openAPI(.init(
                tags: ["proofing"], summary: "Set an asset type's silence policy",
                description: "escalate_only keeps escalating; approve_on_silence records a silent required review as "
                    + "approved on silence graceHours after the due time (never as a real approval).",
                operationId: "setAssetPolicy", requestBody: APISchemas.body(.object(properties: [
                    "silencePolicy": APISchemas.choice(SilencePolicy.self),
                    "graceHours": .number(required: false, maximum: (720, exclusive: false), minimum: (0, exclusive: false)),
                    "reminderHours": .number(required: false, maximum: (720, exclusive: false), minimum: (0, exclusive: false)),
                ], additionalProperties: .init(false))),
                responses: [200: APISchemas.json("The policy", Self.policySchema),
                            404: APISchemas.problem("No such asset type"),
                            422: APISchemas.problem("A field is missing or wrong")]))
    }

    // MARK: Handlers

    @Sendable static func create(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .assets)
        let input = try AssetInput.read(try request.jsonBody(), now: Date())
        return try await dto(try await create(input, request: request), on: request.db)
            .encodeResponse(status: .created, for: request)
    }

    /// Puts the asset into review as the caller; the collateral page's form calls it too.
    static func create(_ input: AssetInput, request: Request) async throws -> AssetModel {
        try await request.db.writeTransaction { database in
            try await Proofing.create(input, by: request.auditActor, requestID: request.id, at: Date(), on: database)
        }
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let builder = AssetModel.query(on: request.db)
        let page = try request.listPage(filters: filters, on: builder, entity: "assets")
        let result = try await builder.page(page)
        var items: [DTO] = []
        for asset in result.items { items.append(try await dto(asset, on: request.db)) }
        return ListDTO(items: items, nextCursor: result.nextCursor)
    }

    @Sendable static func read(_ request: Request) async throws -> DTO {
        try await dto(try await request.record(AssetModel.self, parameter: "assetId", entity: "asset"), on: request.db)
    }

    @Sendable static func upload(_ request: Request) async throws -> Response {
        let version = try await addVersion(request)
        return try await versionDTO(version).encodeResponse(status: .created, for: request)
    }

    /// Reads the multipart upload and stores it as the asset's next version; the asset page's form calls it too.
    static func addVersion(_ request: Request) async throws -> AssetVersionModel {
        _ = try request.authorize(.update, .assets)
        guard request.headers.contentType?.type == "multipart", request.headers.contentType?.subType == "form-data" else {
            throw Abort(.unsupportedMediaType, reason: "Send the file as multipart/form-data with a 'file' field.")
        }
        let upload: Upload
        do { upload = try request.content.decode(Upload.self) } catch {
            throw AccordError.malformed("the multipart body could not be read")
        }
        guard let file = upload.file, file.data.readableBytes > 0 else {
            throw AccordError.validation([FieldError(field: "file", problem: "is required (the version's file)")])
        }
        let limit = request.application.accordConfiguration?.assetMaxBytes ?? 20 * 1_024 * 1_024
        guard file.data.readableBytes <= limit else {
            throw AccordError.payloadTooLarge("The file is \(file.data.readableBytes / 1_048_576) MB; versions may be at "
                + "most \(limit / 1_048_576) MB (ACCORD_ASSET_MAX_MB).")
        }
        let note = (upload.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2_000 else {
            throw AccordError.validation([FieldError(field: "note", problem: "is longer than 2000 characters")])
        }
        let substantive: Bool
        switch upload.substantive?.lowercased() {
        case nil, "", "false", "0", "off": substantive = false
        case "true", "1", "on": substantive = true
        case let other?: throw AccordError.validation([FieldError(field: "substantive", problem: "'\(other)' is not true or false")])
        }
        let filename = safeName(file.filename)
        return try await request.db.writeTransaction { database in
            let asset = try await request.record(AssetModel.self, parameter: "assetId", entity: "asset", on: database)
            return try await Proofing.addVersion(asset, filename: filename, content: Data(buffer: file.data), note: note,
                                                 substantive: substantive, by: request.auditActor, requestID: request.id,
                                                 at: Date(), on: database)
        }
    }

    /// The file's name without any path or characters a header or file system would misread.
    static func safeName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0.value != 0x7F }
            .map(Character.init)).prefix(200)
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "file" : String(cleaned)
    }

    @Sendable static func download(_ request: Request) async throws -> Response {
        let asset = try await request.record(AssetModel.self, parameter: "assetId", entity: "asset")
        let raw = request.parameters.get("number") ?? ""
        guard let number = Int(raw), let version = try await AssetVersionModel.query(on: request.db)
            .filter(\.$asset.$id == asset.id!).filter(\.$number == number).first() else {
            throw AccordError.notFound(entity: "version", id: raw)
        }
        let response = Response(status: .ok, body: .init(data: version.content))
        response.headers.replaceOrAdd(name: .contentType,
                                      value: FileSignature(rawValue: version.fileType)?.mediaType ?? "application/octet-stream")
        response.headers.contentDisposition = .init(.attachment, filename: version.filename)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // Even if a browser were talked into showing it, nothing in it runs.
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "sandbox; default-src 'none'")
        return response
    }

    @Sendable static func review(_ request: Request) async throws -> DTO {
        let input = try ReviewInput.read(try request.jsonBody())
        return try await review(input, request: request)
    }

    /// Records the caller's review of the asset in the path; the asset page's form calls it too.
    static func review(_ input: ReviewInput, request: Request) async throws -> DTO {
        _ = try request.authorize(.move("review"), .assets)
        return try await request.db.writeTransaction { database in
            let asset = try await request.record(AssetModel.self, parameter: "assetId", entity: "asset", on: database)
            _ = try await Proofing.review(asset, input, by: request.auditActor, requestID: request.id, at: Date(),
                                          on: database)
            return try await dto(asset, on: database)
        }
    }

    @Sendable static func policies(_ request: Request) async throws -> ListDTO<PolicyDTO> {
        var items: [PolicyDTO] = []
        for type in AssetType.allCases {
            items.append(policyDTO(type, try await AssetPolicyModel.policy(for: type, on: request.db)))
        }
        return ListDTO(items: items, nextCursor: nil)
    }

    @Sendable static func setPolicy(_ request: Request) async throws -> PolicyDTO {
        _ = try request.authorize(.update, .settings)
        let raw = request.parameters.get("assetType") ?? ""
        guard let type = AssetType(rawValue: raw) else { throw AccordError.notFound(entity: "asset type", id: raw) }
        let policy = try AssetPolicy.read(try request.jsonBody())
        try await request.db.writeTransaction { database in
            let row = try await AssetPolicyModel.find(type.rawValue, on: database)
            let before = row?.policy ?? .standard
            if let row {
                row.set(policy)
                try await row.save(on: database)
            } else {
                try await AssetPolicyModel(type: type, policy: policy).create(on: database)
            }
            try await AuditTrail.record(request.auditActor, entity: "asset_policy", id: AuditTrail.settingID("asset_policy:\(type.rawValue)"),
                                        action: "update",
                                        changes: ["\(type.rawValue).silencePolicy": .init(before: .string(before.silencePolicy.rawValue),
                                                                                          after: .string(policy.silencePolicy.rawValue)),
                                                  "\(type.rawValue).graceHours": .init(before: .number(before.graceHours),
                                                                                       after: .number(policy.graceHours))],
                                        requestID: request.id, on: database)
        }
        return policyDTO(type, policy)
    }

    static func policyDTO(_ type: AssetType, _ policy: AssetPolicy) -> PolicyDTO {
        PolicyDTO(type: type.rawValue, silencePolicy: policy.silencePolicy.rawValue, graceHours: policy.graceHours,
                  reminderHours: policy.reminderHours)
    }

    // MARK: DTOs

    static func versionDTO(_ version: AssetVersionModel) -> VersionDTO {
        VersionDTO(number: version.number, filename: version.filename, fileType: version.fileType, size: version.size,
                   sha256: version.sha256, note: version.note, uploadedBy: version.uploadedByLabel,
                   uploadedAt: version.uploadedAt,
                   download: "/api/v1/assets/\(version.$asset.id.uuidString.lowercased())/versions/\(version.number)/file")
    }

    static func dto(_ asset: AssetModel, on database: any Database) async throws -> DTO {
        let versions = try await AssetVersionModel.query(on: database).filter(\.$asset.$id == asset.id!)
            .field(\.$id).field(\.$asset.$id).field(\.$number).field(\.$filename).field(\.$fileType).field(\.$size)
            .field(\.$sha256).field(\.$note).field(\.$uploadedByLabel).field(\.$uploadedAt).sort(\.$number).all()
        let reviews = try await AssetReviewModel.query(on: database).filter(\.$asset.$id == asset.id!).all()
        let names = try await UserModel.query(on: database).filter(\.$id ~~ reviews.map(\.$reviewer.id)).all()
        return DTO(id: asset.id!, title: asset.title, type: asset.type, state: asset.state, dueAt: asset.dueAt,
                   overdue: asset.assetState == .inReview && asset.dueAt < Date()
                    && reviews.contains { $0.required && !$0.reviewState.clears },
                   createdBy: asset.createdByLabel, createdAt: asset.createdAt, currentVersion: asset.currentVersion,
                   releasedAt: asset.releasedAt, versions: versions.map(versionDTO),
                   reviews: reviews.map { review in
                       ReviewDTO(reviewerId: review.$reviewer.id,
                                 reviewer: names.first { $0.id == review.$reviewer.id }?.name ?? "",
                                 required: review.required, state: review.state, version: review.version,
                                 comment: review.comment, requestedAt: review.requestedAt, decidedAt: review.decidedAt,
                                 bySilence: review.reviewState == .approvedOnSilence)
                   })
    }
}
