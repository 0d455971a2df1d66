import AccordStore
import Foundation
import Vapor

/// Runs the HTTP server until SIGTERM or SIGINT, then stops accepting, finishes open requests and exits.
public enum AccordServerRunner {
    /// Starts `app` on `hostname:port`, calls `started` with the bound port, and returns after a clean shutdown.
    /// With `jobs`, the job runner works beside the server and stops (giving back its leases) before it.
    public static func run(_ app: Application, hostname: String, port: Int, jobs: JobRunner? = nil,
                           started: @Sendable (Int) -> Void = { _ in }) async throws {
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT])
        app.http.server.configuration.hostname = hostname
        app.http.server.configuration.port = port
        try await app.asyncBoot()
        try await app.server.start(address: .hostname(hostname, port: port))
        if let jobs {
            try await AccordJobs.scheduleRecurring(app)
            jobs.start()
        }
        started(app.http.server.shared.localAddress?.port ?? port)
        let received = await signals.next()
        app.logger.notice("Received signal \(received); shutting down")
        await jobs?.stop()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Runs only the job runner until SIGTERM or SIGINT (`accord worker`), then stops it cleanly.
    public static func work(_ app: Application, jobs: JobRunner, started: @Sendable () -> Void = {}) async throws {
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT])
        try await app.asyncBoot()
        try await AccordJobs.scheduleRecurring(app)
        jobs.start()
        started()
        let received = await signals.next()
        app.logger.notice("Received signal \(received); stopping the job runner")
        await jobs.stop()
        try await app.asyncShutdown()
    }
}

/// Turns process signals into an awaitable event (the default handlers are disabled while it lives).
/// The dispatch sources are only touched in `init`, so sharing the waiter is safe.
final class SignalWaiter: @unchecked Sendable {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let queue = DispatchQueue(label: "accord.signals")
        var continuation: AsyncStream<Int32>.Continuation!
        stream = AsyncStream { continuation = $0 }
        let sink = continuation!
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { sink.yield(number) }
            source.resume()
            return source
        }
    }

    func next() async -> Int32 {
        for await number in stream { return number }
        return 0
    }
}
