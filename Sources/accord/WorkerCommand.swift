import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord worker`: runs background jobs only, beside any number of `accord serve --no-jobs` instances.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run background jobs (no web server) until SIGTERM or SIGINT.",
        discussion: "Any number of workers and servers may share one PostgreSQL: jobs are claimed under leases. "
            + "Apply migrations first (`accord migrate`). On SIGTERM the running jobs finish and the rest are given back."
    )

    @ArgumentParser.Option(help: "How many jobs this worker runs at once.")
    var concurrency: Int = 4

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        let app = try await AccordApplication.make(configuration, migrate: false)
        let jobs = AccordJobs.runner(for: app, concurrency: concurrency)
        try await AccordServerRunner.work(app, jobs: jobs) {
            FileHandle.standardOutput.write(Data("Accord worker \(jobs.worker) is running jobs from \(configuration.database)\n".utf8))
        }
    }
}
