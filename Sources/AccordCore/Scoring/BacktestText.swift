import Foundation

/// A backtest report as text: a table for people, JSON (docs/backtest.schema.json) for programs.
public enum BacktestText {
    public static func json(_ report: BacktestReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISOTimestamp.format(date))
        }
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
    }

    static func money(_ amounts: [Money]) -> String {
        amounts.isEmpty ? "0" : amounts.map { "\($0.amountMinor / 100) \($0.currency)" }.joined(separator: " + ")
    }

    public static func table(_ report: BacktestReport) -> String {
        var lines = ["Backtest \(ISOTimestamp.format(report.from).prefix(10)) to \(ISOTimestamp.format(report.to).prefix(10)) "
            + "over \(report.persons) person(s), \(report.wonPersons) of whom won a deal."]
        let sides = [("candidate", report.candidate)] + (report.active.map { [("active", $0)] } ?? [])
        for (label, side) in sides {
            let name = side.version.map { "v\($0) \(side.name)" } ?? side.name
            let totals = side.totals
            lines.append("\(label) (\(name)): \(totals.mqls) MQLs (\(totals.accountMQLs) from buying groups), "
                + "\(totals.accepted) accepted, \(totals.sqls) SQLs, \(totals.opportunities) opportunities, "
                + "\(totals.wins) wins, revenue \(money(totals.revenue)); precision \(percent(side.precision)), "
                + "recall \(percent(side.recall))")
        }
        lines.append("")
        let header = ["month", "MQLs", "accepted", "SQLs", "opps", "wins", "revenue"]
            + (report.active == nil ? [] : ["active MQLs", "active wins"])
        lines.append(header.joined(separator: "\t"))
        for month in report.months {
            let figures = month.candidate
            var cells = [month.month, "\(figures.mqls)", "\(figures.accepted)", "\(figures.sqls)",
                         "\(figures.opportunities)", "\(figures.wins)", money(figures.revenue)]
            if let active = month.active { cells += ["\(active.mqls)", "\(active.wins)"] }
            lines.append(cells.joined(separator: "\t"))
        }
        lines.append("")
        lines += report.notes
        return lines.joined(separator: "\n")
    }
}
