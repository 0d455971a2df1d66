import AccordCore
import ArgumentParser
import Foundation

/// The entry point: parses, runs, and turns failures into DESIGN.md's exit statuses
/// (0 success, 2 bad input with a message on standard error, 1 anything else).
@main
enum AccordMain {
    static func main() async {
        do {
            var command = try AccordCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let (status, message, toStandardOutput) = outcome(of: error)
            if !message.isEmpty {
                if toStandardOutput { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            }
            exit(status)
        }
    }

    static func outcome(of error: any Error) -> (Int32, String, Bool) {
        if let error = error as? BadInput { return (2, "accord: \(error.description)", false) }
        if let error = error as? AccordError {
            let lines = error.fields.isEmpty
                ? ["accord: \(error.message)"]
                : error.fields.map { "accord: \($0.field): \($0.problem)" }
            let badInput: Bool = switch error {
            case .validation, .malformed, .notFound, .invalidTransition, .conflict: true
            default: false
            }
            return (badInput ? 2 : 1, lines.joined(separator: "\n"), false)
        }
        let code = AccordCommand.exitCode(for: error)
        let message = AccordCommand.fullMessage(for: error)
        if code == .success { return (0, message, true) }
        if code == .validationFailure { return (2, message, false) }
        return (code.rawValue, "accord: " + message, false)
    }
}
