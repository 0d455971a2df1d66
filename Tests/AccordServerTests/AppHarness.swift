import AccordServer
import AccordStore
import AccordTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

/// Boots Accord on a database of the test's own (SQLite file, or a PostgreSQL schema with DATABASE_URL),
/// runs `body`, and tears everything down.
func withAccordApp(migrate: Bool = true, _ body: (Application) async throws -> Void) async throws {
    let isolated = try await IsolatedDatabase.make()
    let app: Application
    do {
        app = try await AccordApplication.make(AccordConfiguration(database: isolated.location),
                                               environment: .testing, migrate: migrate)
    } catch {
        try? await isolated.destroy()
        throw error
    }
    do {
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        try? await isolated.destroy()
        throw error
    }
    try await app.asyncShutdown()
    try await isolated.destroy()
}

extension TestingHTTPResponse {
    /// The decoded problem body of an error response.
    func problem() throws -> (code: String, message: String, fields: [String: String]) {
        struct Body: Decodable {
            struct Detail: Decodable {
                var code: String
                var message: String
                var fields: [[String: String]]
            }
            var error: Detail
        }
        let body = try JSONDecoder().decode(Body.self, from: Data(buffer: self.body))
        var fields: [String: String] = [:]
        for field in body.error.fields { fields[field["field"] ?? ""] = field["problem"] }
        return (body.error.code, body.error.message, fields)
    }
}
