import AccordCore
import AccordTestSupport
import FluentKit
import SQLKit
import Foundation
import Testing
@testable import AccordStore

/// Every Salesforce and HubSpot export of the demo imports back into the same database with no change.
@Suite struct ExportRoundTripTests {
    /// RFC 4180 for the test's own files (the command line writes with CSV.swift).
    static func line(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",") + "\n"
    }

    @Test("export → import finds no change: every Salesforce and HubSpot export")
    func roundTrip() async throws {
        try await withStore { store in try await Self.check(store.database) }
    }

    static func check(_ database: any Database) async throws {
        try await DemoWriter.write(DemoCompany.generate(scale: 0.1, seed: 4, asOf: CalendarDate.parse("2026-06-30")!), to: database)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let leadsBefore = try await LeadModel.query(on: database).all().map { "\($0.id!) \($0.stage)" }.sorted()
        let tables = ["touchpoints", "opportunities", "contact_roles", "campaign_costs", "campaigns", "persons", "accounts"]
        let countsBefore = try await counts(tables, database)
        for (entity, format) in [(ExportEntity.accounts, ExportFormat.salesforce), (.companies, .hubspot), (.contacts, .salesforce),
                                 (.leads, .salesforce), (.contacts, .hubspot), (.campaigns, .salesforce), (.campaignCosts, .salesforce),
                                 (.opportunities, .salesforce), (.deals, .hubspot), (.contactRoles, .salesforce),
                                 (.campaignMembers, .salesforce)] {
            var text = line(ExportTable.header(entity, format))
            var count = 0
            try await Exporter.rows(entity, format, on: database) { cells in
                text += line(cells)
                count += 1
            }
            let path = folder.appendingPathComponent("\(format.rawValue)-\(entity.rawValue).csv").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            // act: import it back, recognised from its headers alone
            let report = try await CSVImporter.run(file: path, options: .init(), actor: AuditActor(userID: nil, label: "test"), on: database)
            // check
            let label = "\(format.rawValue) \(entity.rawValue)"
            #expect(report.source.rawValue == format.rawValue, "\(label)")
            #expect(report.rows == count && count > 5, "\(label)")
            #expect(report.created == 0 && report.updated == 0 && report.rejected == 0 && report.unchanged == count,
                    "\(label): \(report.created) new, \(report.updated) updated, \(report.problems.prefix(3))")
            #expect(report.leadsCreated == 0 && report.leadsUpdated == 0, "\(label)")
        }
        let leadsAfter = try await LeadModel.query(on: database).all().map { "\($0.id!) \($0.stage)" }.sorted()
        #expect(leadsAfter == leadsBefore)
        #expect(try await counts(tables, database) == countsBefore)
    }

    static func counts(_ tables: [String], _ database: any Database) async throws -> [Int] {
        var result: [Int] = []
        for table in tables {
            result.append(try await Catalog.sqlDatabase(database).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!
                .decode(column: "n", as: Int.self))
        }
        return result
    }

    @Test("ndjson and csv carry Accord's own columns")
    func plainFormats() {
        let person = ExportPerson(id: UUID(), email: "a@b.example", firstName: "A, \"B\"", optedOut: true, stage: .sal)
        let header = ExportTable.header(.persons, .ndjson)
        let json = ExportTable.ndjson(header: header, cells: ExportTable.cells(person, .persons, .ndjson))
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["firstName"] as? String == "A, \"B\"" && object?["optedOut"] as? Bool == true && object?["stage"] as? String == "sal")
        #expect(object?["title"] == nil)
        #expect(ExportTable.crmID("salesforce:003X", person.id, .salesforce) == "003X")
        #expect(ExportTable.crmID("salesforce:003X", person.id, .hubspot) == "accord:" + person.id.uuidString)
        #expect(throws: FieldError.self) { try ExportTable.check(.companies, .salesforce) }
    }
}
