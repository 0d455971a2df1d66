import Vapor

/// `GET /`: the start page. Until sign-in exists it says what this instance is and where to go next.
struct HomePage: RouteCollection, Encodable {
    var title = "Accord"
    var version = AccordApplication.version
    var database = ""

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: Self.render).webPage().access(.open)
    }

    @Sendable static func render(_ request: Request) async throws -> View {
        var page = HomePage()
        page.database = request.application.accordConfiguration?.database.isSQLite == false ? "PostgreSQL" : "SQLite"
        return try await request.view.render("home", page)
    }
}
