import AccordServer
import AccordTestSupport
import Foundation
import OpenAPIKit30
import Testing
import Vapor
import VaporTesting
@testable import AccordServer

/// `/health`, `/openapi.json`, error shapes and the start page.
@Suite struct SystemRoutesTests {
    @Test("health answers 200 while the database answers")
    func healthy() async throws {
        try await withAccordApp { app in
            try await app.testing().test(.GET, "/health") { response in
                #expect(response.status == .ok)
                let body = try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
                #expect(body["status"] == "ok")
                #expect(body["database"] == "ok")
                #expect(response.headers.first(name: .cacheControl)?.contains("no-store") == true)
            }
        }
    }

    @Test("health answers 503 when the database is unreachable")
    func unhealthy() async throws {
        // A PostgreSQL address where nothing listens.
        let configuration = AccordConfiguration(database: .postgres(url: "postgres://accord:x@127.0.0.1:1/accord"))
        let app = try await AccordApplication.make(configuration, environment: .testing, migrate: false)
        do {
            try await app.testing().test(.GET, "/health") { response in
                #expect(response.status == .serviceUnavailable)
                let body = try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
                #expect(body["database"] == "unreachable")
            }
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("every registered route is in the OpenAPI document or is a web page, and the document lists no other")
    func openAPIDocumentIsComplete() async throws {
        try await withAccordApp { app in
            // setup
            var served: OpenAPI.Document?
            try await app.testing().test(.GET, "/openapi.json") { response in
                #expect(response.status == .ok)
                #expect(response.headers.contentType == .json)
                served = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(buffer: response.body))
            }
            let document = try #require(served)
            let documented = Set(document.routes.flatMap { route in
                route.pathItem.endpoints.map { "\($0.method.rawValue) \(route.path.rawValue)" }
            })
            // check
            var expected = Set<String>()
            for route in app.routes.all {
                let key = "\(route.method.rawValue) \(route.openAPIPath)"
                if route.isWebPage {
                    #expect(!documented.contains(key), "web page \(key) should not be in the API document")
                    continue
                }
                #expect(route.documentedOperation != nil, "route \(key) has no OpenAPI operation")
                #expect(documented.contains(key), "route \(key) is missing from /openapi.json")
                expected.insert(key)
            }
            #expect(documented == expected)
            #expect(documented.contains("GET /health"))
            #expect(documented.contains("GET /openapi.json"))
            #expect(document.openAPIVersion == .v3_0_3)
        }
    }

    @Test("an unknown API address is a JSON not_found problem")
    func unknownAPIRoute() async throws {
        try await withAccordApp { app in
            try await app.testing().test(.GET, "/api/v1/nothing-here") { response in
                #expect(response.status == .notFound)
                #expect(response.headers.contentType == .json)
                let problem = try response.problem()
                #expect(problem.code == "not_found")
                #expect(response.headers.first(name: "X-Request-Id") != nil)
            }
        }
    }

    @Test("an unknown page is an HTML 404 page")
    func unknownPage() async throws {
        try await withAccordApp { app in
            try await app.testing().test(.GET, "/no-such-page") { response in
                #expect(response.status == .notFound)
                #expect(response.headers.contentType == .html)
                #expect(response.body.string.contains("404"))
                #expect(response.body.string.contains("Request id"))
            }
        }
    }

    @Test("the start page sends strangers to sign in; the sign-in page renders from the built templates")
    func startPage() async throws {
        try await withAccordApp { app in
            try await app.testing().test(.GET, "/") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/sign-in?next=%2F")
            }
            try await app.testing().test(.GET, "/sign-in") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("<html lang=\"en\">"))
                #expect(response.body.string.contains("/css/accord.css"))
                #expect(response.body.string.contains("<label for=\"password\">"))
            }
            try await app.testing().test(.GET, "/css/accord.css") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains(".shell-main"))
            }
        }
    }
}
