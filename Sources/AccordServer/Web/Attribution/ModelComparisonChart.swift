import AccordCore
import Foundation

/// Grouped horizontal bars drawn by the server as SVG: for each group (a campaign, channel or supplier) one bar per
/// model, so the models' credit can be compared side by side, with a legend, a scale, a title and a text alternative.
/// Hand-written like `BarChart`: no listed package draws SVG charts.
enum ModelComparisonChart {
    struct Group {
        var label: String
        /// One value per series, in the series' order.
        var values: [Double]
    }

    static func svg(id: String, title: String, series: [String], groups: [Group], format: (Double) -> String) -> String {
        let barHeight = 9.0, gap = 10.0, labelWidth = 220.0, plotWidth = 420.0, width = labelWidth + plotWidth + 90
        // The legend wraps onto as many rows as it needs (about 7.5 px per character at 12 px).
        var legend: [(x: Double, y: Double, name: String)] = []
        var legendX = 0.0, legendY = 28.0
        for name in series {
            let entry = 22 + Double(name.count) * 7.5
            if legendX > 0 && legendX + entry > width {
                legendX = 0
                legendY += 16
            }
            legend.append((legendX, legendY, name))
            legendX += entry
        }
        let top = legendY + 24
        let groupHeight = barHeight * Double(series.count) + gap
        let height = top + groupHeight * Double(max(groups.count, 1)) + 24
        let largest = max(groups.flatMap(\.values).max() ?? 0, 1e-9)
        let summary = groups.map { group in
            group.label + ": " + zip(series, group.values).map { "\($0) \(format($1))" }.joined(separator: ", ")
        }.joined(separator: ". ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" class="chart models" id="\(id)">
            <title id="\(id)-title">\(BacktestChart.escape(title))</title>
            <desc id="\(id)-desc">\(BacktestChart.escape(summary.isEmpty ? "No data" : summary))</desc>
            <text x="0" y="18" class="chart-title">\(BacktestChart.escape(title))</text>
            """
        for (index, entry) in legend.enumerated() {
            svg += "<rect x=\"\(entry.x)\" y=\"\(entry.y)\" width=\"10\" height=\"10\" class=\"series-\(index % 8)\"/>"
            svg += "<text x=\"\(entry.x + 14)\" y=\"\(entry.y + 9)\" class=\"axis\">\(BacktestChart.escape(entry.name))</text>"
        }
        for (index, group) in groups.enumerated() {
            let y = top + groupHeight * Double(index)
            let label = group.label.count > 32 ? String(group.label.prefix(31)) + "…" : group.label
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + groupHeight / 2)\" text-anchor=\"end\" class=\"axis\">\(BacktestChart.escape(label))</text>"
            for (position, value) in group.values.enumerated() {
                let width = max(0, value) / largest * plotWidth
                let barY = y + barHeight * Double(position)
                svg += "<rect x=\"\(labelWidth)\" y=\"\(barY)\" width=\"\(String(format: "%.1f", width))\" "
                    + "height=\"\(barHeight - 1)\" class=\"series-\(position % 8)\"><title>"
                    + BacktestChart.escape("\(group.label), \(series[position]): \(format(value))") + "</title></rect>"
            }
        }
        // The scale: zero and the largest value under the plot.
        let axisY = top + groupHeight * Double(max(groups.count, 1)) + 4
        svg += "<line x1=\"\(labelWidth)\" y1=\"\(axisY)\" x2=\"\(labelWidth + plotWidth)\" y2=\"\(axisY)\" class=\"axis-line\"/>"
        svg += "<text x=\"\(labelWidth)\" y=\"\(axisY + 14)\" class=\"axis\">0</text>"
        svg += "<text x=\"\(labelWidth + plotWidth)\" y=\"\(axisY + 14)\" text-anchor=\"end\" class=\"axis\">\(BacktestChart.escape(format(largest)))</text>"
        if groups.isEmpty { svg += "<text x=\"0\" y=\"\(top + 15)\" class=\"axis\">No attributed pipeline in this period.</text>" }
        return svg + "</svg>"
    }
}
