import OpenAPIKit30
import Vapor

/// Builds the OpenAPI 3.0 document from the application's documented routes.
enum APIDocument {
    static func make(from routes: Routes) -> OpenAPI.Document {
        var paths = OpenAPI.PathItem.Map()
        for route in routes.all {
            guard var operation = route.documentedOperation,
                  let method = OpenAPI.BuiltinHttpMethod(rawValue: route.method.rawValue) else { continue }
            let path = OpenAPI.Path(rawValue: route.openAPIPath)
            operation.parameters = pathParameters(of: route, declared: operation.parameters) + operation.parameters
            addCommonResponses(to: &operation, of: route)
            var item = paths[path]?.b ?? OpenAPI.PathItem()
            item.set(operation: operation, for: method)
            paths[path] = .b(item)
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_0_3,
            info: .init(title: "Accord", description: """
                Sales and marketing on one agreement: one lead definition, handoffs with an SLA, \
                mandatory feedback, closed-loop attribution. Errors share one shape (Problem).
                """, version: AccordApplication.version),
            servers: [],
            paths: paths,
            components: .init(schemas: APISchemas.components, securitySchemes: [
                "bearerAuth": OpenAPI.SecurityScheme(type: .http(scheme: "bearer", bearerFormat: "acc_…"),
                                                     description: "An API token from `accord token create`"),
            ]),
            security: [[.component(named: "bearerAuth"): []]]
        )
    }

    /// The answers any route of its kind can give besides its own (each a Problem body), unless it documents them:
    /// 401 without credentials and 403 outside the role or token scope on protected routes; 404 for a record in
    /// the path that is not there (or not the caller's); 400, 413, 415 and 422 for what a body or query can get wrong;
    /// 409 for a write that conflicts.
    private static func addCommonResponses(to operation: inout OpenAPI.Operation, of route: Route) {
        func add(_ code: Int, _ description: String) {
            let status = OpenAPI.Response.StatusCode.status(code: code)
            if operation.responses[status] == nil { operation.responses[status] = APISchemas.problem(description) }
        }
        let open = operation.security?.isEmpty == true
        let hasBody = operation.requestBody != nil
        let hasParameters = route.path.contains { if case .parameter = $0 { true } else { false } }
        let hasQuery = operation.parameters.contains { $0.b?.context.location == .query }
        if !open {
            add(401, "No credentials, or a token that is unknown, expired or revoked")
            add(403, "The caller's role or the token's scopes do not allow this")
        }
        if hasParameters { add(404, "Nothing with this id, or not in the caller's scope") }
        if hasBody {
            add(400, "The body is not valid JSON, or not the shape this route takes")
            add(413, "The body is too large")
            add(415, "The body is not in a media type this route takes")
        }
        if hasBody || hasQuery { add(422, "A field is invalid; every problem is listed by field") }
        if route.method != .GET { add(409, "The change conflicts with the record's state or another record") }
    }

    /// Every `{name}` in the path, declared as a required string parameter unless the route declared it.
    private static func pathParameters(of route: Route, declared: OpenAPI.Parameter.Array)
        -> OpenAPI.Parameter.Array {
        let declaredNames = Set(declared.compactMap { $0.b?.name })
        return route.path.compactMap { component in
            guard case let .parameter(name) = component, !declaredNames.contains(name) else { return nil }
            return .b(OpenAPI.Parameter(name: name, context: .path, schema: .string(format: .other("uuid"))))
        }
    }
}
