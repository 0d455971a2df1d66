import AccordCore
import AccordStore
import Foundation
import Testing
@testable import AccordServer

/// Configuration is read once, fails fast, and names every bad variable.
@Suite struct ConfigurationTests {
    @Test("with nothing set, Accord uses accord.sqlite in the working directory")
    func defaults() throws {
        let configuration = try AccordConfiguration(environment: [:], workingDirectory: "/tmp")
        #expect(configuration.database == .sqlite(path: "/tmp/accord.sqlite"))
        #expect(configuration.timeZone == .gmt)
        #expect(!configuration.metricsPublic)
        #expect(configuration.logLevel == .info)
    }

    @Test("DATABASE_URL switches to PostgreSQL; ACCORD_DB names another SQLite file")
    func databaseChoice() throws {
        let postgres = try AccordConfiguration(environment: ["DATABASE_URL": "postgres://a:b@127.0.0.1:5433/accord"])
        #expect(postgres.database == .postgres(url: "postgres://a:b@127.0.0.1:5433/accord"))
        #expect(!postgres.database.description.contains(":b@"), "the password must not reach logs")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-config-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let relative = try AccordConfiguration(environment: ["ACCORD_DB": "data/x.sqlite"], workingDirectory: folder)
        #expect(relative.database == .sqlite(path: folder + "/data/x.sqlite"))
        let absolute = try AccordConfiguration(environment: ["ACCORD_DB": "/tmp/x.sqlite"])
        #expect(absolute.database == .sqlite(path: "/tmp/x.sqlite"))
    }

    @Test("every invalid variable is reported at once, by name")
    func everyProblemAtOnce() {
        do {
            _ = try AccordConfiguration(environment: [
                "DATABASE_URL": "mysql://localhost/accord",
                "ACCORD_TIMEZONE": "Mars/Olympus_Mons",
                "ACCORD_METRICS_PUBLIC": "maybe",
                "ACCORD_LOG_LEVEL": "loud",
                "ACCORD_RESOURCES": "/nonexistent",
            ])
            Issue.record("an invalid configuration was accepted")
        } catch {
            #expect(error.code == "validation_failed")
            #expect(error.fields.map(\.field) == ["DATABASE_URL", "ACCORD_TIMEZONE", "ACCORD_METRICS_PUBLIC",
                                                  "ACCORD_LOG_LEVEL", "ACCORD_RESOURCES"])
        }
    }

    @Test("an SQLite file in a folder that does not exist is refused")
    func missingFolder() {
        #expect(throws: AccordError.self) {
            try AccordConfiguration(environment: ["ACCORD_DB": "/nonexistent/folder/accord.sqlite"])
        }
    }
}
