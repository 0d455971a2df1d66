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
            // In one part and in three (a file is read in ranges at once): the same persons, in the same order.
            func read() async throws -> [String: (id: UUID, accountID: UUID?, optedOut: Bool)] {
                var orders: [[String]] = []
                var read: [String: (id: UUID, accountID: UUID?, optedOut: Bool)] = [:]
                for parts in [1, 3] {
                    let results = try await PersonRows.scan(database, parts: parts) { rows in
                        var read: [(String, (id: UUID, accountID: UUID?, optedOut: Bool))] = []
                        try rows.forEach { id, email, accountID, optedOut in
                            read.append((String(decoding: email, as: UTF8.self), (id, accountID, optedOut)))
                        }
                        return read
                    }
                    orders.append(results.flatMap { $0.map(\.0) })
                    for (email, row) in results.joined() { read[email] = row }
                }
                #expect(orders[0] == orders[1] && orders[0].count == read.count)
                return read
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

    @Test("PostgreSQL's aggregated records: with and without an account; a cut or malformed record is refused")
    func aggregatedRecords() throws {
        let id = UUID(), account = UUID()
        func uuidBytes(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid) { Array($0) } }
        let first = Array("a,b@x.example".utf8), second = Array("c@x.example".utf8)
        let bytes = [1, UInt8(first.count)] + uuidBytes(id) + first + [2, UInt8(second.count)] + uuidBytes(id) + uuidBytes(account) + second
        var read: [(UUID, String, UUID?, Bool)] = []
        try bytes.withUnsafeBufferPointer { try PersonRows.records($0) { read.append(($0, String(decoding: $1, as: UTF8.self), $2, $3)) } }
        #expect(read.count == 2)
        #expect(read[0].0 == id && read[0].1 == "a,b@x.example" && read[0].2 == nil && read[0].3)
        #expect(read[1].0 == id && read[1].1 == "c@x.example" && read[1].2 == account && !read[1].3)
        for bad in [Array(bytes.dropLast()), [9, 1] + uuidBytes(id) + [65], [0, 1] + Array(uuidBytes(id).prefix(10))] {
            #expect(throws: StoreError.self) { try bad.withUnsafeBufferPointer { try PersonRows.records($0) { _, _, _, _ in } } }
        }
    }
}
