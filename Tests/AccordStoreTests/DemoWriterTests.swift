import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing
@testable import AccordStore

/// The demo company lands in the database whole, the same for the same seed, and only into an empty one.
@Suite struct DemoWriterTests {
    static let asOf = CalendarDate.parse("2026-06-30")!

    /// Counts and money sums as the database sees them.
    static func fingerprint(_ database: any Database) async throws -> [String: Int64] {
        let sql = try Catalog.sqlDatabase(database)
        var result: [String: Int64] = [:]
        for table in AccordMigrations.tables {
            result[table] = Int64(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(table).first(decoding: Row.self)?.n ?? -1)
        }
        result["opportunityAmount"] = try await sql.raw("SELECT CAST(SUM(amount_minor) AS BIGINT) AS n FROM opportunities")
            .first(decoding: Row.self)?.n.map(Int64.init) ?? -1
        result["campaignCost"] = try await sql.raw("SELECT CAST(SUM(amount_minor) AS BIGINT) AS n FROM campaign_costs")
            .first(decoding: Row.self)?.n.map(Int64.init) ?? -1
        result["wonLeads"] = Int64(try await LeadModel.query(on: database).filter(\.$stage == "won").count())
        return result
    }

    struct Row: Decodable {
        var n: Int?
    }

    @Test("every generated row is stored, and the stored numbers match the generated ones")
    func writesEverything() async throws {
        try await withStore { store in
            let company = DemoCompany.generate(scale: 0.1, seed: 7, asOf: Self.asOf)
            try await DemoWriter.write(company, to: store.database)
            let stored = try await Self.fingerprint(store.database)
            #expect(stored["touchpoints"] == Int64(company.touchpoints.count))
            #expect(stored["persons"] == Int64(company.persons.count))
            #expect(stored["leads"] == Int64(company.leads.count))
            #expect(stored["contact_roles"] == Int64(company.contactRoles.count))
            #expect(stored["opportunityAmount"] == company.opportunities.reduce(0) { $0 + $1.amount.amountMinor })
            #expect(stored["wonLeads"] == Int64(company.leads.filter { $0.lifecycle.stage == .won }.count))
            // Rows read back through the models keep their lifecycle and times.
            let lead = try #require(company.leads.first { $0.lifecycle.stage == .rejected })
            let row = try #require(try await LeadModel.find(lead.id, on: store.database))
            #expect(row.lifecycleState.rejectionReason == lead.lifecycle.rejectionReason)
            #expect(abs(row.createdAt!.timeIntervalSince(lead.createdAt)) < 0.001)
        }
    }

    @Test("the same seed stored twice gives the same counts and sums")
    func deterministicInTheDatabase() async throws {
        var fingerprints: [[String: Int64]] = []
        for _ in 0..<2 {
            try await withStore { store in
                try await DemoWriter.write(DemoCompany.generate(scale: 0.1, seed: 11, asOf: Self.asOf), to: store.database)
                fingerprints.append(try await Self.fingerprint(store.database))
            }
        }
        #expect(fingerprints[0] == fingerprints[1])
        #expect((fingerprints[0]["touchpoints"] ?? 0) > 3_000)
    }

    @Test("the demo refuses a database that holds data, and changes nothing")
    func onlyIntoAnEmptyDatabase() async throws {
        try await withStore { store in
            try await DemoWriter.write(DemoCompany.generate(scale: 0.05, seed: 1, asOf: Self.asOf), to: store.database)
            let before = try await Self.fingerprint(store.database)
            await #expect(throws: AccordError.self) {
                try await DemoWriter.write(DemoCompany.generate(scale: 0.05, seed: 2, asOf: Self.asOf), to: store.database)
            }
            #expect(try await Self.fingerprint(store.database) == before)
        }
    }
}
