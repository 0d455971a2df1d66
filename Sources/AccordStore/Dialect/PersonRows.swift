import AccordCore
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOPosix
import SQLKit
import VaporCSQLite

/// Every person's id, address, account and opt-out, read the fastest way each database allows. A pressure check of
/// 100,000 persons reads all 60,000 of the demo's; through SQLiteNIO each row is a value, an array and a `String` per
/// column, made on the thread pool (five times SQLite's own time, half of the whole check), and through SQLKit a
/// generic decoder per column. So on SQLite with a database file the rows are read through SQLite's C API, on a
/// read-only connection of their own to the same file: it sees the last committed state, as any reader does in WAL
/// mode (a check changes no person before it reads them). It is the C library SQLiteNIO itself is built on, so one
/// copy of SQLite runs in the process (two copies would break each other's file locks). On PostgreSQL the rows come
/// as one binary value, parsed here (typed rows cost 4 µs each through PostgresNIO).
enum PersonRows {
    /// One row: the address as its bytes, valid only during the call.
    typealias Visit = (_ id: UUID, _ email: UnsafeBufferPointer<UInt8>, _ accountID: UUID?, _ optedOut: Bool) throws -> Void

    static let query = "SELECT id, email, account_id, opted_out FROM persons"

    /// Where the rows are read from, once `scan` has fetched what must be fetched.
    enum Source: Sendable {
        /// A SQLite database file, read through the C API: of the rows in rowid order, part `part` of `parts`.
        case file(String, part: Int, parts: Int)
        /// PostgreSQL's rows as one binary string of records (see `aggregated`).
        case records([ByteBuffer])
        /// Rows read through the driver (an in-memory SQLite database).
        case rows([(id: UUID, email: String, accountID: UUID?, optedOut: Bool)])

        /// Hands each person to `body` as it is read.
        func forEach(_ body: Visit) throws {
            switch self {
            case let .file(file, part, parts): try raw(file, part: part, of: parts, body)
            case let .records(buffers):
                for buffer in buffers {
                    try buffer.withUnsafeReadableBytes { try PersonRows.records($0.bindMemory(to: UInt8.self), body) }
                }
            case let .rows(rows):
                for row in rows {
                    var email = row.email
                    try email.withUTF8 { try body(row.id, $0, row.accountID, row.optedOut) }
                }
            }
        }
    }

    /// Runs `body` over every person on the thread pool: the read takes tens of milliseconds, too long to hold a
    /// task's thread, and `body` sees each row synchronously (a row callback that escapes to an async caller paid for
    /// its captured state at every row: a fifth of a check of 100,000 persons). A SQLite file is read in `parts`
    /// ranges of rows at once, each on its own connection and thread; the results are in the rows' order.
    static func scan<Result: Sendable>(_ database: any Database, parts: Int = 1,
                                       _ body: @escaping @Sendable (Source) throws -> Result) async throws -> [Result] {
        let source: Source
        if let sqlite = database as? any SQLiteDatabase {
            if let file = try await file(of: database) {
                return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
                    for part in 0..<parts {
                        group.addTask { (part, try await NIOThreadPool.singleton.runIfActive { try body(.file(file, part: part, parts: parts)) }) }
                    }
                    var results: [(Int, Result)] = []
                    for try await result in group { results.append(result) }
                    return results.sorted { $0.0 < $1.0 }.map(\.1)
                }
            } else {
                // An in-memory database has no file to open twice: the rows come through SQLiteNIO.
                let rows = RowSink([(id: UUID, email: String, accountID: UUID?, optedOut: Bool)]())
                try await sqlite.withConnection { connection in
                    try await connection.query(query, []) { row in
                        // By position, in the query's order (by name is a dictionary lookup per column and row).
                        let columns = row.columns
                        guard columns.count == 4, case let .text(id) = columns[0].data, let id = Hex.uuid(id),
                              case let .text(email) = columns[1].data else { return }
                        var account: UUID?
                        if case let .text(text) = columns[2].data { account = Hex.uuid(text) }
                        var optedOut = false
                        if case let .integer(flag) = columns[3].data { optedOut = flag != 0 }
                        rows.value.append((id, email, account, optedOut))
                    }
                }
                source = .rows(rows.value)
            }
        } else if let postgres = database as? any PostgresDatabase {
            source = .records(try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    // All the rows in one value, read in one piece: 60,000 typed rows cost 4 µs each.
                    var buffers: [ByteBuffer] = []
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: aggregated), logger: connection.logger)
                    for try await buffer in rows.decode(ByteBuffer?.self) { if let buffer { buffers.append(buffer) } }
                    return buffers
                }
            }.get())
        } else {
            let sql = try Catalog.sqlDatabase(database)
            source = .rows(try await sql.raw(SQLQueryString(query)).all().map { row in
                (try row.decode(column: "id", as: UUID.self), try row.decode(column: "email", as: String.self),
                 try row.decode(column: "account_id", as: UUID?.self), try row.decode(column: "opted_out", as: Bool.self))
            })
        }
        return [try await NIOThreadPool.singleton.runIfActive { try body(source) }]
    }

    /// PostgreSQL's rows as one binary string, a record each: a byte of flags (1: opted out, 2: has an account),
    /// the address's length in bytes (a normalized address has at most 254), the id's 16 bytes, the account id's 16
    /// when there is one, then the address. As text, with the ids formatted, PostgreSQL took half as long again to
    /// make it, and the ids had to be parsed back.
    static let aggregated = """
        SELECT string_agg(set_byte(set_byte(decode('0000', 'hex'), 0, CASE WHEN opted_out THEN 1 ELSE 0 END \
        + CASE WHEN account_id IS NULL THEN 0 ELSE 2 END), 1, octet_length(email)) || uuid_send(id) \
        || COALESCE(uuid_send(account_id), decode('', 'hex')) || convert_to(email, 'UTF8'), decode('', 'hex')) FROM persons
        """

    /// Reads the records of `aggregated`.
    static func records(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Visit) throws {
        let raw = UnsafeRawBufferPointer(bytes)
        var start = 0
        while start < bytes.count {
            guard start + 18 <= bytes.count else { throw StoreError.corrupt("a person record cut short") }
            let flags = bytes[start], hasAccount = flags & 2 != 0
            let address = start + 18 + (hasAccount ? 16 : 0), end = address + Int(bytes[start + 1])
            guard flags < 4, end <= bytes.count else {
                throw StoreError.corrupt("a person record that is not flags, id, account and address")
            }
            let id = UUID(uuid: raw.loadUnaligned(fromByteOffset: start + 2, as: uuid_t.self))
            let account = hasAccount ? UUID(uuid: raw.loadUnaligned(fromByteOffset: start + 18, as: uuid_t.self)) : nil
            try body(id, UnsafeBufferPointer(rebasing: bytes[address..<end]), account, flags & 1 != 0)
            start = end
        }
    }

    /// The file of the main database (nil for an in-memory or temporary one).
    static func file(of database: any Database) async throws -> String? {
        let sql = try Catalog.sqlDatabase(database)
        for row in try await sql.raw("PRAGMA database_list").all()
        where try row.decode(column: "name", as: String.self) == "main" {
            let file = try row.decode(column: "file", as: String?.self) ?? ""
            return file.isEmpty ? nil : file
        }
        return nil
    }

    /// The rows through the C API, on a read-only connection kept for the next read (see `Readers`).
    static func raw(_ file: String, part: Int = 0, of parts: Int = 1, _ body: Visit) throws {
        let reader = try readers.take(file)
        var kept = false
        defer { if !kept { sqlite_nio_sqlite3_close_v2(reader.handle) } }
        let handle = reader.handle
        var statement: OpaquePointer?
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let ranged = parts > 1 ? query + " WHERE rowid BETWEEN ?1 AND ?2" : query
        guard sqlite_nio_sqlite3_prepare_v2(handle, ranged, -1, &statement, nil) == SQLITE_OK else {
            throw StoreError.corrupt("SQLite could not read persons: \(message(handle))")
        }
        if parts > 1 {
            // The part's share of the rowids between the first and the last (rows are added in rowid order, so the
            // shares hold about as many rows).
            var bounds: OpaquePointer?
            defer { sqlite_nio_sqlite3_finalize(bounds) }
            guard sqlite_nio_sqlite3_prepare_v2(handle, "SELECT MIN(rowid), MAX(rowid) FROM persons", -1, &bounds, nil) == SQLITE_OK,
                  sqlite_nio_sqlite3_step(bounds) == SQLITE_ROW else {
                throw StoreError.corrupt("SQLite could not read persons: \(message(handle))")
            }
            let first = sqlite_nio_sqlite3_column_int64(bounds, 0), last = sqlite_nio_sqlite3_column_int64(bounds, 1)
            let share = (last - first) / Int64(parts) + 1
            let low = part == 0 ? Int64.min : first + share * Int64(part)
            let high = part == parts - 1 ? Int64.max : first + share * Int64(part + 1) - 1
            sqlite_nio_sqlite3_bind_int64(statement, 1, low)
            sqlite_nio_sqlite3_bind_int64(statement, 2, high)
        }
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
            return UnsafeBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
        }
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw StoreError.corrupt("SQLite stopped reading persons: \(message(handle))") }
            guard let idText = text(0), let id = Hex.uuid(utf8: idText), let email = text(1) else { continue }
            let account = text(2).flatMap { Hex.uuid(utf8: $0) }
            try body(id, email, account, sqlite_nio_sqlite3_column_int64(statement, 3) != 0)
        }
        sqlite_nio_sqlite3_finalize(statement)
        statement = nil
        kept = true
        readers.give(reader)
    }

    static let readers = Readers()

    /// Read-only connections kept open between reads, by file. A connection opened for each check began with an
    /// empty page cache and read the whole table from the file again: half the time of reading the persons. SQLite
    /// itself drops a kept connection's cached pages when another connection has written since (it checks at the
    /// start of each read), so a kept connection reads what a new one would. Two are kept per file (a large read
    /// takes two at once), for the few files most recently read; a file replaced since (another inode) gets a new
    /// connection.
    final class Readers: @unchecked Sendable {
        struct Reader {
            var handle: OpaquePointer
            var file: String
            var identity: FileIdentity
        }

        struct FileIdentity: Equatable {
            var device: UInt64
            var inode: UInt64

            init?(_ file: String) {
                var info = stat()
                guard stat(file, &info) == 0 else { return nil }
                device = UInt64(info.st_dev)
                inode = UInt64(info.st_ino)
            }
        }

        static let kept = 8
        static let perFile = 2
        private let lock = NSLock()
        /// The idle connections, the most recently returned last.
        private var idle: [Reader] = []

        func take(_ file: String) throws -> Reader {
            let identity = FileIdentity(file)
            let found: Reader? = lock.withLock {
                guard let place = idle.lastIndex(where: { $0.file == file }) else { return nil }
                return idle.remove(at: place)
            }
            if let found {
                if let identity, found.identity == identity { return found }
                sqlite_nio_sqlite3_close_v2(found.handle)
            }
            var handle: OpaquePointer?
            guard sqlite_nio_sqlite3_open_v2(file, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
                  let handle, let identity else {
                defer { sqlite_nio_sqlite3_close_v2(handle) }
                throw StoreError.corrupt("SQLite could not open \(file) to read persons: \(message(handle))")
            }
            sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
            // Room for the persons' pages (the demo at scale 20 is about 20 MB of them), and the file mapped.
            sqlite_nio_sqlite3_exec(handle, "PRAGMA cache_size = -131072; PRAGMA mmap_size = 268435456", nil, nil, nil)
            return Reader(handle: handle, file: file, identity: identity)
        }

        func give(_ reader: Reader) {
            let closing: [Reader] = lock.withLock {
                var closing: [Reader] = []
                if idle.filter({ $0.file == reader.file }).count >= Self.perFile, let oldest = idle.firstIndex(where: { $0.file == reader.file }) {
                    closing.append(idle.remove(at: oldest))
                }
                idle.append(reader)
                if idle.count > Self.kept {
                    closing += idle.prefix(idle.count - Self.kept)
                    idle.removeFirst(idle.count - Self.kept)
                }
                return closing
            }
            for old in closing { sqlite_nio_sqlite3_close_v2(old.handle) }
        }
    }

    static func message(_ handle: OpaquePointer?) -> String {
        sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? "unknown error"
    }
}

/// A value filled by a `@Sendable` row callback that runs synchronously before its caller resumes.
final class RowSink<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
}
