import Foundation

/// A horizontal bar chart drawn by the server as SVG: one labelled bar per row with its value written beside it, a
/// title and a text alternative. Hand-written like the backtest chart: no listed package draws SVG charts.
enum BarChart {
    struct Bar {
        var label: String
        /// The bar's length as a share of the longest possible (0…1).
        var share: Double
        var value: String
    }

    static func svg(id: String, title: String, bars: [Bar]) -> String {
        let rowHeight = 22.0, labelWidth = 220.0, barWidth = 420.0, top = 30.0
        let height = top + rowHeight * Double(max(bars.count, 1)) + 8
        let summary = bars.map { "\($0.label): \($0.value)" }.joined(separator: ". ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(labelWidth + barWidth + 90)) \(Int(height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" class="chart bars" id="\(id)">
            <title id="\(id)-title">\(BacktestChart.escape(title))</title>
            <desc id="\(id)-desc">\(BacktestChart.escape(summary.isEmpty ? "No data" : summary))</desc>
            <text x="0" y="18" class="chart-title">\(BacktestChart.escape(title))</text>
            """
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            let width = max(0, min(1, bar.share)) * barWidth
            let label = bar.label.count > 32 ? String(bar.label.prefix(31)) + "…" : bar.label
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" class=\"axis\">\(BacktestChart.escape(label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(String(format: "%.1f", width))\" height=\"\(rowHeight - 6)\" class=\"bar\"/>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\" class=\"value\">\(BacktestChart.escape(bar.value))</text>"
        }
        if bars.isEmpty { svg += "<text x=\"0\" y=\"\(top + 15)\" class=\"axis\">No leads in this period.</text>" }
        return svg + "</svg>"
    }
}
