import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /quality`: lead quality for marketing: acceptance rate and rejection reasons by campaign, channel,
/// definition, rep, team, month or priority (SVG charts and a table), feedback completeness by rep, and the data
/// to fix by source. Reads through the same queries as `/api/v1/analytics/…`.
struct QualityPage: RouteCollection {
    struct Row: Encodable {
        var label: String
        var leads: Int
        var accepted: Int
        var rejected: Int
        var undecided: Int
        var acceptance: String
        var completeness: String
        var topReason: String
    }

    struct Choice: Encodable {
        var value: String
        var selected: Bool
    }

    struct Page: Encodable {
        var shell: Shell
        var dimensions: [Choice]
        var from: String
        var to: String
        var rows: [Row]
        var total: Row
        var acceptanceChart: String
        var reasonsChart: String
        var completenessChart: String
        var objections: [String]
        var staleDays: Int
        var sources: [AnalyticsController.StaleDTO.Source]
        var persons: [Person]
    }

    struct Person: Encodable {
        var href: String
        var email: String
        var source: String
        var why: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("quality", use: Self.render).webPage().requires(.read, .analytics)
    }

    static func percent(_ share: Double?) -> String { share.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    @Sendable static func render(_ request: Request) async throws -> View {
        let (by, from, to) = try AnalyticsController.qualityParameters(request)
        let days = try AnalyticsController.staleParameters(request)
        let report = try await LeadQualityQuery.report(by: by, from: from, to: to, on: request.db)
        let reps = by == .rep ? report : try await LeadQualityQuery.report(by: .rep, from: from, to: to, on: request.db)
        let vocabulary = try await FeedbackCodeModel.vocabulary(on: request.db)
        let data = try await DataQuality.report(olderThanDays: days, limit: 50, on: request.db)
        func row(_ label: String, _ counts: QualityCounts) -> Row {
            Row(label: label, leads: counts.leads, accepted: counts.accepted, rejected: counts.rejected,
                undecided: counts.undecided, acceptance: percent(counts.acceptanceRate),
                completeness: percent(counts.feedbackCompleteness),
                topReason: counts.topReason.map { vocabulary.label(.rejection, $0) } ?? "–")
        }
        let charted = report.groups.prefix(25)
        let totalRejected = max(1, report.total.rejected)
        let day = { (date: Date) in String(ISOTimestamp.format(date).prefix(10)) }
        return try await request.view.render("quality", Page(
            shell: Shell(title: "Lead quality", request: request),
            dimensions: QualityDimension.allCases.map { Choice(value: $0.rawValue, selected: $0 == by) },
            from: day(from), to: day(to.addingTimeInterval(-1)),
            rows: report.groups.map { row($0.label, $0.counts) }, total: row("All leads", report.total),
            acceptanceChart: BarChart.svg(id: "acceptance", title: "Acceptance rate by \(by.rawValue)", bars: charted.map {
                BarChart.Bar(label: $0.label, share: $0.counts.acceptanceRate ?? 0,
                             value: "\(percent($0.counts.acceptanceRate)) of \($0.counts.accepted + $0.counts.rejected) decided")
            }),
            reasonsChart: BarChart.svg(id: "reasons", title: "Why sales rejected leads", bars: report.reasonCodes.map { code in
                let count = report.total.reasons[code] ?? 0
                return BarChart.Bar(label: vocabulary.label(.rejection, code), share: Double(count) / Double(totalRejected),
                                    value: "\(count) (\(percent(Double(count) / Double(totalRejected))))")
            }),
            completenessChart: BarChart.svg(id: "completeness", title: "Feedback within the SLA, by rep",
                                            bars: reps.groups.prefix(25).map {
                BarChart.Bar(label: $0.label, share: $0.counts.feedbackCompleteness ?? 0,
                             value: "\(percent($0.counts.feedbackCompleteness)) of \($0.counts.due) due")
            }),
            objections: report.objectionCodes.map { "\(vocabulary.label(.objection, $0)): \(report.total.objections[$0] ?? 0)" },
            staleDays: days, sources: data.sources.map(AnalyticsController.source),
            persons: data.persons.map { person in
                Person(href: "/persons/\(person.id.uuidString)", email: person.email, source: person.source,
                       why: person.flagReason ?? "not updated since \(person.updatedAt.map(day) ?? "ever")")
            }))
    }
}
