import AccordCore
import Foundation

/// The backtest's chart, drawn by the server as SVG: per month, the candidate's MQLs as bars with the part that
/// was accepted and the part that won inside them, and the active definition's MQLs as a line; a title, axes,
/// labels and a text alternative. Hand-written: no listed package draws SVG charts.
enum BacktestChart {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func svg(_ report: BacktestReport) -> String {
        let width = 760.0, height = 300.0, left = 48.0, right = 16.0, top = 36.0, bottom = 48.0
        let months = report.months
        let peak = max(1, months.map { max($0.candidate.mqls, $0.active?.mqls ?? 0) }.max() ?? 1)
        let step = Double(peak) > 10 ? (Double(peak) / 5).rounded(.up) : 1
        let ceiling = step * (Double(peak) / step).rounded(.up)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(months.count, 1))
        func y(_ value: Int) -> Double { top + plotHeight * (1 - Double(value) / ceiling) }
        let summary = months.map { month in
            "\(month.month): \(month.candidate.mqls) MQLs, \(month.candidate.accepted) accepted, \(month.candidate.wins) won"
                + (month.active.map { "; active definition \($0.mqls) MQLs" } ?? "")
        }.joined(separator: ". ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-labelledby="backtest-title backtest-desc" class="chart">
            <title id="backtest-title">MQLs per month and their conversion</title>
            <desc id="backtest-desc">\(escape(summary))</desc>
            <text x="\(left)" y="20" class="chart-title">MQLs per month: accepted and won inside each bar\
            \(report.active == nil ? "" : "; the line is the active definition")</text>
            """
        var tick = 0.0
        while tick <= ceiling {
            let position = y(Int(tick))
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(position)\" y2=\"\(position)\" class=\"grid\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(position + 4)\" text-anchor=\"end\" class=\"axis\">\(Int(tick))</text>"
            tick += step
        }
        svg += "<text x=\"12\" y=\"\(top + plotHeight / 2)\" transform=\"rotate(-90 12 \(top + plotHeight / 2))\" "
            + "text-anchor=\"middle\" class=\"axis\">MQLs</text>"
        var line: [String] = []
        for (index, month) in months.enumerated() {
            let x = left + slot * Double(index) + slot * 0.15, barWidth = slot * 0.7
            for (value, kind) in [(month.candidate.mqls, "mqls"), (month.candidate.accepted, "accepted"),
                                  (month.candidate.wins, "wins")] where value > 0 {
                svg += "<rect x=\"\(x)\" y=\"\(y(value))\" width=\"\(barWidth)\" height=\"\(y(0) - y(value))\" "
                    + "class=\"bar-\(kind)\"><title>\(month.month): \(value) \(kind)</title></rect>"
            }
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\" class=\"axis\">"
                + "\(month.month.suffix(5))</text>"
            if let active = month.active { line.append("\(x + barWidth / 2),\(y(active.mqls))") }
        }
        if !line.isEmpty {
            svg += "<polyline points=\"\(line.joined(separator: " "))\" class=\"line-active\" fill=\"none\"/>"
        }
        svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(0))\" y2=\"\(y(0))\" class=\"axis-line\"/>"
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\" class=\"axis\">Month</text>"
        return svg + "</svg>"
    }
}
