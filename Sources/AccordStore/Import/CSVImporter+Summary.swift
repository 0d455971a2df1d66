import AccordCore
import Foundation

extension CSVImporter.Report {
    /// What happened, in lines a person reads (the command line prints them, the upload page shows them).
    public var summary: [String] {
        let report = self
        var lines = [
            "\(report.dryRun ? "Dry run (nothing changed)" : report.written ? "Imported" : "Not imported"): \(report.source.rawValue) \(report.object.rawValue), "
                + "\(report.encoding), delimiter \(report.delimiter)",
            "  \(report.rows) row(s): \(report.created) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected) rejected",
        ]
        if report.suppressed > 0 {
            lines.append("  \(report.suppressed) row(s) for suppressed addresses or domains: not written")
        }
        if report.skipped > 0 {
            lines.append("  \(report.skipped) member row(s) with a status that is not a touch (mapped to null): nothing written")
        }
        if report.leadsCreated + report.leadsUpdated > 0 {
            lines.append("  leads from lifecycle stages: \(report.leadsCreated) new, \(report.leadsUpdated) moved")
        }
        if !report.unknownValues.isEmpty {
            lines.append("  unknown values (map them in --mapping under \"\(report.object.kind == .campaign ? "channels" : report.object.kind == .campaignMember ? "statuses" : "stages")\"): "
                + report.unknownValues.sorted { $0.key < $1.key }.map { "'\($0.key)' × \($0.value)" }.joined(separator: ", "))
        }
        if !report.unrecognizedHeaders.isEmpty {
            lines.append("  columns not imported: " + report.unrecognizedHeaders.joined(separator: ", "))
        }
        return lines
    }
}
