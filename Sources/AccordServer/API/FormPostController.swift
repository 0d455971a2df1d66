import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `POST /api/v1/forms/{formKey}`: a website form post, public (the form key, a honeypot and per-address rate limits
/// protect it). JSON answers 201 (200 when replayed with its Idempotency-Key); a browser's form-encoded post answers
/// 303 to the form's success address.
struct FormPostController: RouteCollection {
    struct ResultDTO: Content {
        var status: String
        var personId: UUID?
        var touchpointId: UUID?
        var leadId: UUID?
        var campaignId: UUID?
    }

    static let fieldsSchema: JSONSchema = .object(properties: [
        "email": .string(format: .other("email"), maxLength: 254),
        "firstName": .string(required: false, maxLength: 100), "lastName": .string(required: false, maxLength: 100),
        "title": .string(required: false, maxLength: 200), "company": .string(required: false, maxLength: 200),
        "landingUrl": .string(required: false, maxLength: 2_000), "referrer": .string(required: false, maxLength: 2_000),
        "utm_source": .string(required: false, maxLength: 100), "utm_medium": .string(required: false, maxLength: 100),
        "utm_campaign": .string(required: false, maxLength: 200),
    ])

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "forms").on(.POST, ":formKey", body: .collect(maxSize: "64kb"), use: Self.post)
            .access(.open).openAPI(.init(
                tags: ["forms"], summary: "A website form post (public)",
                description: "Form-encoded or JSON. The person is found or created by normalized email and matched to an "
                    + "account; UTM tags (fields, or the landing page's query) and the referrer say where the visit came from "
                    + "and find or create the campaign (unless the form has its own); a form_submitted touchpoint is recorded "
                    + "and the person rescored, which may qualify them and route a lead. The form's honeypot field, when "
                    + "filled, and a suppressed address are answered like a success and store nothing. At most "
                    + "\(FormIntake.postsPerWindow) posts per address in \(Int(FormIntake.window / 60)) minutes (429 with Retry-After).",
                operationId: "postForm",
                requestBody: .b(OpenAPI.Request(content: [
                    .json: .init(schema: Self.fieldsSchema), .form: .init(schema: Self.fieldsSchema),
                ], required: true)),
                responses: [
                    201: APISchemas.json("Stored (JSON)", .object(properties: [
                        "status": .string, "personId": APISchemas.uuid(required: false, nullable: true),
                        "touchpointId": APISchemas.uuid(required: false, nullable: true),
                        "leadId": APISchemas.uuid(required: false, nullable: true),
                        "campaignId": APISchemas.uuid(required: false, nullable: true),
                    ])),
                    303: .b(OpenAPI.Response(description: "Stored (form-encoded): on to the form's success address")),
                    404: APISchemas.problem("No active form with this key"),
                    422: APISchemas.problem("The email is missing or invalid, or a field is too long"),
                    429: APISchemas.problem("Too many posts from this address; retry after the Retry-After seconds"),
                ], security: []))
    }

    /// The post's fields as text: form-encoded as sent, JSON strings (numbers and booleans as written).
    static func fields(_ request: Request) throws -> [String: String] {
        if request.headers.contentType == .urlEncodedForm {
            return (try? request.content.decode([String: String].self)) ?? [:]
        }
        guard case let .object(object) = try request.jsonBody() else {
            throw AccordError.malformed("the body must be a JSON object or a form-encoded post")
        }
        return object.compactMapValues { value in
            switch value {
            case let .string(text): text
            case let .integer(number): String(number)
            case let .number(number): String(number)
            case let .bool(flag): String(flag)
            default: nil
            }
        }
    }

    @Sendable static func post(_ request: Request) async throws -> Response {
        let key = request.parameters.get("formKey") ?? ""
        guard let form = try await FormModel.query(on: request.db).filter(\.$key == key).filter(\.$isActive == true).first() else {
            throw AccordError.notFound(entity: "form", id: key)
        }
        let now = Date()
        let address = request.clientAddress  // the proxy's X-Forwarded-For when the peer is a trusted proxy
        let limit = request.application.accordConfiguration?.formPostsPerAddress ?? FormIntake.postsPerWindow
        try await request.db.writeTransaction { database in
            try await FormIntake.countPost(from: address, now: now, limit: limit, on: database)
        }
        let fields = try Self.fields(request)
        let browser = request.headers.contentType == .urlEncodedForm
        var outcome = FormIntake.Outcome.ignored
        if (fields[form.honeypotField] ?? "").isEmpty {
            let submission = try WebForm.read(fields)
            outcome = try await request.db.writeTransaction { database in
                try await FormIntake.submit(submission, to: form, now: now, on: database)
            }
        } else {
            request.logger.info("form \(form.key): honeypot filled by \(address); nothing stored")
        }
        if browser {
            guard let success = form.successURL else {
                return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .init(string: "Thank you.\n"))
            }
            return Response(status: .seeOther, headers: ["Location": success])
        }
        let body: ResultDTO = switch outcome {
        case let .stored(person, touchpoint, lead, campaign):
            ResultDTO(status: "stored", personId: person, touchpointId: touchpoint, leadId: lead, campaignId: campaign)
        case .ignored:
            ResultDTO(status: "stored")  // a bot is not told what it missed
        }
        return try await body.encodeResponse(status: .created, for: request)
    }
}
