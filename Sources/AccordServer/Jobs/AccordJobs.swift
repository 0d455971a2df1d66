import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// The background jobs Accord runs and the runner that runs them, inside `accord serve` (unless
/// `--no-jobs`) or alone in `accord worker`. Every instance may run one; the queue shares the work.
public enum AccordJobs {
    /// What each kind of job does. Later work (escalations, digests, webhook deliveries) registers here.
    static func handlers(_ app: Application) -> [String: JobRunner.Handler] {
        [SLAEscalation.jobKind: { job, database in try await SLAEscalation.run(job, on: database) },
         Disputes.jobKind: { job, database in try await Disputes.run(job, on: database) },
         Requests.jobKind: { job, database in try await Requests.run(job, on: database) },
         Proofing.jobKind: { job, database in try await Proofing.run(job, on: database) },
         Consents.jobKind: { job, database in try await Consents.run(job, on: database) },
         DigestJob.jobKind: { job, database in try await DigestJob.run(job, on: database) }]
    }

    /// Enqueues the recurring jobs' next runs (the unique keys keep one per slot, however many instances start).
    public static func scheduleRecurring(_ app: Application) async throws {
        try await LiveScoring.scheduleDecay(after: Date(), on: app.db)
        try await DigestJob.schedule(after: Date(), timeZone: app.accordConfiguration?.timeZone ?? .gmt, on: app.db)
    }

    /// Jobs whose slow part (HTTP) runs outside the transaction.
    static func outsideHandlers(_ app: Application) -> [String: JobRunner.OutsideHandler] {
        let client = app.client
        let smtp = app.accordConfiguration?.smtp
        let group = app.eventLoopGroup
        return [
            // Rescoring runs in chunks, each its own transaction; the job's own transaction schedules the next run.
            LiveScoring.decayJobKind: { _, database in
                try await LiveScoring.rescoreAll(onlyEngaged: true, on: database)
                return { _, database in try await LiveScoring.scheduleDecay(after: Date(), on: database) }
            },
            LiveScoring.rescoreJobKind: { _, database in
                try await LiveScoring.rescoreAll(on: database)
                return { _, _ in }
            },
            WebhookOutbox.jobKind: { job, database in try await WebhookSender.deliver(job, client: client, on: database) },
            // Without SMTP settings the email is dropped (the inbox has it); a failed send is retried by the queue.
            Mailbox.jobKind: { job, _ in
                if let smtp, let message = Mailbox.message(job) {
                    try await SMTPMailer.send(to: message.to, subject: message.subject, body: message.body,
                                              settings: smtp, group: group)
                }
                return { _, _ in }
            },
        ]
    }

    /// A runner on the application's database.
    public static func runner(for app: Application, concurrency: Int = 4) -> JobRunner {
        JobRunner(database: app.db, handlers: handlers(app), outsideHandlers: outsideHandlers(app),
                  options: .init(concurrency: concurrency), logger: app.logger)
    }
}
