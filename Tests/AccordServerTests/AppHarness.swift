import AccordServer
import AccordCore
import AccordStore
import FluentKit
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
        if migrate { app.storage[DefaultTokenKey.self] = try await app.makeUser(role: .admin).token }
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

struct DefaultTokenKey: StorageKey {
    typealias Value = String
}

extension Application {
    /// The admin token requests use unless a test names another.
    var defaultToken: String? { storage[DefaultTokenKey.self] }

    /// A user of `role` (in `team`, created when named) with a token of `scopes`.
    func makeUser(role: UserRole, team: String? = nil, scopes: [TokenScope] = [.write],
                  expiresAt: Date? = nil) async throws -> (id: UUID, token: String) {
        var teamID: UUID?
        if let team {
            if let existing = try await TeamModel.query(on: db).filter(\.$name == team).first() {
                teamID = existing.id
            } else {
                let created = TeamModel(name: team, side: (role.side ?? .sales).rawValue)
                try await created.create(on: db)
                teamID = created.id
            }
        }
        let user = UserModel(email: "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@test.example",
                             name: role.rawValue, role: role.rawValue, teamID: teamID)
        try await user.create(on: db)
        let issued = try await TokenService.issue(for: user, name: "test", scopes: scopes,
                                                  expiresAt: expiresAt, on: db)
        return (try user.requireID(), issued.secret)
    }
}
