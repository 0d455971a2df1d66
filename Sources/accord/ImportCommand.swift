import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord import FILE [--source salesforce|hubspot|auto] [--object …] [--mapping F] [--date-format dmy|mdy]
/// [--dry-run] [--skip-invalid --rejects OUT.csv]` (docs/import-export.md).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a Salesforce or HubSpot CSV export.",
        discussion: "Columns are recognised by their headers (API names or the labels the CRM's export writes); "
            + "--mapping FILE (JSON: columns, stages, channels, statuses, outcomes, currency; docs/import-export.md) overrides. "
            + "All or nothing: one bad row and nothing is written, unless --skip-invalid, which writes the good rows "
            + "and the rejected ones with their reasons to --rejects. Importing the same file again changes nothing.")

    @ArgumentParser.Argument(help: "The CSV file (UTF-8 with or without BOM, or Latin-1; comma, semicolon or tab).")
    var file: String

    @ArgumentParser.Option(help: "salesforce, hubspot or auto (from the headers).")
    var source = "auto"

    @ArgumentParser.Option(help: "leads, contacts, accounts, campaigns, campaign_members, opportunities, contact_roles (Salesforce); contacts, companies, deals (HubSpot); campaign_costs, suppressions (either); auto from the headers.")
    var object: String?

    @ArgumentParser.Option(help: "A JSON file overriding column, lifecycle, campaign type, member status and deal outcome mappings.")
    var mapping: String?

    @ArgumentParser.Option(name: .customLong("date-format"), help: "How to read 03/04/2025: dmy or mdy.")
    var dateFormat: String?

    @ArgumentParser.Flag(name: .customLong("dry-run"), help: "Report what would change and change nothing.")
    var dryRun = false

    @ArgumentParser.Flag(name: .customLong("skip-invalid"), help: "Write the good rows; bad rows go to --rejects.")
    var skipInvalid = false

    @ArgumentParser.Option(help: "Where --skip-invalid writes the rejected rows with their reasons (CSV).")
    var rejects: String?

    func validate() throws {
        if source != "auto" && ImportSource(rawValue: source) == nil {
            throw ValidationError("--source must be salesforce, hubspot or auto, not '\(source)'")
        }
        if let object, ImportObject(rawValue: object) == nil {
            throw ValidationError("--object must be one of: \(ImportObject.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let dateFormat, SlashDateOrder(rawValue: dateFormat) == nil {
            throw ValidationError("--date-format must be dmy or mdy, not '\(dateFormat)'")
        }
        if skipInvalid != (rejects != nil) { throw ValidationError("--skip-invalid and --rejects go together") }
    }

    func run() async throws {
        var options = CSVImporter.Options(source: ImportSource(rawValue: source), object: object.flatMap(ImportObject.init))
        options.dateOrder = dateFormat.flatMap(SlashDateOrder.init)
        options.dryRun = dryRun
        options.skipInvalid = skipInvalid
        options.rejectsPath = rejects
        if let mapping {
            guard let data = FileManager.default.contents(atPath: mapping) else { throw BadInput(description: "cannot read \(mapping)") }
            options.mapping = try ImportMapping.parse(data)
        }
        var outcome: CSVImporter.Report?
        try await CommandEnvironment.withStore { store in
            do {
                outcome = try await CSVImporter.run(file: file, options: options, actor: AuditActor(userID: nil, label: "accord import"),
                                                    on: store.database)
            } catch let error as ImportSetupError {
                throw BadInput(description: "\(file): \(error.message)")
            }
        }
        guard let report = outcome else { return }
        print(report.summary.joined(separator: "\n"))
        for problem in report.problems {
            FileHandle.standardError.write(Data("accord: \(file): row \(problem.row), \(problem.column): \(problem.problem)\n".utf8))
        }
        if report.rejected > report.problems.count {
            FileHandle.standardError.write(Data("accord: … and \(report.rejected - report.problems.count) more rejected row(s)\n".utf8))
        }
        if report.rejected > 0 && !skipInvalid {
            throw BadInput(description: "\(report.rejected) bad row(s): nothing was imported (fix them, map them with --mapping, or use --skip-invalid --rejects FILE)")
        }
    }
}
