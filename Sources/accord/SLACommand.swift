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
            abstract: "Schedule the escalation steps of every waiting lead and run every step that is due, once, "
                + "with the emails and webhooks they send.",
            discussion: "Safe to run at any time and beside running servers: steps already taken are not repeated.")

        func run() async throws {
            let configuration = try CommandEnvironment.configuration()
            let app = try await AccordApplication.make(configuration, migrate: false)
            do {
                let leads = try await app.db.writeTransaction { try await SLAEscalation.scheduleWaiting(on: $0) }
                let runner = AccordJobs.runner(for: app)
                let ran = try await runner.drain(kinds: [SLAEscalation.jobKind])
                // and what the steps sent: email and webhook deliveries due now
                let sent = try await runner.drain(kinds: [Mailbox.jobKind, WebhookOutbox.jobKind])
                print("Checked \(leads) waiting lead(s); ran \(ran) due escalation step(s) and \(sent) notification job(s).")
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}
