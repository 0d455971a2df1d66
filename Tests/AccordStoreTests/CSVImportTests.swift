import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// CRM exports into the database: linked, idempotent, all or nothing, rejects written, encodings and delimiters.
@Suite struct CSVImportTests {
    static let actor = AuditActor(userID: nil, label: "test import")

    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("accord-import-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    static let accounts = """
        Id,Name,Website,Industry,NumberOfEmployees,BillingCountry,CreatedDate
        001A,Acme GmbH,https://www.acme.example/,Manufacturing,1200,Germany,2025-01-15T10:00:00.000Z
        001B,"Globex, Inc.",globex.example,Software,"5,000",United States,2025-02-01T08:30:00.000+0000

        """
    static let contacts = #"""
        Id,FirstName,LastName,Email,Title,AccountId,HasOptedOutOfEmail,CreatedDate
        003A,Kim,Park,Kim.Park@acme.example,CTO,001A,false,2025-03-01T09:00:00.000Z
        003B,Lee,"Ng, Jr.",lee@globex.example,"VP ""Growth""",001B,true,2025-03-02T09:00:00.000Z

        """#

    @Test("accounts then contacts: linked by id, emails normalized; the same files again change nothing; a dry run changes nothing")
    func idempotent() async throws {
        try await withStore { store in try await Self.checkIdempotent(store.database) }
    }

    static func checkIdempotent(_ database: any Database) async throws {
        let accounts = try file("accounts.csv", Self.accounts), contacts = try file("contacts.csv", Self.contacts)
        let first = try await CSVImporter.run(file: accounts, options: .init(), actor: actor, on: database)
        #expect(first.source == .salesforce && first.object == .accounts && first.created == 2 && first.written)
        let people = try await CSVImporter.run(file: contacts, options: .init(), actor: actor, on: database)
        #expect(people.object == .contacts && people.created == 2 && people.rejected == 0)
        let kim = try #require(try await PersonModel.query(on: database).filter(\.$email == "kim.park@acme.example").with(\.$account).first())
        #expect(kim.account?.name == "Acme GmbH" && kim.externalID == "salesforce:003A" && kim.title == "CTO")
        let lee = try #require(try await PersonModel.query(on: database).filter(\.$email == "lee@globex.example").first())
        #expect(lee.lastName == "Ng, Jr." && lee.title == "VP \"Growth\"" && lee.optedOut)
        // again: nothing changes
        let again = try await CSVImporter.run(file: contacts, options: .init(), actor: actor, on: database)
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 2)
        let accountsAgain = try await CSVImporter.run(file: accounts, options: .init(), actor: actor, on: database)
        #expect(accountsAgain.unchanged == 2)
        // a dry run of a changed file says what would change and changes nothing
        let changed = try file("contacts2.csv", Self.contacts.replacingOccurrences(of: "CTO", with: "CEO")
            + "003C,New,Person,new@acme.example,,001A,false,2025-03-03T09:00:00.000Z\n")
        var dry = CSVImporter.Options()
        dry.dryRun = true
        let preview = try await CSVImporter.run(file: changed, options: dry, actor: actor, on: database)
        #expect(preview.updated == 1 && preview.created == 1 && !preview.written)
        #expect(try await PersonModel.query(on: database).count() == 2)
        #expect(try await PersonModel.query(on: database).filter(\.$email == "kim.park@acme.example").first()?.title == "CTO")
    }

    @Test("one bad row and nothing is written; --skip-invalid writes the rest and the rejects with their reasons")
    func allOrNothing() async throws {
        try await withStore { store in try await Self.checkAllOrNothing(store.database) }
    }

    static func checkAllOrNothing(_ database: any Database) async throws {
        let text = """
            Record ID,Email,First Name,Lifecycle Stage,Create Date
            1,ann@acme.example,Ann,marketingqualifiedlead,2025-03-04
            2,not-an-email,Bob,lead,2025-03-04
            3,cat@acme.example,Cat,nurture,03/04/2025
            4,dan@acme.example,Dan,customer,1741082400000

            """
        let path = try file("hubspot.csv", text)
        let refused = try await CSVImporter.run(file: path, options: .init(), actor: actor, on: database)
        #expect(!refused.written && refused.rejected == 2 && refused.rows == 4)
        #expect(Set(refused.problems.map { "\($0.row) \($0.column)" }) == ["3 Email", "4 Lifecycle Stage", "4 Create Date"])
        #expect(refused.unknownValues == ["nurture": 1])
        #expect(try await PersonModel.query(on: database).count() == 0)
        #expect(try await LeadModel.query(on: database).count() == 0)
        // skip the bad rows, keep them
        var options = CSVImporter.Options()
        options.skipInvalid = true
        options.rejectsPath = path + ".rejects.csv"
        let partial = try await CSVImporter.run(file: path, options: options, actor: actor, on: database)
        #expect(partial.written && partial.created == 2 && partial.rejected == 2 && partial.leadsCreated == 2)
        let stages = try await LeadModel.query(on: database).all().map(\.stage).sorted()
        #expect(stages == ["mql", "won"])
        let rejects = try String(contentsOfFile: options.rejectsPath!, encoding: .utf8)
        let lines = rejects.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasSuffix(",reasons"))
        #expect(rejects.contains("not-an-email") && rejects.contains("'nurture' is not a known lifecycle stage"))
        #expect(rejects.contains("ambiguous"))
    }

    @Test("Latin-1 with semicolons and a quoted line break; UTF-8 with a byte order mark and tabs")
    func encodings() async throws {
        try await withStore { store in try await Self.checkEncodings(store.database) }
    }

    static func checkEncodings(_ database: any Database) async throws {
        let latin = "Record ID;Email;First Name;Last Name;Lifecycle Stage\n7;j\u{FC}rgen@acme.example;J\u{FC}rgen;\"M\u{FC}ller\nSchmidt\";lead\n"
        let bytes = latin.unicodeScalars.map { UInt8($0.value) }  // every character is below 256: Latin-1
        let report = try await CSVImporter.run(file: try file("latin.csv", bytes), options: .init(), actor: actor, on: database)
        #expect(report.encoding == CSVFile.Encoding.windows1252.rawValue && report.delimiter == ";" && report.created == 1)
        let person = try #require(try await PersonModel.query(on: database).filter(\.$externalID == "hubspot:7").first())
        #expect(person.firstName == "Jürgen" && person.lastName == "Müller\nSchmidt" && person.email == "jürgen@acme.example")
        let tabbed = [0xEF, 0xBB, 0xBF] + Array("Record ID\tCompany name\tCompany Domain Name\n9\tInitech\tinitech.example\n".utf8)
        let companies = try await CSVImporter.run(file: try file("companies.csv", tabbed), options: .init(), actor: actor, on: database)
        #expect(companies.object == .companies && companies.delimiter == "tab" && companies.created == 1 && companies.encoding == "UTF-8")
        #expect(try await AccountModel.query(on: database).filter(\.$domain == "initech.example").first()?.externalID == "hubspot:9")
    }

    @Test("the same person twice in one file: the later row wins, one person, one lead")
    func sameFileTwice() async throws {
        try await withStore { store in
            let path = try Self.file("twice.csv", """
                Record ID,Email,Job Title,Lifecycle Stage
                5,eve@acme.example,Analyst,lead
                5,EVE@acme.example,Director,marketingqualifiedlead

                """)
            let report = try await CSVImporter.run(file: path, options: .init(), actor: Self.actor, on: store.database)
            #expect(report.created == 1 && report.updated == 1 && report.leadsCreated == 1 && report.leadsUpdated == 1)
            let people = try await PersonModel.query(on: store.database).all()
            #expect(people.count == 1 && people.first?.title == "Director" && people.first?.source == "import:hubspot")
            #expect(try await LeadModel.query(on: store.database).all().map(\.stage) == ["mql"])
            let again = try await CSVImporter.run(file: path, options: .init(), actor: Self.actor, on: store.database)
            #expect(again.created == 0 && again.leadsCreated == 0)
            // a later file changes the person and moves the lead: both kept (written with one multi-row update each)
            let later = try Self.file("later.csv", "Record ID,Email,Job Title,Lifecycle Stage\n5,eve@acme.example,VP Marketing,salesqualifiedlead\n")
            let moved = try await CSVImporter.run(file: later, options: .init(), actor: Self.actor, on: store.database)
            #expect(moved.updated == 1 && moved.leadsUpdated == 1)
            #expect(try await PersonModel.query(on: store.database).first()?.title == "VP Marketing")
            #expect(try await LeadModel.query(on: store.database).all().map(\.stage) == ["sql"])
        }
    }
}
