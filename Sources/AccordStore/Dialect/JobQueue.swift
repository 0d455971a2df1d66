import AccordCore
import FluentKit
import Foundation
import SQLKit

/// A job as a worker holds it: what to do, and the attempt number that fences its completion.
public struct JobRecord: Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var payload: String
    public var uniqueKey: String?
    public var attempt: Int
    public var maxAttempts: Int
}

/// A worker tried to finish a job it no longer holds (its lease ran out and another worker took the job):
/// the job's own changes are rolled back with the refused completion.
public struct JobLeaseLost: Error, Sendable {
    public let jobID: UUID
}

/// The job queue in the database, with the semantics of the PostgreSQL queues people trust (River, Oban,
/// GoodJob): enqueued in the caller's transaction; claimed under a lease (`FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, one `UPDATE … RETURNING` under SQLite's single writer); completed in the same transaction as
/// the job's own changes, fenced by the attempt number; expired leases rescued; one live job per unique key
/// (a partial unique index); failures retried with growing backoff until the job is dead.
public enum JobQueue {
    public static let table = "jobs"

    /// Adds a job unless a live one (available or running) has the same unique key; true when added.
    @discardableResult
    public static func enqueue(_ kind: String, payload: String = "{}", uniqueKey: String? = nil, runAt: Date = Date(),
                               maxAttempts: Int = 7, now: Date = Date(), on database: any Database) async throws -> Bool {
        try await enqueueAll(kind, [Job(payload: payload, uniqueKey: uniqueKey, runAt: runAt)], maxAttempts: maxAttempts,
                             now: now, on: database) == 1
    }

    /// One job of many to enqueue at once.
    public struct Job: Sendable {
        public var payload: String
        public var uniqueKey: String?
        public var runAt: Date

        public init(payload: String, uniqueKey: String? = nil, runAt: Date) {
            self.payload = payload
            self.uniqueKey = uniqueKey
            self.runAt = runAt
        }
    }

    /// Adds jobs of one kind, several hundred per statement (a check that asks 1,449 account owners enqueues a
    /// job per request), each unless a live one has its unique key; returns how many were added.
    @discardableResult
    public static func enqueueAll(_ kind: String, _ jobs: [Job], maxAttempts: Int = 7, now: Date = Date(),
                                  on database: any Database) async throws -> Int {
        let sql = try Catalog.sqlDatabase(database)
        var added = 0
        for first in stride(from: 0, to: jobs.count, by: 500) {
            var values: [SQLQueryString] = []
            for job in jobs[first..<min(first + 500, jobs.count)] {
                values.append("""
                    (\(bind: TimeOrderedID.make()), \(bind: kind), \(bind: job.payload), \(bind: job.uniqueKey), \
                    \(bind: JobState.available.rawValue), \(bind: job.runAt), 0, \(bind: maxAttempts), \(bind: now), \(bind: now))
                    """)
            }
            added += try await sql.raw("""
                INSERT INTO \(ident: table) (\(ident: "id"), \(ident: "kind"), \(ident: "payload"), \(ident: "unique_key"),
                  \(ident: "state"), \(ident: "run_at"), \(ident: "attempt"), \(ident: "max_attempts"), \(ident: "created_at"),
                  \(ident: "updated_at"))
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT DO NOTHING RETURNING \(ident: "id")
                """).all().count
        }
        return added
    }

    /// Takes up to `limit` due jobs for `worker` until `now + lease`, counting an attempt for each.
    /// Only jobs of `kinds` when given.
    public static func claim(worker: String, limit: Int, lease: TimeInterval, now: Date = Date(), kinds: [String]? = nil,
                             on database: any Database) async throws -> [JobRecord] {
        try await database.writeTransaction { database in
            let sql = try Catalog.sqlDatabase(database)
            let lock: SQLQueryString = sql.dialect.name == "sqlite" ? "" : "FOR UPDATE SKIP LOCKED"
            let only: SQLQueryString = kinds.map { "AND \(ident: "kind") IN (\(binds: $0))" } ?? ""
            let rows = try await sql.raw("""
                UPDATE \(ident: table) SET \(ident: "state") = \(bind: JobState.running.rawValue),
                  \(ident: "attempt") = \(ident: "attempt") + 1, \(ident: "lease_owner") = \(bind: worker),
                  \(ident: "lease_expires_at") = \(bind: now.addingTimeInterval(lease)), \(ident: "updated_at") = \(bind: now)
                WHERE \(ident: "id") IN (
                  SELECT \(ident: "id") FROM \(ident: table)
                  WHERE \(ident: "state") = \(bind: JobState.available.rawValue) AND \(ident: "run_at") <= \(bind: now) \(only)
                  ORDER BY \(ident: "run_at") LIMIT \(bind: limit) \(lock))
                RETURNING \(ident: "id"), \(ident: "kind"), \(ident: "payload"), \(ident: "unique_key"),
                  \(ident: "attempt"), \(ident: "max_attempts")
                """).all()
            return try rows.map { row in
                JobRecord(id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
                          payload: try row.decode(column: "payload", as: String.self),
                          uniqueKey: try row.decode(column: "unique_key", as: String?.self),
                          attempt: try row.decode(column: "attempt", as: Int.self),
                          maxAttempts: try row.decode(column: "max_attempts", as: Int.self))
            }
        }
    }

    /// Marks the job done, in the caller's transaction (with the job's own changes). Throws `JobLeaseLost`
    /// when the worker no longer holds this attempt, so the whole transaction rolls back.
    public static func complete(_ job: JobRecord, worker: String, now: Date = Date(), on database: any Database) async throws {
        let rows = try await Catalog.sqlDatabase(database).raw("""
            UPDATE \(ident: table) SET \(ident: "state") = \(bind: JobState.completed.rawValue),
              \(ident: "completed_at") = \(bind: now), \(ident: "updated_at") = \(bind: now),
              \(ident: "lease_owner") = NULL, \(ident: "lease_expires_at") = NULL
            WHERE \(fence(job, worker))
            RETURNING \(ident: "id")
            """).all()
        if rows.isEmpty { throw JobLeaseLost(jobID: job.id) }
    }

    /// Records a failure: the job runs again after a growing backoff, or is dead after its last attempt.
    /// Returns the state it is left in (nil when the worker no longer held it).
    @discardableResult
    public static func fail(_ job: JobRecord, worker: String, error: String, now: Date = Date(),
                            on database: any Database) async throws -> JobState? {
        let retryAt = now.addingTimeInterval(JobRetry.delay(afterAttempt: job.attempt, jitter: Double.random(in: 0...1)))
        return try await database.writeTransaction { database in
            let rows = try await Catalog.sqlDatabase(database).raw("""
                UPDATE \(ident: table) SET \(ident: "state") = \(deadOrAvailable), \(ident: "run_at") = \(bind: retryAt),
                  \(ident: "last_error") = \(bind: String(error.prefix(2_000))), \(ident: "updated_at") = \(bind: now),
                  \(ident: "lease_owner") = NULL, \(ident: "lease_expires_at") = NULL
                WHERE \(fence(job, worker))
                RETURNING \(ident: "state")
                """).all()
            return try rows.first.flatMap { JobState(rawValue: try $0.decode(column: "state", as: String.self)) }
        }
    }

    /// Extends the leases of every job `worker` holds; returns how many it still holds.
    @discardableResult
    public static func heartbeat(worker: String, lease: TimeInterval, now: Date = Date(), on database: any Database)
        async throws -> Int {
        try await database.writeTransaction { database in
            try await Catalog.sqlDatabase(database).raw("""
                UPDATE \(ident: table) SET \(ident: "lease_expires_at") = \(bind: now.addingTimeInterval(lease))
                WHERE \(ident: "state") = \(bind: JobState.running.rawValue) AND \(ident: "lease_owner") = \(bind: worker)
                RETURNING \(ident: "id")
                """).all().count
        }
    }

    /// Puts jobs whose lease ran out (their worker died or hung) back in the queue, or dead after their last
    /// attempt; returns how many.
    @discardableResult
    public static func rescue(now: Date = Date(), on database: any Database) async throws -> Int {
        try await database.writeTransaction { database in
            try await Catalog.sqlDatabase(database).raw("""
                UPDATE \(ident: table) SET \(ident: "state") = \(deadOrAvailable),
                  \(ident: "last_error") = 'lease expired: the worker stopped without finishing',
                  \(ident: "lease_owner") = NULL, \(ident: "lease_expires_at") = NULL, \(ident: "updated_at") = \(bind: now)
                WHERE \(ident: "state") = \(bind: JobState.running.rawValue) AND \(ident: "lease_expires_at") < \(bind: now)
                RETURNING \(ident: "id")
                """).all().count
        }
    }

    /// Gives back, unrun, every job `worker` still holds (a clean shutdown); the attempt is not counted.
    @discardableResult
    public static func release(worker: String, now: Date = Date(), on database: any Database) async throws -> Int {
        try await database.writeTransaction { database in
            try await Catalog.sqlDatabase(database).raw("""
                UPDATE \(ident: table) SET \(ident: "state") = \(bind: JobState.available.rawValue),
                  \(ident: "attempt") = \(ident: "attempt") - 1, \(ident: "lease_owner") = NULL,
                  \(ident: "lease_expires_at") = NULL, \(ident: "updated_at") = \(bind: now)
                WHERE \(ident: "state") = \(bind: JobState.running.rawValue) AND \(ident: "lease_owner") = \(bind: worker)
                RETURNING \(ident: "id")
                """).all().count
        }
    }

    /// Gives a dead job new attempts, to run now (an admin's retry); false when it is not dead.
    @discardableResult
    public static func retry(_ id: UUID, now: Date = Date(), on database: any Database) async throws -> Bool {
        try await database.writeTransaction { database in
            try await !Catalog.sqlDatabase(database).raw("""
                UPDATE \(ident: table) SET \(ident: "state") = \(bind: JobState.available.rawValue),
                  \(ident: "max_attempts") = \(ident: "attempt") + \(bind: 3), \(ident: "run_at") = \(bind: now),
                  \(ident: "updated_at") = \(bind: now)
                WHERE \(ident: "id") = \(bind: id) AND \(ident: "state") = \(bind: JobState.dead.rawValue)
                RETURNING \(ident: "id")
                """).all().isEmpty
        }
    }

    /// Jobs per state, and how long the oldest due job has waited (queue depth and age for /metrics).
    public static func stats(now: Date = Date(), on database: any Database) async throws
        -> (counts: [JobState: Int], oldestDueSeconds: Double) {
        let sql = try Catalog.sqlDatabase(database)
        var counts: [JobState: Int] = [:]
        for row in try await sql.raw("""
            SELECT \(ident: "state"), COUNT(*) AS \(ident: "n") FROM \(ident: table) GROUP BY \(ident: "state")
            """).all() {
            if let state = JobState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        let oldest = try await sql.raw("""
            SELECT MIN(\(ident: "run_at")) AS \(ident: "oldest") FROM \(ident: table)
            WHERE \(ident: "state") = \(bind: JobState.available.rawValue) AND \(ident: "run_at") <= \(bind: now)
            """).first()?.decode(column: "oldest", as: Date?.self)
        return (counts, oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }

    static var deadOrAvailable: SQLQueryString {
        """
        CASE WHEN \(ident: "attempt") >= \(ident: "max_attempts") THEN \(bind: JobState.dead.rawValue) \
        ELSE \(bind: JobState.available.rawValue) END
        """
    }

    static func fence(_ job: JobRecord, _ worker: String) -> SQLQueryString {
        """
        \(ident: "id") = \(bind: job.id) AND \(ident: "attempt") = \(bind: job.attempt) \
        AND \(ident: "state") = \(bind: JobState.running.rawValue) AND \(ident: "lease_owner") = \(bind: worker)
        """
    }
}
