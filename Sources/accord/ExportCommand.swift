import AccordCore
import AccordStore
import ArgumentParser
import CSV
import Foundation

/// `accord export ENTITY --format salesforce|hubspot|csv|ndjson [--output FILE]` (docs/import-export.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export Accord's records as Salesforce or HubSpot CSV, plain CSV or NDJSON.",
        discussion: "salesforce: contacts, leads, accounts, campaigns, campaign_members, opportunities, contact_roles, campaign_costs; "
            + "hubspot: contacts, companies, deals; csv and ndjson: persons, accounts, campaigns, campaign_members, opportunities, "
            + "contact_roles, campaign_costs. "
            + "Salesforce and HubSpot files import back with `accord import` and change nothing.")

    @ArgumentParser.Argument(help: "persons, contacts, leads, accounts, companies, campaigns, campaign_members, opportunities, deals, contact_roles or campaign_costs.")
    var entity: String

    @ArgumentParser.Option(help: "salesforce, hubspot, csv or ndjson.")
    var format: String

    @ArgumentParser.Option(help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard let entity = ExportEntity(rawValue: entity) else {
            throw ValidationError("ENTITY must be one of: \(ExportEntity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let format = ExportFormat(rawValue: format) else {
            throw ValidationError("--format must be salesforce, hubspot, csv or ndjson, not '\(format)'")
        }
        do { try ExportTable.check(entity, format) } catch { throw ValidationError(error.problem) }
    }

    func run() async throws {
        let entity = ExportEntity(rawValue: self.entity)!, format = ExportFormat(rawValue: self.format)!
        guard let stream = OutputStream(toFileAtPath: output ?? "/dev/stdout", append: false) else {
            throw BadInput(description: "cannot write to \(output ?? "standard output")")
        }
        stream.open()
        defer { stream.close() }
        let header = ExportTable.header(entity, format)
        let writer = format == .ndjson ? nil : try CSVWriter(stream: stream)
        try writer?.write(row: header)
        func emit(_ cells: [String]) throws {
            if let writer {
                try writer.write(row: cells)
            } else {
                let line = Array((ExportTable.ndjson(header: header, cells: cells) + "\n").utf8)
                _ = line.withUnsafeBufferPointer { stream.write($0.baseAddress!, maxLength: $0.count) }
            }
        }
        try await CommandEnvironment.withStore { store in
            try await Exporter.rows(entity, format, on: store.database, emit)
        }
        writer?.stream.close()
    }
}
