import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// The schema migrates forward and back on the database of this run (SQLite, or PostgreSQL with DATABASE_URL).
@Suite struct MigrationTests {
    @Test("migrate → revert → migrate leaves the full schema")
    func migrateRevertMigrate() async throws {
        try await withStore(migrated: false) { store in
            // act
            let applied = try await store.migrate()
            let tablesAfterFirst = try await Catalog.tableNames(on: store.database)
            let reverted = try await store.revertAll()
            let tablesAfterRevert = try await Catalog.tableNames(on: store.database)
            let reapplied = try await store.migrate()
            let tablesAfterSecond = try await Catalog.tableNames(on: store.database)
            // check
            #expect(applied.count == AccordMigrations.all.count)
            #expect(reverted.count == AccordMigrations.all.count)
            #expect(reapplied == applied)
            #expect(Set(AccordMigrations.tables).isSubset(of: Set(tablesAfterFirst)))
            #expect(Set(AccordMigrations.tables).isDisjoint(with: Set(tablesAfterRevert)))
            #expect(tablesAfterSecond == tablesAfterFirst)
        }
    }

    @Test("migrating twice is a no-op")
    func migrateIsIdempotent() async throws {
        try await withStore { store in
            let pending = try await store.migrate()
            #expect(pending.isEmpty)
        }
    }

    @Test("the indexes for the known hot queries exist")
    func indexesExist() async throws {
        try await withStore { store in
            let indexes = Set(try await Catalog.indexNames(on: store.database))
            for name in ["leads_owner_id_stage_sla_due_at_idx", "touchpoints_person_id_occurred_at_idx",
                         "leads_campaign_id_stage_idx", "opportunities_account_id_idx",
                         "audit_events_entity_type_entity_id_occurred_at_idx"] {
                #expect(indexes.contains(name), "missing index \(name)")
            }
        }
    }

    @Test("a rep's open leads by due time are read through the index, not a table scan")
    func repQueueUsesIndex() async throws {
        try await withStore { store in
            let plan = try await Catalog.queryPlan(of: """
                SELECT id FROM leads WHERE owner_id = '00000000-0000-0000-0000-000000000001'
                AND stage IN ('mql', 'sal') ORDER BY sla_due_at
                """, on: store.database).joined(separator: "\n")
            #expect(plan.contains("leads_owner_id_stage_sla_due_at_idx") || plan.contains("Index"), "\(plan)")
            #expect(!plan.contains("SCAN leads\n") && !plan.hasSuffix("SCAN leads"), "\(plan)")
        }
    }

    @Test("PostgreSQL is really used when DATABASE_URL is set",
          .enabled(if: IsolatedDatabase.postgresURL != nil, "needs DATABASE_URL; this run is on SQLite"))
    func runsOnPostgres() async throws {
        try await withStore { store in
            #expect(!store.location.isSQLite)
            let sql = try Catalog.sqlDatabase(store.database)
            #expect(sql.dialect.name == "postgresql")
        }
    }
}

/// The embedded database's durability settings.
@Suite struct SQLiteDurabilityTests {
    @Test("a SQLite file runs in WAL mode with synchronous=FULL on every connection")
    func walAndFullSync() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accord-wal-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await Store.open(.sqlite(path: path))
        try await store.migrate()
        for eventLoop in store.databases.eventLoopGroup.makeIterator() {
            let database = store.databases.database(.sqlite, logger: store.logger, on: eventLoop)!
            let journalMode = try await Catalog.sqlitePragma("journal_mode", on: database)
            let synchronous = try await Catalog.sqlitePragma("synchronous", on: database)
            #expect(journalMode == "wal")
            #expect(synchronous == "2")
        }
        await store.close()
    }
}
