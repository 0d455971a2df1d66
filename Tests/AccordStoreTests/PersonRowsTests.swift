import AccordCore
@testable import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing

/// The pressure check reads every person its own way on each database (SQLite's C API on a file, one aggregated text
/// on PostgreSQL); Fluent's models are the reference.
@Suite struct PersonRowsTests {
    @Test("every person is read with the id, address, account and opt-out Fluent reads")
    func personsEqualFluent() async throws {
        try await withStore { store in
            let database = store.database
            let account = AccountModel()
            account.name = "Rows AG"
            account.keyAccount = false
            try await account.create(on: database)
            for index in 0..<50 {
                let person = PersonModel()
                person.email = "p\(index)+tag.\(index % 3)@rows-\(index % 7).example"
                person.optedOut = index % 4 == 0
                if index % 2 == 0 { person.$account.id = account.id }
                try await person.create(on: database)
            }
            func read() async throws -> [String: (id: UUID, accountID: UUID?, optedOut: Bool)] {
                try await PersonRows.scan(database) { rows in
                    var read: [String: (id: UUID, accountID: UUID?, optedOut: Bool)] = [:]
                    try rows.forEach { id, email, accountID, optedOut in
                        read[String(decoding: email, as: UTF8.self)] = (id, accountID, optedOut)
                    }
                    return read
                }
            }
            func matchesFluent() async throws {
                let read = try await read()
                let expected = try await PersonModel.query(on: database).all()
                #expect(read.count == expected.count)
                for person in expected {
                    #expect(read[person.email]?.id == person.id, "\(person.email)")
                    #expect(read[person.email]?.accountID == person.$account.id && read[person.email]?.optedOut == person.optedOut)
                }
            }
            try await matchesFluent()
            // A second read (on SQLite, by the connection the first one kept) sees what was written since.
            let later = PersonModel()
            later.email = "later@rows.example"
            later.optedOut = true
            try await later.create(on: database)
            let first = try await PersonModel.query(on: database).filter(\.$email == "p0+tag.0@rows-0.example").first()!
            first.optedOut = false
            try await first.save(on: database)
            try await matchesFluent()
            #expect(try await read().count == 51)
        }
    }

    @Test("PostgreSQL's aggregated lines: with and without an account; a malformed line is refused")
    func aggregatedLines() throws {
        let id = UUID(), account = UUID()
        var text = "\(id.uuidString.lowercased())a,b@x.example,1\n\(id.uuidString)c@x.example,\(account.uuidString.lowercased())0"
        var read: [(UUID, String, UUID?, Bool)] = []
        try text.withUTF8 { try PersonRows.lines($0) { read.append(($0, String(decoding: $1, as: UTF8.self), $2, $3)) } }
        #expect(read.count == 2)
        #expect(read[0].0 == id && read[0].1 == "a,b@x.example" && read[0].2 == nil && read[0].3)
        #expect(read[1].0 == id && read[1].1 == "c@x.example" && read[1].2 == account && !read[1].3)
        var bad = "not-a-uuid-at-all-but-long-enough-to-read-x@y.example,0"
        #expect(throws: StoreError.self) { try bad.withUTF8 { try PersonRows.lines($0) { _, _, _, _ in } } }
    }
}
