import OpenAPIKit30
import Vapor

extension Route {
    private static let operationKey = "accord.openapi.operation"
    private static let webPageKey = "accord.web.page"

    /// Documents an API route; the OpenAPI document is built from these, so it cannot miss a route.
    @discardableResult
    func openAPI(_ operation: OpenAPI.Operation) -> Route {
        userInfo[Self.operationKey] = operation
        return self
    }

    /// Marks a route as an HTML page for people, which the API document leaves out on purpose.
    @discardableResult
    func webPage() -> Route {
        userInfo[Self.webPageKey] = true
        return self
    }

    /// The operation this route was documented with, if any.
    var documentedOperation: OpenAPI.Operation? { userInfo[Self.operationKey] as? OpenAPI.Operation }

    /// Whether the route is a web page rather than an API route.
    var isWebPage: Bool { userInfo[Self.webPageKey] as? Bool ?? false }

    /// The path in OpenAPI form: `/api/v1/leads/{leadID}`.
    var openAPIPath: String {
        "/" + path.map { component -> String in
            switch component {
            case let .constant(text): text
            case let .parameter(name): "{\(name)}"
            case .anything: "{any}"
            case .catchall: "{rest}"
            }
        }.joined(separator: "/")
    }
}
