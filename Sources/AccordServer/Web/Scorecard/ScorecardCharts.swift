import AccordCore
import Foundation

/// The scorecard's charts, drawn by the server as SVG with a title, axes or labels and a text alternative:
/// the period's funnel, lines over the periods, and SLA compliance by rep and weekday as a heatmap (the bars by
/// rep are `BarChart`'s). Hand-written like the other charts: no listed package draws SVG.
enum ScorecardCharts {
    static func header(id: String, title: String, summary: String, width: Double, height: Double, kind: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
        aria-labelledby="\(id)-title \(id)-desc" class="chart \(kind)" id="\(id)">
        <title id="\(id)-title">\(BacktestChart.escape(title))</title>
        <desc id="\(id)-desc">\(BacktestChart.escape(summary.isEmpty ? "No data" : summary))</desc>
        <text x="0" y="18" class="chart-title">\(BacktestChart.escape(title))</text>
        """
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Centred bars narrowing stage by stage, each with its count and its share of the first.
    static func funnel(id: String, title: String, stages: [(label: String, count: Int)]) -> String {
        let width = 640.0, rowHeight = 34.0, top = 30.0, labelWidth = 150.0, plot = width - labelWidth - 10
        let first = Double(max(stages.first?.count ?? 0, 1))
        func share(_ count: Int) -> String { String(format: "%.1f%%", Double(count) / first * 100) }
        let summary = stages.map { "\($0.label): \($0.count) (\(share($0.count)))" }.joined(separator: ", ")
        var svg = header(id: id, title: title, summary: summary, width: width, height: top + rowHeight * Double(stages.count) + 6,
                         kind: "funnel")
        for (index, stage) in stages.enumerated() {
            let y = top + rowHeight * Double(index)
            let barWidth = max(2, plot * Double(stage.count) / first)
            let x = labelWidth + (plot - barWidth) / 2
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(number(y + 21))\" text-anchor=\"end\" class=\"axis\">\(BacktestChart.escape(stage.label))</text>"
            svg += "<rect x=\"\(number(x))\" y=\"\(number(y + 4))\" width=\"\(number(barWidth))\" height=\"\(number(rowHeight - 8))\" class=\"bar\"/>"
            svg += "<text x=\"\(number(labelWidth + plot / 2))\" y=\"\(number(y + 21))\" text-anchor=\"middle\" class=\"value on-bar\">"
                + "\(stage.count) · \(share(stage.count))</text>"
        }
        return svg + "</svg>"
    }

    struct Series {
        var name: String
        var values: [Double?]
    }

    /// Lines over the periods (x axis: the periods' labels; y axis from zero, `format` writes the ticks).
    static func lines(id: String, title: String, axis: String, periods: [String], series: [Series],
                      format: (Double) -> String) -> String {
        let width = 640.0, height = 260.0, left = 64.0, right = 110.0, top = 34.0, bottom = 40.0
        let peak = max(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, 1e-9)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let step = plotWidth / Double(max(periods.count - 1, 1))
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / peak) }
        let summary = series.map { line in
            line.name + ": " + zip(periods, line.values).map { "\($0.0) \($0.1.map(format) ?? "none")" }.joined(separator: ", ")
        }.joined(separator: ". ")
        var svg = header(id: id, title: title, summary: summary, width: width, height: height, kind: "lines")
        for fraction in [0.0, 0.5, 1.0] {
            let position = y(peak * fraction)
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(number(position))\" y2=\"\(number(position))\" class=\"grid\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(number(position + 4))\" text-anchor=\"end\" class=\"axis\">\(format(peak * fraction))</text>"
        }
        svg += "<text x=\"12\" y=\"\(top + plotHeight / 2)\" transform=\"rotate(-90 12 \(top + plotHeight / 2))\" "
            + "text-anchor=\"middle\" class=\"axis\">\(BacktestChart.escape(axis))</text>"
        for (index, label) in periods.enumerated() where periods.count <= 8 || index % 2 == (periods.count - 1) % 2 {
            svg += "<text x=\"\(number(left + step * Double(index)))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\" "
                + "class=\"axis\">\(BacktestChart.escape(label))</text>"
        }
        for (number, line) in series.enumerated() {
            let points = line.values.enumerated().compactMap { index, value in
                value.map { "\(Self.number(left + step * Double(index))),\(Self.number(y($0)))" }
            }
            svg += "<polyline points=\"\(points.joined(separator: " "))\" class=\"series series-\(number)\" fill=\"none\"/>"
            if let last = line.values.last, let value = last {
                svg += "<text x=\"\(Self.number(width - right + 6))\" y=\"\(Self.number(y(value) + 4))\" class=\"legend series-\(number)\">"
                    + "\(BacktestChart.escape(line.name))</text>"
            }
        }
        svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(number(y(0)))\" y2=\"\(number(y(0)))\" class=\"axis-line\"/>"
        return svg + "</svg>"
    }

    /// One row per rep, one column per weekday: the cell's shade is the share of leads answered within the SLA.
    static func heatmap(id: String, title: String, rows: [ScorecardHeatRow]) -> String {
        let labelWidth = 150.0, cell = 62.0, top = 48.0, rowHeight = 26.0
        let width = labelWidth + cell * 7 + 10, height = top + rowHeight * Double(max(rows.count, 1)) + 8
        let summary = rows.map { row in
            row.name + ": " + zip(ScorecardHeatRow.weekdays, row.cells).map { day, cell in
                "\(day) " + (cell.compliance.map { String(format: "%.0f%%", $0 * 100) } ?? "no leads")
            }.joined(separator: ", ")
        }.joined(separator: ". ")
        var svg = header(id: id, title: title, summary: summary, width: width, height: height, kind: "heatmap")
        for (index, day) in ScorecardHeatRow.weekdays.enumerated() {
            svg += "<text x=\"\(number(labelWidth + cell * Double(index) + cell / 2))\" y=\"\(top - 8)\" text-anchor=\"middle\" "
                + "class=\"axis\">\(day)</text>"
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + rowHeight * Double(rowIndex)
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(number(y + 17))\" text-anchor=\"end\" class=\"axis\">\(BacktestChart.escape(row.name))</text>"
            for (column, value) in row.cells.enumerated() {
                let x = labelWidth + cell * Double(column)
                let text = value.compliance.map { String(format: "%.0f%%", $0 * 100) } ?? "–"
                let shade = value.compliance.map { String(format: "%.2f", 0.15 + 0.85 * $0) } ?? "0"
                svg += "<rect x=\"\(number(x + 1))\" y=\"\(number(y + 1))\" width=\"\(number(cell - 2))\" height=\"\(number(rowHeight - 2))\" "
                    + "class=\"heat\" fill-opacity=\"\(shade)\"><title>\(BacktestChart.escape(row.name)), "
                    + "\(ScorecardHeatRow.weekdays[column]): \(value.met) of \(value.due) in time</title></rect>"
                svg += "<text x=\"\(number(x + cell / 2))\" y=\"\(number(y + 17))\" text-anchor=\"middle\" class=\"value\">\(text)</text>"
            }
        }
        if rows.isEmpty { svg += "<text x=\"0\" y=\"\(top + 15)\" class=\"axis\">No leads in this period.</text>" }
        return svg + "</svg>"
    }
}
