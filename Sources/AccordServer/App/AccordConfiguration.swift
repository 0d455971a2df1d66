import AccordCore
import AccordStore
import Foundation
import Logging

/// Everything Accord reads from its environment, read once at start and checked as a whole.
///
/// The keys are the environment variable names, so the README's table and this type cannot drift.
public struct AccordConfiguration: Sendable, Equatable {
    /// `DATABASE_URL` (postgres://…) or `ACCORD_DB` (an SQLite path; default `accord.sqlite`).
    public var database: DatabaseLocation
    /// `ACCORD_TIMEZONE`: the time zone of periods in reports (default UTC).
    public var timeZone: TimeZone
    /// `ACCORD_METRICS_PUBLIC=1` serves `/metrics` without a token.
    public var metricsPublic: Bool
    /// `ACCORD_LOG_LEVEL`: trace, debug, info (default), notice, warning, error, critical.
    public var logLevel: Logger.Level
    /// `ACCORD_RESOURCES`: a folder with `Resources/Views` and `Public`; default: the files built with Accord.
    public var resourcesDirectory: String?
    /// `ACCORD_TRUSTED_PROXIES`: addresses of reverse proxies whose X-Forwarded-Proto and -For are believed.
    public var trustedProxies: Set<String>
    /// `ACCORD_SMTP_HOST` (with `_PORT`, `_FROM`, `_USERNAME`, `_PASSWORD`): where email goes; nil sends none.
    public var smtp: SMTPSettings?
    /// Public form posts one address may make in ten minutes (`ACCORD_FORM_POSTS_PER_ADDRESS`).
    public var formPostsPerAddress = FormIntake.postsPerWindow
    /// The largest collateral file one may upload, in bytes (`ACCORD_ASSET_MAX_MB`, default 20 MB).
    public var assetMaxBytes = 20 * 1_024 * 1_024

    /// The variables Accord reads, with what each means, for `--help` and the README.
    public static let variables: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "postgres://user:password@host:port/database — use PostgreSQL instead of SQLite"),
        ("ACCORD_DB", "path of the SQLite file (default: accord.sqlite in the working directory)"),
        ("ACCORD_TIMEZONE", "IANA time zone of report periods (default: UTC)"),
        ("ACCORD_METRICS_PUBLIC", "1 serves /metrics without a token (default: 0)"),
        ("ACCORD_LOG_LEVEL", "trace, debug, info, notice, warning, error or critical (default: info)"),
        ("ACCORD_RESOURCES", "folder holding Resources/Views and Public (default: the copy built with Accord)"),
        ("ACCORD_TRUSTED_PROXIES", "comma-separated proxy addresses whose X-Forwarded-Proto/-For are believed"),
        ("ACCORD_SMTP_HOST", "SMTP server for SLA emails (none: no email); with ACCORD_SMTP_FROM (required),"),
        ("ACCORD_SMTP_PORT", "  ACCORD_SMTP_PORT (default 25), ACCORD_SMTP_USERNAME and ACCORD_SMTP_PASSWORD"),
        ("ACCORD_FORM_POSTS_PER_ADDRESS", "web form posts one address may make in 10 minutes (default 20)"),
        ("ACCORD_ASSET_MAX_MB", "largest collateral version one may upload, in MB (default 20, at most 200)"),
    ]

    public init(database: DatabaseLocation, timeZone: TimeZone = .gmt, metricsPublic: Bool = false,
                logLevel: Logger.Level = .info, resourcesDirectory: String? = nil, trustedProxies: Set<String> = [],
                smtp: SMTPSettings? = nil) {
        self.smtp = smtp
        self.database = database
        self.timeZone = timeZone
        self.metricsPublic = metricsPublic
        self.logLevel = logLevel
        self.resourcesDirectory = resourcesDirectory
        self.trustedProxies = trustedProxies
    }

    /// Reads the configuration, reporting every missing or invalid variable at once.
    public init(environment: [String: String], workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(AccordError) {
        var report = ValidationReport()
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }

        var database = DatabaseLocation.sqlite(path: "accord.sqlite")
        if let url = value("DATABASE_URL") {
            if let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
               components.host?.isEmpty == false {
                database = .postgres(url: url)
                if value("ACCORD_DB") != nil {
                    report.add("ACCORD_DB", "cannot be used together with DATABASE_URL; set one of them")
                }
            } else {
                report.add("DATABASE_URL", "must look like postgres://user:password@host:5432/database")
            }
        } else {
            let path = value("ACCORD_DB") ?? "accord.sqlite"
            let absolute = path.hasPrefix("/") ? path : workingDirectory + "/" + path
            let folder = (absolute as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
                report.add("ACCORD_DB", "the folder \(folder) does not exist")
            }
            database = .sqlite(path: (absolute as NSString).standardizingPath)
        }

        var timeZone = TimeZone.gmt
        if let name = value("ACCORD_TIMEZONE") {
            if let zone = TimeZone(identifier: name) {
                timeZone = zone
            } else {
                report.add("ACCORD_TIMEZONE", "'\(name)' is not an IANA time zone such as Europe/Berlin")
            }
        }

        var metricsPublic = false
        if let flag = value("ACCORD_METRICS_PUBLIC") {
            switch flag.lowercased() {
            case "1", "true", "yes": metricsPublic = true
            case "0", "false", "no": metricsPublic = false
            default: report.add("ACCORD_METRICS_PUBLIC", "must be 1 or 0")
            }
        }

        var logLevel = Logger.Level.info
        if let level = value("ACCORD_LOG_LEVEL") {
            if let parsed = Logger.Level(rawValue: level.lowercased()) {
                logLevel = parsed
            } else {
                report.add("ACCORD_LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical")
            }
        }

        let resources = value("ACCORD_RESOURCES")
        if let resources, !FileManager.default.fileExists(atPath: resources + "/Resources/Views") {
            report.add("ACCORD_RESOURCES", "\(resources) has no Resources/Views folder")
        }

        var proxies = Set<String>()
        for address in (value("ACCORD_TRUSTED_PROXIES") ?? "").split(separator: ",") {
            let trimmed = address.trimmingCharacters(in: .whitespaces)
            if trimmed.split(separator: ".").count == 4 || trimmed.contains(":") {
                proxies.insert(trimmed)
            } else {
                report.add("ACCORD_TRUSTED_PROXIES", "'\(trimmed)' is not an IP address")
            }
        }

        var smtp: SMTPSettings?
        if let host = value("ACCORD_SMTP_HOST") {
            let port = value("ACCORD_SMTP_PORT").map { Int($0) } ?? 25
            if port == nil || !(1...65_535).contains(port!) { report.add("ACCORD_SMTP_PORT", "must be a port from 1 to 65535") }
            let from = value("ACCORD_SMTP_FROM")
            if from.flatMap({ try? EmailAddress($0) }) == nil {
                report.add("ACCORD_SMTP_FROM", "must be the sender's email address when ACCORD_SMTP_HOST is set")
            }
            if (value("ACCORD_SMTP_USERNAME") == nil) != (value("ACCORD_SMTP_PASSWORD") == nil) {
                report.add("ACCORD_SMTP_USERNAME", "and ACCORD_SMTP_PASSWORD go together")
            }
            smtp = SMTPSettings(host: host, port: port ?? 25, from: from ?? "", username: value("ACCORD_SMTP_USERNAME"),
                                password: value("ACCORD_SMTP_PASSWORD"))
        } else {
            for name in ["ACCORD_SMTP_PORT", "ACCORD_SMTP_FROM", "ACCORD_SMTP_USERNAME", "ACCORD_SMTP_PASSWORD"]
                where value(name) != nil {
                report.add(name, "needs ACCORD_SMTP_HOST")
            }
        }

        var formPosts = FormIntake.postsPerWindow
        if let text = value("ACCORD_FORM_POSTS_PER_ADDRESS") {
            if let number = Int(text), number > 0 { formPosts = number } else {
                report.add("ACCORD_FORM_POSTS_PER_ADDRESS", "must be a whole number above 0")
            }
        }

        var assetBytes = 20 * 1_024 * 1_024
        if let text = value("ACCORD_ASSET_MAX_MB") {
            if let number = Int(text), (1...200).contains(number) { assetBytes = number * 1_024 * 1_024 } else {
                report.add("ACCORD_ASSET_MAX_MB", "must be a whole number of megabytes from 1 to 200")
            }
        }

        try report.throwIfInvalid()
        self.init(database: database, timeZone: timeZone, metricsPublic: metricsPublic, logLevel: logLevel,
                  resourcesDirectory: resources, trustedProxies: proxies, smtp: smtp)
        formPostsPerAddress = formPosts
        assetMaxBytes = assetBytes
    }
}
