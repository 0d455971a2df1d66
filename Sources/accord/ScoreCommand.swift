import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord score --all`: rescores everyone under the active definition with batched SQL; people whose score
/// crosses the threshold from below become MQLs and are routed.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Rescore persons under the active lead definition.",
        discussion: "Reads persons and touchpoints in chunks of 2,000 and writes the scores back with one statement "
            + "per chunk; a person whose score crosses the MQL threshold from below and who has no open lead gets "
            + "one, routed at once.")

    @ArgumentParser.Flag(help: "Rescore every person (required: there is no other selection yet).")
    var all = false

    func validate() throws {
        guard all else { throw ValidationError("say --all to rescore every person") }
    }

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        let store = try await Store.open(configuration.database, logger: CommandEnvironment.logger(configuration))
        do {
            guard try await LiveScoring.active(on: store.database) != nil else {
                throw AccordError.conflict("There is no active lead definition to score with.")
            }
            let started = Date()
            let summary = try await LiveScoring.rescoreAll(on: store.database)
            let seconds = Date().timeIntervalSince(started)
            print("Scored \(summary.scored) person(s) in \(String(format: "%.2f", seconds)) s "
                + "(\(Int(Double(summary.scored) / max(seconds, 0.001))) per second); \(summary.crossed) crossed the "
                + "threshold; \(summary.personLeads) new MQL lead(s), \(summary.accountLeads) from buying groups.")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// `accord definition backtest FILE|--version N [--json]`: replays history under a definition beside the active one.
struct DefinitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "definition", abstract: "Lead definitions from the command line.", subcommands: [Backtest.self])

    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest",
            abstract: "Replay the history under a definition (a JSON file or a stored version) beside the active one.",
            discussion: "On each day only the touchpoints before that day count, with decay as of that day; account "
                + "and person attributes are today's values. JSON output: docs/backtest.schema.json.")

        @ArgumentParser.Argument(help: "A definition file (docs/lead-definition.md).")
        var file: String?

        @ArgumentParser.Option(help: "A stored definition version instead of a file.")
        var version: Int?

        @ArgumentParser.Option(help: "First day (ISO 8601; default: the first touchpoint, at most three years back).")
        var from: String?

        @ArgumentParser.Option(help: "Last day (ISO 8601; default: now).")
        var to: String?

        @ArgumentParser.Flag(help: "Print the report as JSON.")
        var json = false

        func validate() throws {
            guard (file == nil) != (version == nil) else { throw ValidationError("give either FILE or --version N") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, Self.day(value) == nil { throw ValidationError("\(name) '\(value)' is not an ISO 8601 date") }
            }
        }

        static func day(_ text: String) -> Date? {
            ISOTimestamp.parse(text) ?? ISOTimestamp.parse(text + "T00:00:00Z")
        }

        func run() async throws {
            let configuration = try CommandEnvironment.configuration()
            let store = try await Store.open(configuration.database, logger: CommandEnvironment.logger(configuration))
            do {
                let candidate: (version: Int?, name: String, definition: LeadDefinition)
                if let file {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw AccordError.malformed("cannot read the definition file \(file)")
                    }
                    guard let value = try? JSONValue.parse(data) else {
                        throw AccordError.malformed("\(file) is not JSON")
                    }
                    candidate = (nil, (file as NSString).lastPathComponent, try LeadDefinition.parse(value))
                } else {
                    guard let model = try await LeadDefinitionModel.find(version: version!, on: store.database) else {
                        throw AccordError.notFound(entity: "definition version", id: String(version!))
                    }
                    candidate = (model.version, model.name, try model.definition())
                }
                let report = try await BacktestData.report(candidate: candidate, from: from.flatMap(Self.day),
                                                           to: to.flatMap(Self.day), on: store.database)
                print(json ? try BacktestText.json(report) : BacktestText.table(report))
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }
}
