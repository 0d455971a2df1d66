import AccordCore
import AccordStore
import FluentKit
import Foundation
import SQLKit

/// The job queue's proof and benchmark, with real processes:
///   accord-bench jobs --db URL [--jobs 20000] [--workers 4] [--kill-one] [--lease 5]
/// enqueues probe jobs, starts worker processes (`accord-bench job-worker`), optionally `kill -9`s one of
/// them mid-run, and checks that every job ran exactly once (each probe records its run in the same
/// transaction that completes it), that stranded jobs were rescued, and that 50 concurrent enqueues of the
/// same unique key leave one job. Prints JSON; exits 1 when a check fails.
enum JobsBench {
    static let probeTable = "job_probe_runs"
    static let kind = "probe"

    struct Settings {
        var database = "/tmp/accord-jobs.sqlite"
        var jobs = 20_000
        var workers = 4
        var killOne = false
        var lease: TimeInterval = 5
        var concurrency = 8
    }

    static func settings(_ arguments: [String]) -> Settings {
        var settings = Settings()
        var rest = arguments
        while let flag = rest.first {
            rest.removeFirst()
            switch flag {
            case "--kill-one": settings.killOne = true
            case "--db": settings.database = rest.removeFirst()
            case "--jobs": settings.jobs = Int(rest.removeFirst()) ?? settings.jobs
            case "--workers": settings.workers = Int(rest.removeFirst()) ?? settings.workers
            case "--lease": settings.lease = Double(rest.removeFirst()) ?? settings.lease
            case "--concurrency": settings.concurrency = Int(rest.removeFirst()) ?? settings.concurrency
            default: break
            }
        }
        return settings
    }

    static func location(_ target: String) -> DatabaseLocation {
        target.hasPrefix("postgres") ? .postgres(url: target) : .sqlite(path: target)
    }

    // MARK: The worker process

    static func worker(_ arguments: [String]) async throws {
        let settings = settings(arguments)
        let store = try await Store.open(location(settings.database))
        let runner = JobRunner(database: store.database, handlers: [kind: { job, database in
            try await Catalog.sqlDatabase(database).raw("""
                INSERT INTO \(ident: probeTable) (job_id, attempt, worker) VALUES (\(bind: job.id), \(bind: job.attempt), \
                \(bind: ProcessInfo.processInfo.processIdentifier))
                """).run()
        }], options: .init(concurrency: settings.concurrency, lease: settings.lease, pollInterval: 0.05, rescueInterval: 1))
        runner.start()
        // SIGTERM: stop cleanly, giving back whatever is held.
        signal(SIGTERM, SIG_IGN)
        let terminated = TerminationSignal()
        await terminated.wait()
        await runner.stop()
        await store.close()
    }

    // MARK: The proof

    static func run(_ arguments: [String]) async throws {
        let settings = settings(arguments)
        let store = try await Store.open(location(settings.database))
        try await store.migrate()
        let sql = try Catalog.sqlDatabase(store.database)
        try await sql.raw("CREATE TABLE IF NOT EXISTS \(ident: probeTable) (job_id TEXT NOT NULL, attempt INTEGER NOT NULL, worker INTEGER NOT NULL)" as SQLQueryString).run()
        try await sql.raw("DELETE FROM \(ident: probeTable)").run()
        try await sql.raw("DELETE FROM \(ident: JobQueue.table)").run()

        // Enqueue in one transaction, the way a batch of changes would.
        let enqueueStart = Date()
        try await store.database.writeTransaction { database in
            let now = Date()
            for start in stride(from: 0, to: settings.jobs, by: 1_000) {
                let rows = (start..<min(start + 1_000, settings.jobs)).map { index -> SQLQueryString in
                    "(\(bind: TimeOrderedID.make()), \(bind: kind), \(bind: "{\"n\":\(index)}"), \(bind: JobState.available.rawValue), \(bind: now), 0, 3, \(bind: now))"
                }
                try await Catalog.sqlDatabase(database).raw("""
                    INSERT INTO \(ident: JobQueue.table) (id, kind, payload, state, run_at, attempt, max_attempts, created_at)
                    VALUES \(rows.joined(separator: ", "))
                    """).run()
            }
        }
        let enqueueSeconds = Date().timeIntervalSince(enqueueStart)

        // Workers in their own processes.
        let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        var processes: [Process] = []
        let started = Date()
        for _ in 0..<settings.workers {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["job-worker", "--db", settings.database, "--lease", String(settings.lease),
                                 "--concurrency", String(settings.concurrency)]
            try process.run()
            processes.append(process)
        }
        var killedAt: Date?
        var stranded: [UUID] = []
        var victimOwner = ""
        var strandedRescuedAt: TimeInterval?
        var strandedDoneAt: TimeInterval?
        var done = 0
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            let (counts, _) = try await JobQueue.stats(on: store.database)
            done = counts[.completed] ?? 0
            if settings.killOne, killedAt == nil, done >= settings.jobs / 4 {
                let victim = processes[0].processIdentifier
                kill(victim, SIGKILL)
                killedAt = Date()
                // The jobs the killed worker held: they must be rescued and done by others.
                let held = try await sql.raw("""
                    SELECT id, lease_owner FROM \(ident: JobQueue.table)
                    WHERE state = 'running' AND lease_owner LIKE \(bind: "%:\(victim):%")
                    """).all()
                stranded = try held.map { try $0.decode(column: "id", as: UUID.self) }
                victimOwner = try held.first?.decode(column: "lease_owner", as: String.self) ?? ""
            }
            if let killedAt, !stranded.isEmpty {
                // Rescued: no longer held by the dead worker (back in the queue, or already taken and done).
                if strandedRescuedAt == nil, try await JobModel.query(on: store.database).filter(\.$id ~~ stranded)
                    .filter(\.$state == JobState.running.rawValue).filter(\.$leaseOwner == victimOwner).count() == 0 {
                    strandedRescuedAt = Date().timeIntervalSince(killedAt)
                }
                if strandedDoneAt == nil, try await JobModel.query(on: store.database).filter(\.$id ~~ stranded)
                    .filter(\.$state != JobState.completed.rawValue).count() == 0 {
                    strandedDoneAt = Date().timeIntervalSince(killedAt)
                }
            }
            if done + (counts[.dead] ?? 0) >= settings.jobs, !settings.killOne || strandedDoneAt != nil || stranded.isEmpty {
                break
            }
        }
        let finished = Date()
        for (index, process) in processes.enumerated() where !(settings.killOne && index == 0) {
            process.terminate()  // SIGTERM: a clean stop
        }
        for process in processes { process.waitUntilExit() }

        // Checks.
        let runs = try await sql.raw("SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d FROM \(ident: probeTable)").first()!
        let recorded = try runs.decode(column: "n", as: Int.self), distinct = try runs.decode(column: "d", as: Int.self)
        let (counts, _) = try await JobQueue.stats(on: store.database)
        let cleanExits = processes.enumerated().filter { index, process in
            !(settings.killOne && index == 0) && process.terminationStatus == 0
        }.count

        // Fifty concurrent enqueues of one escalation step, from five connection pools.
        var pools: [Store] = []
        for _ in 0..<5 { pools.append(try await Store.open(location(settings.database))) }
        let leadKey = "lead:\(UUID()):remind"
        let added = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                let pool = pools[index % pools.count]
                group.addTask {
                    try await pool.database.writeTransaction { database in
                        try await JobQueue.enqueue("sla.remind", uniqueKey: leadKey, on: database)
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        let live = try await sql.raw("""
            SELECT COUNT(*) AS n FROM \(ident: JobQueue.table) WHERE unique_key = \(bind: leadKey)
            """).first()!.decode(column: "n", as: Int.self)
        for pool in pools { await pool.close() }
        await store.close()

        let seconds = finished.timeIntervalSince(started)
        let checks: [String: Bool] = [
            "everyJobRanOnce": recorded == settings.jobs && distinct == settings.jobs,
            "allCompleted": counts[.completed] == settings.jobs && (counts[.running] ?? 0) == 0
                && (counts[.available] ?? 0) == 0,
            "cleanShutdowns": cleanExits == settings.workers - (settings.killOne ? 1 : 0),
            "oneLiveJobPerUniqueKey": added == 1 && live == 1,
            // Stranded jobs come back to the queue once their lease runs out (at most one lease after the last
            // heartbeat, then a rescue pass; slack for slow machines); when they run then depends on the backlog.
            "strandedRescuedWithinLease": !settings.killOne || stranded.isEmpty
                || (strandedRescuedAt ?? .infinity) <= settings.lease + 3,
            "strandedDone": !settings.killOne || stranded.isEmpty || strandedDoneAt != nil,
        ]
        var result: [String: Double] = [
            "jobs": Double(settings.jobs), "workers": Double(settings.workers), "lease": settings.lease,
            "recordedRuns": Double(recorded), "distinctJobsRun": Double(distinct),
            "completed": Double(counts[.completed] ?? 0), "dead": Double(counts[.dead] ?? 0),
            "enqueuePerSecond": Double(settings.jobs) / enqueueSeconds, "seconds": seconds,
            "jobsPerSecond": Double(done) / seconds, "concurrentEnqueuesAccepted": Double(added),
        ]
        if let killedAt {
            result["strandedWhenKilled"] = Double(stranded.count)
            result["secondsFromKillToStrandedRescued"] = strandedRescuedAt ?? -1
            result["secondsFromKillToStrandedDone"] = strandedDoneAt ?? -1
            result["secondsFromKillToAllDone"] = finished.timeIntervalSince(killedAt)
        }
        for (name, passed) in checks { result["check_" + name] = passed ? 1 : 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if checks.values.contains(false) {
            FileHandle.standardError.write(Data("job proof failed: \(checks.filter { !$0.value }.keys.sorted())\n".utf8))
            exit(1)
        }
    }
}

/// Waits for SIGTERM (the dispatch source lives as long as this object).
final class TerminationSignal: @unchecked Sendable {
    private let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: DispatchQueue(label: "sigterm"))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            var resumed = false
            source.setEventHandler {
                guard !resumed else { return }
                resumed = true
                continuation.resume()
            }
            source.resume()
        }
    }
}
