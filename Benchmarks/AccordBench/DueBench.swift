import AccordCore
import AccordStore
import FluentKit
import Foundation
import SQLKit

/// "What is due" with a million open leads:
///   accord-bench due --db PATH|postgres://… [--leads 1000000]
/// seeds persons, waiting leads and one escalation job per lead with batched SQL (on top of whatever the
/// database holds, e.g. the demo), then times the two queries that find due work: the job claim's selection
/// and the overdue-leads query (team queues, metrics), each with its query plan. Prints JSON.
enum DueBench {
    static func run(_ arguments: [String]) async throws {
        var target = "/tmp/accord-due.sqlite", leads = 1_000_000
        var rest = arguments
        while rest.count >= 2 {
            switch rest.removeFirst() {
            case "--db": target = rest.removeFirst()
            case "--leads": leads = Int(rest.removeFirst()) ?? leads
            default: rest.removeFirst()
            }
        }
        let store = try await Store.open(JobsBench.location(target))
        try await store.migrate()
        let sql = try Catalog.sqlDatabase(store.database)
        let sqlite = sql.dialect.name == "sqlite"
        let now = Date()
        let seedStart = Date()
        // Rows generated in SQL: a million through the client would measure the client, not the query.
        let batch = 100_000
        for start in stride(from: 0, to: leads, by: batch) {
            let count = min(batch, leads - start)
            let series: SQLQueryString = sqlite
                ? "WITH RECURSIVE s(n) AS (SELECT \(unsafeRaw: String(start)) UNION ALL SELECT n + 1 FROM s WHERE n < \(unsafeRaw: String(start + count - 1))) SELECT n FROM s"
                : "SELECT generate_series(\(unsafeRaw: String(start)), \(unsafeRaw: String(start + count - 1))) AS n"
            let uuid: SQLQueryString = sqlite
                ? "upper(printf('%08x-%04x-7%03x-a%03x-%012x', abs(random()) % 4294967296, abs(random()) % 65536, abs(random()) % 4096, abs(random()) % 4096, abs(random()) % 281474976710656))"
                : "gen_random_uuid()"
            // Due times spread over two weeks around now: half overdue.
            let due: SQLQueryString = sqlite
                ? "\(unsafeRaw: String(now.timeIntervalSince1970)) + ((n * 7919) % 1209600) - 604800"
                : "to_timestamp(\(unsafeRaw: String(now.timeIntervalSince1970)) + ((n::bigint * 7919) % 1209600) - 604800)"
            let stamp: SQLQueryString = sqlite ? "\(unsafeRaw: String(now.timeIntervalSince1970))"
                : "to_timestamp(\(unsafeRaw: String(now.timeIntervalSince1970)))"
            try await store.database.writeTransaction { database in
                let sql = try Catalog.sqlDatabase(database)
                try await sql.raw("""
                    INSERT INTO persons (id, email, opted_out, created_at, updated_at)
                    SELECT \(uuid), 'due' || n || '@bench.example', false, \(stamp), \(stamp) FROM (\(series)) AS g
                    """).run()
                try await sql.raw("""
                    INSERT INTO leads (id, person_id, stage, stage_changed_at, fit_score, engagement_score, sla_due_at,
                                       qualified_at, created_at, updated_at)
                    SELECT \(uuid), p.id, 'mql', \(stamp), 50, 60, \(due), \(stamp), \(stamp), \(stamp)
                    FROM (\(series)) AS g JOIN persons p ON p.email = 'due' || n || '@bench.example'
                    """).run()
                try await sql.raw("""
                    INSERT INTO jobs (id, kind, payload, unique_key, state, run_at, attempt, max_attempts, created_at)
                    SELECT \(uuid), 'sla.bench', '{}', NULL, 'available', \(due), 0, 7, \(stamp) FROM (\(series)) AS g
                    """).run()
            }
        }
        let seedSeconds = Date().timeIntervalSince(seedStart)
        try await sql.raw("ANALYZE").run()  // fresh statistics, as autovacuum or a DBA would have them

        let nowValue: SQLQueryString = sqlite ? "\(unsafeRaw: String(now.timeIntervalSince1970))"
            : "to_timestamp(\(unsafeRaw: String(now.timeIntervalSince1970)))"
        let claimSelect = "SELECT id FROM jobs WHERE state = 'available' AND run_at <= \(nowValue) ORDER BY run_at LIMIT 8" as SQLQueryString
        let overdue = """
            SELECT id FROM leads WHERE stage = 'mql' AND first_action_at IS NULL AND sla_due_at < \(nowValue)
            ORDER BY sla_due_at LIMIT 100
            """ as SQLQueryString
        func time(_ query: SQLQueryString) async throws -> (median: Double, worst: Double) {
            var samples: [Double] = []
            for _ in 0..<21 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await sql.raw(query).all()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            samples.sort()
            return (samples[samples.count / 2], samples.last!)
        }
        let claim = try await time(claimSelect)
        let leadsDue = try await time(overdue)
        // A baseline in the same run: the cheapest possible query, one row by primary key.
        let anyID = try await sql.raw("SELECT id FROM jobs LIMIT 1").first()!.decode(column: "id", as: UUID.self)
        let byKey = try await time("SELECT id FROM jobs WHERE id = \(bind: anyID)")
        let plans = [("claim", claimSelect), ("overdueLeads", overdue)]
        var planText: [String: String] = [:]
        for (name, query) in plans {
            let explain: SQLQueryString = sqlite ? "EXPLAIN QUERY PLAN \(query)" : "EXPLAIN \(query)"
            planText[name] = try await sql.raw(explain).all().map { row in
                (try? row.decode(column: sqlite ? "detail" : "QUERY PLAN", as: String.self)) ?? ""
            }.joined(separator: " | ")
        }
        await store.close()
        let counts: [String: Double] = [
            "leads": Double(leads), "seedSeconds": seedSeconds, "claimMedianMs": claim.median, "claimWorstMs": claim.worst,
            "overdueLeadsMedianMs": leadsDue.median, "overdueLeadsWorstMs": leadsDue.worst,
            "primaryKeyMedianMs": byKey.median,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(counts), as: UTF8.self))
        print(String(decoding: try encoder.encode(planText), as: UTF8.self))
    }
}
