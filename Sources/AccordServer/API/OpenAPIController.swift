import OpenAPIKit30
import Vapor

/// `GET /openapi.json`: the API document, built from the documented routes.
struct OpenAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json", use: Self.document).access(.open).openAPI(.init(
            tags: ["system"], summary: "This OpenAPI document", operationId: "getOpenAPIDocument",
            responses: [200: .response(description: "The OpenAPI 3.0 document", content: [.json: .init(schema: .object)])],
            security: []))
    }

    @Sendable static func document(_ request: Request) async throws -> Response {
        let document = APIDocument.make(from: request.application.routes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(document)))
        response.headers.contentType = .json
        return response
    }
}
