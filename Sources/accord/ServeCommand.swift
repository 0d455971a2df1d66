import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord serve`: migrates, then serves the web pages and the API until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Accord's web pages and API (applies pending migrations first).",
        discussion: "Stops cleanly on SIGTERM or SIGINT: open requests finish, connections close."
    )

    @ArgumentParser.Option(help: "The TCP port to listen on; 0 picks a free one and prints it.")
    var port: Int = 8080

    @ArgumentParser.Option(help: "The address to listen on; 0.0.0.0 listens on every interface.")
    var hostname: String = "127.0.0.1"

    @ArgumentParser.Flag(help: "Do not apply pending migrations at start (run `accord migrate` yourself).")
    var noMigrate = false

    @ArgumentParser.Flag(help: "Load the demo company first when the database is empty, and print how to sign in.")
    var demo = false

    @ArgumentParser.Flag(help: "Do not run background jobs in this process (run `accord worker` elsewhere).")
    var noJobs = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard !hostname.isEmpty else { throw ValidationError("--hostname must not be empty") }
    }

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        if demo { try await loadDemoIfEmpty(configuration) }
        let app = try await AccordApplication.make(configuration, migrate: !noMigrate)
        let hostname = self.hostname
        let jobs = noJobs ? nil : AccordJobs.runner(for: app)
        try await AccordServerRunner.run(app, hostname: hostname, port: port, jobs: jobs) { boundPort in
            // Written unbuffered, so scripts that wait for this line see it at once.
            let banner = "Accord \(AccordApplication.version) is listening on http://\(hostname):\(boundPort)/\n"
                + "Data: \(configuration.database)\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
    }

    /// `--demo`: the demo company in an empty database; an existing one is served as it is.
    private func loadDemoIfEmpty(_ configuration: AccordConfiguration) async throws {
        let store = try await Store.open(configuration.database, logger: CommandEnvironment.logger(configuration))
        do {
            try await store.migrate()
            do {
                try await DemoWriter.requireEmpty(store.database)
                print(try await DemoLoading.load(scale: 1, seed: 42, asOf: Date(), into: store,
                                                 truthFile: nil))
            } catch let error as AccordError where error.code == "conflict" {
                print("The database already holds data; serving it as it is (the demo loads only into an empty one).")
            }
            print("Demo users (password \(DemoCompany.password)): admin@accord.example, salesmanager1@accord.example, "
                + "rep1@accord.example … rep8@accord.example, marketer1@accord.example, "
                + "marketingmanager1@accord.example. The API needs a token: "
                + "accord token create --user admin@accord.example --name try-it --scope write")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
