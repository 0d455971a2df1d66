import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord sla sweep`: one pass of the SLA clock from the command line.
struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "The SLA clock from the command line.", subcommands: [Sweep.self])

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep",
            abstract: "Schedule the escalation steps of every waiting lead and run every step that is due, once.",
            discussion: "Safe to run at any time and beside running servers: steps already taken are not repeated.")

        func run() async throws {
            let configuration = try CommandEnvironment.configuration()
            let app = try await AccordApplication.make(configuration, migrate: false)
            do {
                let leads = try await app.db.writeTransaction { try await SLAEscalation.scheduleWaiting(on: $0) }
                let ran = try await AccordJobs.runner(for: app).drain(kinds: [SLAEscalation.jobKind])
                print("Checked \(leads) waiting lead(s); ran \(ran) due escalation step(s).")
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}
