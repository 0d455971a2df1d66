import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing

/// The job queue's semantics on one database: unique live jobs, leases, fenced completion, rescue,
/// retries with backoff, dead jobs and their retry, and a clean give-back.
@Suite struct JobQueueTests {
    static func state(_ id: UUID, on database: any Database) async throws -> JobModel {
        try #require(try await JobModel.find(id, on: database))
    }

    @Test("one live job per unique key; a finished one does not block the next")
    func uniqueKeys() async throws {
        try await withStore { store in
            let database = store.database
            #expect(try await JobQueue.enqueue("sla.remind", uniqueKey: "lead:1:remind", on: database))
            #expect(try await !JobQueue.enqueue("sla.remind", uniqueKey: "lead:1:remind", on: database))
            #expect(try await JobQueue.enqueue("sla.remind", uniqueKey: "lead:2:remind", on: database))
            #expect(try await JobQueue.enqueue("digest", on: database))
            #expect(try await JobQueue.enqueue("digest", on: database), "jobs without a key never collide")
            let claimed = try await JobQueue.claim(worker: "w1", limit: 10, lease: 30, on: database)
            #expect(claimed.count == 4)
            #expect(try await !JobQueue.enqueue("sla.remind", uniqueKey: "lead:1:remind", on: database), "running is live")
            for job in claimed {
                try await database.writeTransaction { try await JobQueue.complete(job, worker: "w1", on: $0) }
            }
            #expect(try await JobQueue.enqueue("sla.remind", uniqueKey: "lead:1:remind", on: database))
        }
    }

    @Test("a job is not claimed before its time, nor twice while its lease holds")
    func scheduling() async throws {
        try await withStore { store in
            let database = store.database
            let now = Date()
            try await JobQueue.enqueue("later", runAt: now.addingTimeInterval(60), on: database)
            try await JobQueue.enqueue("now", runAt: now, on: database)
            let first = try await JobQueue.claim(worker: "w1", limit: 10, lease: 30, now: now, on: database)
            #expect(first.map(\.kind) == ["now"])
            #expect(first[0].attempt == 1)
            #expect(try await JobQueue.claim(worker: "w2", limit: 10, lease: 30, now: now.addingTimeInterval(10), on: database)
                .isEmpty)
            let later = try await JobQueue.claim(worker: "w2", limit: 10, lease: 30, now: now.addingTimeInterval(61), on: database)
            #expect(later.map(\.kind) == ["later"])
        }
    }

    @Test("a worker whose lease ran out cannot complete: the job's changes roll back with the refused completion")
    func fencing() async throws {
        try await withStore { store in
            let database = store.database
            try await Catalog.sqlDatabase(database).raw("CREATE TABLE effects (job TEXT, attempt INTEGER)").run()
            try await JobQueue.enqueue("work", on: database)
            let now = Date()
            let slow = try #require(try await JobQueue.claim(worker: "slow", limit: 1, lease: 5, now: now, on: database).first)
            // the lease runs out; the job is rescued and another worker takes it
            #expect(try await JobQueue.rescue(now: now.addingTimeInterval(6), on: database) == 1)
            let fast = try #require(try await JobQueue.claim(worker: "fast", limit: 1, lease: 5, now: now.addingTimeInterval(6),
                                                             on: database).first)
            #expect(fast.id == slow.id && fast.attempt == 2)
            // the slow worker finishes late: refused, and its effect is rolled back
            await #expect(throws: JobLeaseLost.self) {
                try await database.writeTransaction { database in
                    try await Catalog.sqlDatabase(database).raw("INSERT INTO effects VALUES ('x', \(bind: slow.attempt))").run()
                    try await JobQueue.complete(slow, worker: "slow", on: database)
                }
            }
            try await database.writeTransaction { database in
                try await Catalog.sqlDatabase(database).raw("INSERT INTO effects VALUES ('x', \(bind: fast.attempt))").run()
                try await JobQueue.complete(fast, worker: "fast", on: database)
            }
            let effects = try await Catalog.sqlDatabase(database).raw("SELECT attempt FROM effects").all()
                .map { try $0.decode(column: "attempt", as: Int.self) }
            #expect(effects == [2])
            #expect(try await Self.state(fast.id, on: database).state == "completed")
        }
    }

    @Test("failures retry after a growing backoff, then the job is dead until an admin retries it")
    func retries() async throws {
        try await withStore { store in
            let database = store.database
            try await JobQueue.enqueue("flaky", maxAttempts: 2, on: database)
            var now = Date()
            let first = try #require(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, now: now, on: database).first)
            #expect(try await JobQueue.fail(first, worker: "w", error: "boom", now: now, on: database) == .available)
            let waiting = try await Self.state(first.id, on: database)
            let delay = waiting.runAt.timeIntervalSince(now)
            #expect(delay >= JobRetry.delay(afterAttempt: 1) - 0.01 && delay <= JobRetry.delay(afterAttempt: 1) * 1.1 + 0.01)
            #expect(waiting.lastError == "boom")
            #expect(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, now: now, on: database).isEmpty)
            now = waiting.runAt.addingTimeInterval(0.001)  // stored times round-trip to the millisecond
            let second = try #require(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, now: now, on: database).first)
            #expect(try await JobQueue.fail(second, worker: "w", error: "boom again", now: now, on: database) == .dead)
            #expect(try await JobQueue.stats(on: database).counts[.dead] == 1)
            #expect(try await JobQueue.retry(first.id, now: now, on: database))
            #expect(try await !JobQueue.retry(first.id, now: now, on: database), "only dead jobs are retried")
            #expect(try await JobQueue.claim(worker: "w", limit: 1, lease: 30, now: now, on: database).first?.attempt == 3)
        }
        #expect(JobRetry.delay(afterAttempt: 1) == 5)
        #expect(JobRetry.delay(afterAttempt: 2) == 20)
        #expect(JobRetry.delay(afterAttempt: 20) == 3_600)
    }

    @Test("the runner runs each job in one transaction with its completion; a failing job is retried; stop gives back")
    func runner() async throws {
        try await withStore { store in
            let database = store.database
            try await Catalog.sqlDatabase(database).raw("CREATE TABLE effects (job TEXT, attempt INTEGER)").run()
            for _ in 0..<25 { try await JobQueue.enqueue("good", on: database) }
            try await JobQueue.enqueue("bad", on: database)
            try await JobQueue.enqueue("unknown", on: database)
            let runner = JobRunner(database: database, handlers: [
                "good": { job, database in
                    try await Catalog.sqlDatabase(database).raw("""
                        INSERT INTO effects VALUES (\(bind: job.id.uuidString), \(bind: job.attempt))
                        """).run()
                },
                "bad": { job, database in
                    try await Catalog.sqlDatabase(database).raw("INSERT INTO effects VALUES ('bad', 1)").run()
                    throw AccordError.conflict("the mail server said no")
                },
            ], options: .init(concurrency: 4))
            let ran = try await runner.drain()
            #expect(ran == 27)
            let effects = try await Catalog.sqlDatabase(database).raw("SELECT job FROM effects").all()
                .map { try $0.decode(column: "job", as: String.self) }
            #expect(effects.count == 25 && Set(effects).count == 25, "each good job once; the bad one's effect rolled back")
            let stats = try await JobQueue.stats(on: database)
            #expect(stats.counts[.completed] == 25)
            #expect(stats.counts[.available] == 2)  // both wait for their retry
            let unknown = try #require(try await JobModel.query(on: database).filter(\.$kind == "unknown").first())
            #expect(unknown.lastError == "no handler for jobs of kind 'unknown'")

            // a claimed job that never started is given back on stop, its attempt not counted
            try await JobQueue.enqueue("good", on: database)
            let held = try #require(try await JobQueue.claim(worker: runner.worker, limit: 1, lease: 30, on: database).first)
            runner.start()
            await runner.stop()
            let back = try await Self.state(held.id, on: database)
            #expect(back.state == "available" || back.state == "completed")
            if back.state == "available" { #expect(back.attempt == 0) }
        }
    }
}
