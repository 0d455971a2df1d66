import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord scorecard --period week|month|quarter [--at DATE] [--by team|rep|campaign|channel] [--json|--csv]`: the
/// shared scorecard of the period containing DATE (today by default) in ACCORD_TIMEZONE.
struct ScorecardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorecard", abstract: "The shared scorecard of a week, month or quarter.",
        discussion: "Figures of the period containing --at (today by default) in ACCORD_TIMEZONE, against the period "
            + "before; with --by, one row per team, rep, campaign or channel. docs/scorecard.md defines every figure.")

    @ArgumentParser.Option(help: "week, month or quarter.")
    var period: String

    @ArgumentParser.Option(help: "A day (YYYY-MM-DD) inside the period (default: today).")
    var at: String?

    @ArgumentParser.Option(help: "One row per team, rep, campaign or channel.")
    var by: String?

    @ArgumentParser.Flag(help: "Print JSON (the API's answer).")
    var json = false

    @ArgumentParser.Flag(help: "Print CSV (the API's export).")
    var csv = false

    func validate() throws {
        guard ScorecardPeriodKind(rawValue: period) != nil else {
            throw ValidationError("--period must be one of: week, month, quarter")
        }
        if let by, ScorecardDimension(rawValue: by) == nil {
            throw ValidationError("--by must be one of: team, rep, campaign, channel")
        }
        if let at, CalendarDate.parse(at) == nil { throw ValidationError("--at must be a date such as 2026-11-23") }
        if json && csv { throw ValidationError("--json and --csv cannot be used together") }
    }

    func run() async throws {
        let configuration = try CommandEnvironment.configuration()
        let zone = configuration.timeZone
        let moment = at.flatMap(CalendarDate.parse).map { ScorecardPeriod.noon(of: $0, timeZone: zone) }
        try await CommandEnvironment.withStore(configuration) { store in
            let card = try await ScorecardData.load(.init(
                kind: ScorecardPeriodKind(rawValue: period)!, at: moment ?? Date(), dimension: by.flatMap(ScorecardDimension.init),
                timeZone: zone), on: store.database)
            if csv {
                print(card.csv(), terminator: "")
            } else if json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(ScorecardDocument(card, timeZone: zone)), as: UTF8.self))
            } else {
                print(card.text(), terminator: "")
            }
        }
    }
}
