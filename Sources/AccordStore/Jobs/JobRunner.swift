import AccordCore
import FluentKit
import Foundation
import Logging

/// Runs jobs from the queue: claims a batch under a lease, runs each job's handler and its completion in one
/// transaction, renews the leases while they run, rescues jobs whose worker died, and on `stop` finishes
/// what it holds (or gives it back) before returning. Any number of runners, in any number of processes,
/// may share one database.
public final class JobRunner: Sendable {
    /// What a job does; it runs inside the transaction that also marks the job complete.
    public typealias Handler = @Sendable (JobRecord, any Database) async throws -> Void
    /// A job whose slow part (an HTTP call) must not hold a transaction: it runs first, on the pool, and returns
    /// the part that records its result, which runs in the job's transaction like any handler.
    public typealias OutsideHandler = @Sendable (JobRecord, any Database) async throws -> Handler

    public struct Options: Sendable {
        public var concurrency: Int
        public var lease: TimeInterval
        public var pollInterval: TimeInterval
        public var rescueInterval: TimeInterval

        public init(concurrency: Int = 4, lease: TimeInterval = 30, pollInterval: TimeInterval = 1,
                    rescueInterval: TimeInterval = 5) {
            self.concurrency = concurrency
            self.lease = lease
            self.pollInterval = pollInterval
            self.rescueInterval = rescueInterval
        }
    }

    public let worker: String
    let database: any Database
    let handlers: [String: Handler]
    let outsideHandlers: [String: OutsideHandler]
    let options: Options
    let logger: Logger
    private let state = LockedState()

    public init(database: any Database, handlers: [String: Handler], outsideHandlers: [String: OutsideHandler] = [:],
                options: Options = Options(), worker: String = JobRunner.workerName(),
                logger: Logger = Logger(label: "accord.jobs")) {
        self.database = database
        self.handlers = handlers
        self.outsideHandlers = outsideHandlers
        self.options = options
        self.worker = worker
        self.logger = logger
    }

    /// `host:pid:random`, so a worker's leases are its own.
    public static func workerName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// Starts polling in the background.
    public func start() {
        let task = Task { [self] in await loop() }
        state.set(task)
    }

    /// Stops polling, lets running jobs finish (their batch), then gives back anything still held.
    public func stop() async {
        guard let task = state.take() else { return }
        task.cancel()
        await task.value
        do {
            let released = try await JobQueue.release(worker: worker, on: database)
            if released > 0 { logger.info("gave back \(released) job(s) on shutdown") }
        } catch {
            logger.error("could not give back jobs on shutdown: \(String(describing: error))")
        }
    }

    /// One pass: rescue expired leases, then claim and run due jobs (of `kinds`, when given) until none are
    /// left. Returns how many ran.
    @discardableResult
    public func drain(kinds: [String]? = nil, now: @Sendable () -> Date = Date.init) async throws -> Int {
        try await JobQueue.rescue(now: now(), on: database)
        var total = 0
        while true {
            let batch = try await JobQueue.claim(worker: worker, limit: options.concurrency, lease: options.lease,
                                                 now: now(), kinds: kinds, on: database)
            if batch.isEmpty { return total }
            await run(batch)
            total += batch.count
        }
    }

    private func loop() async {
        var lastRescue = Date.distantPast
        while !Task.isCancelled {
            do {
                if Date().timeIntervalSince(lastRescue) >= options.rescueInterval {
                    let rescued = try await JobQueue.rescue(on: database)
                    if rescued > 0 { logger.warning("rescued \(rescued) job(s) whose lease had expired") }
                    lastRescue = Date()
                }
                let batch = try await JobQueue.claim(worker: worker, limit: options.concurrency, lease: options.lease,
                                                     on: database)
                if batch.isEmpty {
                    try? await Task.sleep(nanoseconds: UInt64(options.pollInterval * 1e9))
                } else {
                    await run(batch)
                }
            } catch {
                logger.error("job loop: \(String(describing: error))")
                try? await Task.sleep(nanoseconds: UInt64(options.pollInterval * 1e9))
            }
        }
    }

    /// Runs a claimed batch concurrently while a heartbeat keeps the leases; shielded from cancellation so a
    /// shutdown lets the batch finish cleanly.
    private func run(_ batch: [JobRecord]) async {
        await Task { [self] in
            let heartbeat = Task { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(options.lease / 3 * 1e9))
                    if Task.isCancelled { break }
                    _ = try? await JobQueue.heartbeat(worker: worker, lease: options.lease, on: database)
                }
            }
            await withTaskGroup(of: Void.self) { group in
                for job in batch { group.addTask { await self.execute(job) } }
            }
            heartbeat.cancel()
        }.value
    }

    private func execute(_ job: JobRecord) async {
        guard handlers[job.kind] != nil || outsideHandlers[job.kind] != nil else {
            _ = try? await JobQueue.fail(job, worker: worker, error: "no handler for jobs of kind '\(job.kind)'", on: database)
            return
        }
        do {
            let handler: Handler
            if let inside = handlers[job.kind] { handler = inside } else { handler = try await outsideHandlers[job.kind]!(job, database) }
            try await database.writeTransaction { [worker] database in
                try await handler(job, database)
                try await JobQueue.complete(job, worker: worker, on: database)
            }
        } catch let lost as JobLeaseLost {
            logger.warning("job \(lost.jobID) was taken over by another worker; its changes were rolled back")
        } catch {
            let state = try? await JobQueue.fail(job, worker: worker, error: String(describing: error), on: database)
            let outcome = state?.rawValue ?? "not ours"
            logger.warning("job \(job.id) (\(job.kind)) attempt \(job.attempt) failed: \(String(describing: error)); now \(outcome)")
        }
    }
}

/// The polling task, behind a lock (the runner is shared between the server and its shutdown handler).
private final class LockedState: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func set(_ task: Task<Void, Never>) {
        lock.withLock { self.task = task }
    }

    func take() -> Task<Void, Never>? {
        lock.withLock {
            defer { task = nil }
            return task
        }
    }
}
