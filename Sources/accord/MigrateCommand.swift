import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord migrate`: applies pending migrations (or reverts the last batch) and says which.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations that have not run yet.",
        discussion: "`accord serve` does this by itself; run it alone before starting several instances."
    )

    @ArgumentParser.Flag(help: "Revert the most recently applied batch of migrations instead.")
    var revertLastBatch = false

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        let store = try await Store.open(configuration.database, logger: CommandEnvironment.logger(configuration))
        do {
            let names = revertLastBatch ? try await store.revertLastBatch() : try await store.migrate()
            let verb = revertLastBatch ? "Reverted" : "Applied"
            print(names.isEmpty ? "Nothing to do: \(configuration.database) is up to date."
                                : "\(verb) \(names.count) migration(s) on \(configuration.database):")
            for name in names { print("  \(name)") }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
