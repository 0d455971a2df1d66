import AccordCore
import ArgumentParser
import Foundation

/// Bad input found while running a command (a malformed file): the message goes to standard error, exit status 2.
struct BadInput: Error, CustomStringConvertible {
    var description: String
}

/// `accord attribute --paths FILE --model MODEL [--order N] [--json]`: attribution over a ChannelAttribution path
/// file (docs/attribution.md). Prints CSV `channel,conversions,value` sorted by channel, or JSON with `--json`.
struct AttributeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute", abstract: "Attribute conversions and value to channels over a path file.",
        discussion: "Path files are ChannelAttribution's CSV (path, total_conversions, optional "
            + "total_conversion_value and total_null; comma or semicolon). Models: "
            + AttributionModelID.allCases.map(\.rawValue).joined(separator: ", ")
            + ". w_shaped and time_decay need touch times and run only on journeys from the database.")

    @ArgumentParser.Option(help: "The path file (CSV).")
    var paths: String

    @ArgumentParser.Option(help: "The model id.")
    var model: String

    @ArgumentParser.Option(help: "The Markov chain's order, 1 to 4 (markov only).")
    var order: Int?

    @ArgumentParser.Flag(help: "Print JSON instead of CSV.")
    var json = false

    func validate() throws {
        guard let id = AttributionModelID(rawValue: model) else {
            throw ValidationError("--model must be one of: \(AttributionModelID.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if order != nil && id != .markov { throw ValidationError("--order is valid only with --model markov") }
        if let order, !(1...MarkovModel.maximumOrder).contains(order) {
            throw ValidationError("--order must be between 1 and \(MarkovModel.maximumOrder)")
        }
        if id.needsTimes { throw ValidationError(AttributionEngine.Failure.needsTimes(id).description) }
    }

    func run() throws {
        let set: PathSet
        do {
            set = try PathFile.parse(contentsOf: paths)
        } catch let error as PathFileError {
            throw BadInput(description: error.line == 0 ? error.message : "\(paths): \(error)")
        }
        let result: Attribution
        do {
            result = try AttributionEngine.run(AttributionModelID(rawValue: model)!, on: set, order: order)
        } catch {
            throw BadInput(description: error.description)
        }
        print(json ? AttributionOutput.json(result) : AttributionOutput.csv(result), terminator: "")
    }
}

/// The command line's two output formats.
enum AttributionOutput {
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
    }

    static func csv(_ result: Attribution) -> String {
        var text = "channel,conversions,value\n"
        for row in result.sortedRows {
            let channel = CSVFormat.field(row.channel)
            text += "\(channel),\(number(row.conversions)),\(row.value.map(number) ?? "")\n"
        }
        return text
    }

    static func json(_ result: Attribution) -> String {
        let items = result.sortedRows.map { row in
            let name = String(decoding: (try? JSONEncoder().encode(row.channel)) ?? Data("\"\"".utf8), as: UTF8.self)
            return "{\"channel\": \(name), \"conversions\": \(number(row.conversions)), \"value\": \(row.value.map(number) ?? "null")}"
        }
        return "[" + items.joined(separator: ", ") + "]\n"
    }
}
