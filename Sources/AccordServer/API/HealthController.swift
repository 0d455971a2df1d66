import AccordStore
import Fluent
import OpenAPIKit30
import SQLKit
import Vapor

/// `GET /health`: 200 while the database answers, 503 when it does not (load balancers read this).
struct HealthController: RouteCollection {
    struct HealthDTO: Content {
        var status: String
        var database: String
        var version: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: Self.health).access(.open).openAPI(.init(
            tags: ["system"], summary: "Whether Accord and its database are up", operationId: "getHealth",
            responses: [
                200: APISchemas.json("Accord and its database answer", APISchemas.ref("Health")),
                503: APISchemas.json("The database does not answer", APISchemas.ref("Health")),
            ], security: []))
    }

    @Sendable static func health(_ request: Request) async throws -> Response {
        let reachable = await databaseAnswers(request.db, within: .seconds(3))
        let body = HealthDTO(status: reachable ? "ok" : "unavailable", database: reachable ? "ok" : "unreachable",
                             version: AccordApplication.version)
        let response = try await body.encodeResponse(status: reachable ? .ok : .serviceUnavailable, for: request)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    /// Runs `SELECT 1`, giving up after `timeout` so a hung database cannot hang the health check.
    static func databaseAnswers(_ database: any Database, within timeout: Duration) async -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await sql.raw("SELECT 1").run()) != nil }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
