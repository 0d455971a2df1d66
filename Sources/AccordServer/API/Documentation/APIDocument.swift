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
