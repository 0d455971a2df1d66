import Foundation

/// The weekly digest one user gets: what changed on their scorecard last week, what is overdue, and who is waiting
/// on whom. Pure text from counts the Store gathers.
public struct ScorecardDigest: Sendable, Equatable {
    /// What is waiting for this user, or for others because of them.
    public struct Waiting: Sendable, Equatable {
        /// Leads in the user's scope past their SLA and still undecided.
        public var overdueLeads = 0
        /// Requests waiting on marketing past their respond-by time (marketing users).
        public var overdueRequests = 0
        /// Reviews this user owes.
        public var pendingReviews = 0
        /// Requests where marketing waits for this user's information.
        public var infoWanted = 0
        /// Consent requests waiting for this user's answer.
        public var consents = 0
        /// Requests this user made that wait on marketing.
        public var waitingOnMarketing = 0

        public init() {}
    }

    public var title: String
    public var body: String

    /// The figures the digest reports.
    public static let headline: [ScorecardFigure] = [.mqls, .acceptanceRate, .slaCompliance, .speedToLeadMedianHours,
                                                     .feedbackCompleteness, .wonRevenue, .revenueAtRisk]

    public static func compose(week: String, previous: String, row: ScorecardRow, currency: String, own: Bool,
                               waiting: Waiting) -> ScorecardDigest {
        var lines = ["\(own ? "Your" : "The company's") scorecard for \(week), against \(previous):"]
        for figure in headline {
            let value = row.current.value(figure), before = row.previous.value(figure)
            let trend = figure.trend(value, before).map { " (\($0))" } ?? ""
            lines.append("- \(figure.label): \(figure.format(value, currency: currency)), was "
                         + "\(figure.format(before, currency: currency))\(trend)")
        }
        var overdue: [String] = []
        if waiting.overdueLeads > 0 { overdue.append("- \(waiting.overdueLeads) lead(s) past their SLA without a decision") }
        if waiting.overdueRequests > 0 { overdue.append("- \(waiting.overdueRequests) request(s) from sales past their answer time") }
        if waiting.pendingReviews > 0 { overdue.append("- \(waiting.pendingReviews) collateral review(s) waiting for you") }
        lines.append("")
        lines.append("Overdue:")
        lines += overdue.isEmpty ? ["- nothing"] : overdue
        var waits: [String] = []
        if waiting.infoWanted > 0 { waits.append("- Marketing waits on you for information on \(waiting.infoWanted) request(s)") }
        if waiting.consents > 0 { waits.append("- Marketing waits on your consent for \(waiting.consents) protected account(s)") }
        if waiting.waitingOnMarketing > 0 { waits.append("- You wait on marketing for \(waiting.waitingOnMarketing) request(s)") }
        if waiting.pendingReviews > 0 { waits.append("- Marketing waits on your review of \(waiting.pendingReviews) asset(s)") }
        lines.append("")
        lines.append("Who is waiting on whom:")
        lines += waits.isEmpty ? ["- nobody is waiting on you"] : waits
        let count = waiting.overdueLeads + waiting.overdueRequests + waiting.pendingReviews
        return ScorecardDigest(title: "Weekly digest \(week)" + (count > 0 ? ": \(count) overdue" : ""),
                               body: lines.joined(separator: "\n"))
    }
}
