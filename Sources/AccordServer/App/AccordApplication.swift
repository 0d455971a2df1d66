import AccordCore
import AccordStore
import Fluent
import Foundation
import Leaf
import LeafKit
import Vapor

/// The composition root: builds the Vapor application from its parts.
public enum AccordApplication {
    /// The version reported by `/health`, the OpenAPI document and `--version`.
    public static let version = "0.1.0"

    /// Makes and configures an application. The caller starts it (`serve`) or tests it, then shuts it down.
    public static func make(_ configuration: AccordConfiguration, environment: Environment = .production,
                            migrate: Bool = true) async throws -> Application {
        let app = try await Application.make(environment)
        do {
            try await configure(app, configuration, migrate: migrate)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Wires databases, templates, middleware and routes onto `app`.
    public static func configure(_ app: Application, _ configuration: AccordConfiguration,
                                 migrate: Bool = true) async throws {
        app.logger.logLevel = configuration.logLevel
        app.directory = DirectoryConfiguration(workingDirectory: try resourcesDirectory(configuration))
        app.storage[ConfigurationKey.self] = configuration

        let location = configuration.database
        app.databases.use(try location.configurationFactory(), as: location.databaseID, isDefault: true)
        app.migrations.add(AccordMigrations.all, to: location.databaseID)
        if migrate {
            try await StorePreparation.prepare(app.databases, location: location, logger: app.logger)
            try await app.autoMigrate()
        }

        // Leaf's default limits refuse any path with a hidden folder in it, and SwiftPM builds the
        // templates under `.build`; the sandbox (no escaping the views folder) still applies.
        app.leaf.sources = .singleSource(NIOLeafFiles(
            fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
            sandboxDirectory: app.directory.viewsDirectory, viewDirectory: app.directory.viewsDirectory))
        app.views.use(.leaf)
        app.logger.debug("Templates from \(app.directory.viewsDirectory); files from \(app.directory.publicDirectory)")
        ContentConfiguration.global.use(encoder: JSONCoding.encoder, for: .json)
        ContentConfiguration.global.use(decoder: JSONCoding.decoder, for: .json)

        // Replace Vapor's default error middleware: problems are JSON on /api, HTML pages elsewhere.
        app.middleware = Middlewares()
        let metrics = AccordMetrics()
        app.accordMetrics = metrics
        app.middleware.use(RequestMetricsMiddleware(metrics: metrics))  // outermost: sees the final status
        app.middleware.use(ProblemMiddleware())
        app.middleware.use(MethodNotAllowedMiddleware(routes: app.routes))
        app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))

        // Every route goes through the policy: it authenticates and applies the route's declared access.
        let routes = app.routes.grouped(PolicyMiddleware(), IdempotencyMiddleware())
        try routes.register(collection: HealthController())
        try routes.register(collection: OpenAPIController())
        try routes.register(collection: ResourceController<AccountsResource>())
        try routes.register(collection: ResourceController<PersonsResource>())
        try routes.register(collection: ResourceController<CampaignsResource>())
        try routes.register(collection: ResourceController<TouchpointsResource>())
        try routes.register(collection: TouchpointBatchController())
        try routes.register(collection: ResourceController<OpportunitiesResource>())
        try routes.register(collection: ResourceController<LeadsResource>())
        try routes.register(collection: LeadMovesController())
        try routes.register(collection: LeadHandoffController())
        try routes.register(collection: LeadFeedbackController())
        try routes.register(collection: RequestsController())
        try routes.register(collection: AssetsController(maxBytes: configuration.assetMaxBytes))
        try routes.register(collection: TurnaroundController())
        try routes.register(collection: PressureController())
        try routes.register(collection: ScorecardController())
        try routes.register(collection: PressurePages())
        try routes.register(collection: PrivacyController())
        try routes.register(collection: ResourceController<FormsResource>())
        try routes.register(collection: FormPostController())
        try routes.register(collection: AnalyticsController())
        try routes.register(collection: AttributionController())
        try routes.register(collection: AuditController())
        try routes.register(collection: JobsController())
        try routes.register(collection: InboxController())
        try routes.register(collection: ResourceController<WebhooksResource>())
        try routes.register(collection: WebhookDeliveriesController())
        try routes.register(collection: MetricsController(isPublic: configuration.metricsPublic))
        try routes.register(collection: ResourceController<UsersResource>())
        try routes.register(collection: UserActionsController())
        try routes.register(collection: DefinitionsController())
        try routes.register(collection: ResourceController<TeamsResource>())
        try routes.register(collection: ResourceController<CalendarsResource>())
        try routes.register(collection: ResourceController<SLAPoliciesResource>())
        try routes.register(collection: ResourceController<RoutingRulesResource>())
        try routes.register(collection: ResourceController<MQLTargetsResource>())
        try routes.register(collection: ResourceController<FeedbackCodesResource>())
        try routes.register(collection: HomePage())
        try routes.register(collection: SignInPages())
        try routes.register(collection: ListPages())
        try routes.register(collection: DefinitionPages())
        try routes.register(collection: PersonPage())
        try routes.register(collection: QueuePages())
        try routes.register(collection: LeadPage())
        try routes.register(collection: RequestPages())
        try routes.register(collection: AssetPages(maxBytes: configuration.assetMaxBytes))
        try routes.register(collection: QualityPage())
        try routes.register(collection: AttributionPage())
        try routes.register(collection: ImportPage())
        try routes.register(collection: SettingsPages())
    }

    /// The folder holding `Resources/Views` and `Public`: configured, or the copy SwiftPM built beside the binary.
    static func resourcesDirectory(_ configuration: AccordConfiguration) throws -> String {
        if let configured = configuration.resourcesDirectory {
            return configured.hasSuffix("/") ? configured : configured + "/"
        }
        // `bundlePath`, not `resourcePath`: on Linux the latter points into a `Resources/` subfolder.
        let bundled = Bundle.module.bundlePath
        guard FileManager.default.fileExists(atPath: bundled + "/Resources/Views/base.leaf") else {
            throw Abort(.internalServerError, reason: "Accord's templates were not found in \(bundled); set ACCORD_RESOURCES")
        }
        return bundled + "/"
    }
}

/// Where the configuration is kept on the application.
struct ConfigurationKey: StorageKey {
    typealias Value = AccordConfiguration
}

extension Application {
    /// The configuration the application was made with.
    public var accordConfiguration: AccordConfiguration? { storage[ConfigurationKey.self] }
}
