import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord demo`: loads a simulated company into an empty database.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load a simulated company (12 months of marketing and sales) into an empty database.",
        discussion: """
            The company is the same for the same seed, scale and date. Its outcomes are caused by a hidden \
            structure (channel lifts, a good-fit rule, slow reps) that --truth writes out, so analytics can be \
            checked against it. Scale 1 is about 500 accounts, 3,000 persons, 40 campaigns and 50,000 touchpoints.
            """
    )

    @ArgumentParser.Option(help: "Multiplies every count; fractions such as 0.1 make small test data.")
    var scale: Double = 1

    @ArgumentParser.Option(help: "The random seed.")
    var seed: UInt64 = 42

    @ArgumentParser.Option(name: .customLong("as-of"), help: "The last day of the simulated year (YYYY-MM-DD; default today).")
    var asOf: String?

    @ArgumentParser.Option(help: "Write the hidden truth as JSON to this file (schema: docs/demo-truth.schema.json).")
    var truth: String?

    func validate() throws {
        guard scale > 0, scale <= 100 else { throw ValidationError("--scale must be more than 0 and at most 100") }
        if let asOf, CalendarDate.parse(asOf) == nil {
            throw ValidationError("--as-of must be a date such as 2026-11-23")
        }
        if let truth {
            let folder = (truth as NSString).deletingLastPathComponent
            guard folder.isEmpty || FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("--truth: the folder \(folder) does not exist")
            }
        }
    }

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        let store = try await Store.open(configuration.database, logger: CommandEnvironment.logger(configuration))
        do {
            try await store.migrate()
            // The end of the given day, or now: nothing the demo records lies in the future.
            let instant = asOf.flatMap(CalendarDate.parse)?.addingTimeInterval(86_399) ?? Date()
            let summary = try await DemoLoading.load(scale: scale, seed: seed, asOf: instant, into: store, truthFile: truth)
            print(summary)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Generating, writing and reporting the demo, shared by `demo` and `serve --demo`.
enum DemoLoading {
    /// Loads the demo simulated up to the instant `asOf` and returns a summary of what was created.
    static func load(scale: Double, seed: UInt64, asOf: Date, into store: Store, truthFile: String?) async throws
        -> String {
        try await DemoWriter.requireEmpty(store.database)
        let started = Date()
        let company = DemoCompany.generate(scale: scale, seed: seed, asOf: asOf)
        let generated = Date()
        let progress = ProgressLine(total: company.rowCount)
        try await DemoWriter.write(company, to: store.database) { progress.update($0) }
        progress.finish()
        try await UserDirectory.setDemoPasswords(on: store.database)
        try await DemoWriter.activateDefinition(at: asOf, on: store.database)
        try await DemoWorkflows.write(company, asOf: asOf, seed: seed, on: store.database)
        // The waiting leads' escalation steps, so a running server (or `accord sla sweep`) takes them up.
        try await store.database.writeTransaction { try await SLAEscalation.scheduleWaiting(on: $0) }
        let seconds = Date().timeIntervalSince(generated)
        if let truthFile {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(company.truth).write(to: URL(fileURLWithPath: truthFile))
        }
        let counts = company.truth.counts
        func count(_ key: String) -> String { (counts[key] ?? 0).formatted() }
        return """
            Loaded the demo company (seed \(seed), scale \(scale), as of \(CalendarDate.format(asOf))) into \(store.location):
              \(count("users")) users in \(count("teams")) teams, \(count("accounts")) accounts, \(count("persons")) persons
              \(count("campaigns")) campaigns with \(count("campaignCosts")) monthly costs, \(count("touchpoints")) touchpoints
              \(count("leads")) leads, \(count("opportunities")) opportunities (\(count("wonOpportunities")) won), \(count("contactRoles")) contact roles
            \(company.rowCount.formatted()) rows in \(String(format: "%.1f", seconds)) s \
            (\(Int(Double(company.rowCount) / max(seconds, 0.001)).formatted()) rows/s; \
            generating took \(String(format: "%.1f", generated.timeIntervalSince(started))) s)\
            \(truthFile.map { "\nThe hidden truth is in \($0)." } ?? "")
            """
    }
}

/// Progress on standard error: one updating line on a terminal, a line per table otherwise.
final class ProgressLine: @unchecked Sendable {
    private let total: Int
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastTable = ""
    private var lastPercent = -1
    private let lock = NSLock()

    init(total: Int) {
        self.total = total
    }

    func update(_ progress: DemoWriter.Progress) {
        lock.lock()
        defer { lock.unlock() }
        let percent = Int(Double(progress.allWritten) / Double(max(1, total)) * 100)
        if terminal {
            guard percent != lastPercent || progress.table != lastTable else { return }
            write("\r\(progress.table): \(progress.written.formatted())/\(progress.total.formatted())  [\(percent)%]   ")
        } else if progress.written == progress.total {
            write("\(progress.table): \(progress.total.formatted()) rows [\(percent)%]\n")
        }
        lastPercent = percent
        lastTable = progress.table
    }

    func finish() {
        if terminal { write("\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
