import AccordCore
import AccordStore
import Foundation
import Vapor

/// `GET /import` and `POST /import`: upload a Salesforce or HubSpot export and import it, through the same importer
/// as `accord import` (all or nothing, or skipping bad rows; dry runs), with the result and every problem by row and
/// column on the page. `GET /import/rejects/{file}` downloads the rows a skipping import left out.
struct ImportPage: RouteCollection {
    typealias Choice = AttributionPage.Choice

    struct Page: Encodable {
        var shell: Shell
        var sources: [Choice]
        var objects: [Choice]
        var dateFormats: [Choice]
        var mapping: String
        var dryRun: Bool
        var skipInvalid: Bool
        var result: Result?
    }

    struct Result: Encodable {
        var title: String
        var lines: [String]
        var problems: [CSVImporter.RowProblem]
        var more: Int
        var rejects: String?
    }

    /// The form as posted (multipart).
    struct Upload: Content {
        var file: File?
        var source: String?
        var object: String?
        var dateFormat: String?
        var mapping: String?
        var dryRun: String?
        var skipInvalid: String?
    }

    static let maximumUpload = 64 * 1024 * 1024

    func boot(routes: any RoutesBuilder) throws {
        routes.get("import", use: Self.show).webPage().requires(.create, .imports)
        routes.on(.POST, "import", body: .collect(maxSize: ByteCount(value: Self.maximumUpload)), use: Self.upload)
            .webPage().requires(.create, .imports)
        routes.get("import", "rejects", ":file", use: Self.rejects).webPage().requires(.create, .imports)
    }

    static func page(_ request: Request, _ upload: Upload = Upload(), result: Result? = nil) -> Page {
        let source = upload.source ?? "auto", object = upload.object ?? "auto", dates = upload.dateFormat ?? ""
        return Page(
            shell: Shell(title: "Import", request: request),
            sources: [("auto", "Detect from the headers"), ("salesforce", "Salesforce"), ("hubspot", "HubSpot")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == source)
            },
            objects: [Choice(value: "auto", label: "Detect from the headers", selected: object == "auto")]
                + ImportObject.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " "),
                                                     selected: $0.rawValue == object) },
            dateFormats: [("", "Refused when ambiguous"), ("dmy", "day/month/year"), ("mdy", "month/day/year")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == dates)
            },
            mapping: upload.mapping ?? "", dryRun: upload.dryRun == "true", skipInvalid: upload.skipInvalid == "true", result: result)
    }

    @Sendable static func show(_ request: Request) async throws -> View {
        try await request.view.render("import", page(request))
    }

    @Sendable static func upload(_ request: Request) async throws -> Response {
        var upload = try request.content.decode(Upload.self)
        var report = ValidationReport()
        guard let file = upload.file, file.data.readableBytes > 0 else {
            throw AccordError.validation([FieldError(field: "file", problem: "choose a CSV file to upload")])
        }
        var options = CSVImporter.Options()
        if let source = upload.source, source != "auto" {
            options.source = ImportSource(rawValue: source)
            if options.source == nil { report.add("source", "must be auto, salesforce or hubspot") }
        }
        if let object = upload.object, object != "auto" {
            options.object = ImportObject(rawValue: object)
            if options.object == nil { report.add("object", "is not an object Accord imports") }
        }
        if let dates = upload.dateFormat, !dates.isEmpty {
            options.dateOrder = SlashDateOrder(rawValue: dates)
            if options.dateOrder == nil { report.add("dateFormat", "must be dmy or mdy") }
        }
        if let mapping = upload.mapping?.trimmingCharacters(in: .whitespacesAndNewlines), !mapping.isEmpty {
            do { options.mapping = try ImportMapping.parse(Data(mapping.utf8)) } catch {
                if case let .validation(problems) = error { for problem in problems { report.add(problem.field, problem.problem) } }
            }
        }
        try report.throwIfInvalid()
        options.dryRun = upload.dryRun == "true"
        let folder = FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("accord-upload-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: file.data)) else {
            throw Abort(.insufficientStorage, reason: "The upload could not be stored for reading; try again.")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rejectsName: String?
        if upload.skipInvalid == "true" {
            options.skipInvalid = true
            rejectsName = "accord-rejects-\(Secrets.random().prefix(32)).csv"
            options.rejectsPath = folder.appendingPathComponent(rejectsName!).path
        }
        let result: Result
        var status = HTTPStatus.ok
        do {
            let outcome = try await CSVImporter.run(file: path, options: options, actor: request.auditActor, on: request.db)
            result = Result(title: outcome.written ? "Imported \(file.filename)" : outcome.dryRun ? "Dry run of \(file.filename)"
                                : "Nothing was imported from \(file.filename)",
                            lines: outcome.summary.map { $0.trimmingCharacters(in: .whitespaces) }, problems: outcome.problems,
                            more: max(0, outcome.rejected - Set(outcome.problems.map(\.row)).count),
                            rejects: outcome.rejected > 0 && options.skipInvalid ? rejectsName.map { "/import/rejects/" + $0 } : nil)
            if outcome.rejected > 0 && !options.skipInvalid { status = .unprocessableEntity }
        } catch let error as ImportSetupError {
            result = Result(title: "Nothing was imported from \(file.filename)", lines: [error.message], problems: [], more: 0, rejects: nil)
            status = .unprocessableEntity
        }
        upload.file = nil
        let view = try await request.view.render("import", page(request, upload, result: result))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }

    /// The rows a skipping import left out, as a download (the name is random and checked, never a path).
    @Sendable static func rejects(_ request: Request) async throws -> Response {
        let name = request.parameters.get("file") ?? ""
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        guard name.wholeMatch(of: /accord-rejects-[0-9A-Za-z_-]{1,64}\.csv/) != nil,
              let data = FileManager.default.contents(atPath: path) else {
            throw AccordError.notFound(entity: "rejects file", id: name)
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "rejected-rows.csv")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
