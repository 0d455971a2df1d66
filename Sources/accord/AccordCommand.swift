import AccordServer
import ArgumentParser

/// `accord`: the root command.
struct AccordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accord",
        abstract: "Sales and marketing on one agreement.",
        discussion: """
            Accord keeps its data in accord.sqlite in the working directory unless configured otherwise.
            Environment variables:
            \(AccordConfiguration.variables.map { "  \($0.name.padding(toLength: 22, withPad: " ", startingAt: 0))\($0.meaning)" }.joined(separator: "\n"))
            """,
        version: AccordApplication.version,
        subcommands: [ServeCommand.self, WorkerCommand.self, MigrateCommand.self, DemoCommand.self, UserCommand.self,
                      TokenCommand.self, SLACommand.self, ScoreCommand.self, DefinitionCommand.self,
                      AttributeCommand.self, ImportCommand.self, ExportCommand.self, PrivacyCommand.self,
                      ScorecardCommand.self]
    )
}
