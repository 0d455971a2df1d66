import Foundation

/// The figures of the shared scorecard, their side, unit and which way is better.
public enum ScorecardFigure: String, CaseIterable, Sendable, Codable {
    // Marketing's side
    case mqls, mqlTarget, mqlAttainment, acceptanceRate, costPerSal, attributedPipeline, attributedRevenue
    case requestTurnaroundHours
    // Sales' side
    case speedToLeadMedianHours, speedToLeadP90Hours, slaCompliance, feedbackCompleteness
    case mqlToSal, salToOpportunity, winRate, daysToOpportunity, daysOpportunityToWon, wonRevenue
    // Shared
    case mqlToWon, approvalTurnaroundHours, messagesPrevented, revenueAtRisk

    public enum Side: String, Sendable, Codable { case marketing, sales, shared }
    public enum Unit: String, Sendable, Codable { case count, share, money, hours, days }
    public enum Better: String, Sendable, Codable { case higher, lower, neither }

    public var side: Side {
        switch self {
        case .mqls, .mqlTarget, .mqlAttainment, .acceptanceRate, .costPerSal, .attributedPipeline, .attributedRevenue,
             .requestTurnaroundHours: .marketing
        case .speedToLeadMedianHours, .speedToLeadP90Hours, .slaCompliance, .feedbackCompleteness, .mqlToSal,
             .salToOpportunity, .winRate, .daysToOpportunity, .daysOpportunityToWon, .wonRevenue: .sales
        case .mqlToWon, .approvalTurnaroundHours, .messagesPrevented, .revenueAtRisk: .shared
        }
    }

    public var unit: Unit {
        switch self {
        case .mqls, .mqlTarget, .messagesPrevented: .count
        case .mqlAttainment, .acceptanceRate, .slaCompliance, .feedbackCompleteness, .mqlToSal, .salToOpportunity,
             .winRate, .mqlToWon: .share
        case .costPerSal, .attributedPipeline, .attributedRevenue, .wonRevenue, .revenueAtRisk: .money
        case .requestTurnaroundHours, .speedToLeadMedianHours, .speedToLeadP90Hours, .approvalTurnaroundHours: .hours
        case .daysToOpportunity, .daysOpportunityToWon: .days
        }
    }

    public var better: Better {
        switch self {
        case .mqlTarget, .messagesPrevented: .neither
        case .costPerSal, .requestTurnaroundHours, .speedToLeadMedianHours, .speedToLeadP90Hours, .daysToOpportunity,
             .daysOpportunityToWon, .approvalTurnaroundHours, .revenueAtRisk: .lower
        default: .higher
        }
    }

    public var label: String {
        switch self {
        case .mqls: "MQLs"
        case .mqlTarget: "MQL target"
        case .mqlAttainment: "MQLs against target"
        case .acceptanceRate: "Acceptance rate"
        case .costPerSal: "Cost per sales-accepted lead"
        case .attributedPipeline: "Marketing-sourced pipeline"
        case .attributedRevenue: "Marketing-sourced revenue"
        case .requestTurnaroundHours: "Request turnaround (median)"
        case .speedToLeadMedianHours: "Speed to lead (median)"
        case .speedToLeadP90Hours: "Speed to lead (90th percentile)"
        case .slaCompliance: "SLA compliance"
        case .feedbackCompleteness: "Feedback completeness"
        case .mqlToSal: "MQL → SAL"
        case .salToOpportunity: "SAL → opportunity"
        case .winRate: "Win rate"
        case .daysToOpportunity: "Days MQL → opportunity (median)"
        case .daysOpportunityToWon: "Days opportunity → won (median)"
        case .wonRevenue: "Won revenue"
        case .mqlToWon: "MQL → won"
        case .approvalTurnaroundHours: "Approval turnaround (median)"
        case .messagesPrevented: "Messages prevented"
        case .revenueAtRisk: "Revenue at risk from stale leads"
        }
    }

    /// Whether the figure means something for rows of this dimension (nil: the company's total row).
    public func applies(to dimension: ScorecardDimension?) -> Bool {
        guard let dimension else { return true }
        switch self {
        case .mqlTarget, .mqlAttainment: return dimension == .team
        case .costPerSal, .messagesPrevented: return dimension == .campaign || dimension == .channel
        case .requestTurnaroundHours, .approvalTurnaroundHours: return false
        default: return true
        }
    }

    /// Whether `value` moved the good way from `previous`; nil when either is missing, equal, or neither is better.
    public func trend(_ value: Double?, _ previous: Double?) -> String? {
        guard let value, let previous, better != .neither else { return nil }
        if abs(value - previous) < 1e-9 { return "same" }
        return (value > previous) == (better == .higher) ? "better" : "worse"
    }

    /// The value as people read it: `1,234`, `62.5%`, `EUR 12,500`, `3.2 h`, `14 d`.
    public func format(_ value: Double?, currency: String) -> String {
        guard let value else { return "–" }
        switch unit {
        case .count: return Self.grouped(value.rounded())
        case .share: return String(format: "%.1f%%", value * 100)
        case .money: return "\(currency) \(Self.grouped((value / 100).rounded()))"
        case .hours: return String(format: "%.1f h", value)
        case .days: return String(format: "%.1f d", value)
        }
    }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int64(abs(value)))
        var text = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + String(text.reversed())
    }
}

/// What the database counted for one row of the scorecard in one period. Counts over leads are for the leads
/// qualified in the period (the handoff's cohort; how far they got is counted so far); opportunities are counted
/// when they opened or closed in it (pipeline, won revenue, win rate, velocity).
public struct ScorecardFacts: Sendable, Hashable {
    // Leads qualified in the period
    public var mqls = 0
    public var accepted = 0
    public var rejected = 0
    /// Leads whose response time is over or that were decided, and of those the ones decided by their due time.
    public var feedbackDue = 0
    public var decidedInTime = 0
    /// Leads whose SLA has an outcome (acted on, or due and not acted on), those answered in time, and the rest.
    public var slaDue = 0
    public var slaMet = 0
    public var breached = 0
    /// Of the period's leads, those that have become an opportunity, and those won, so far.
    public var reachedOpportunity = 0
    public var reachedWon = 0
    // Opportunities from leads
    public var opportunitiesOpened = 0
    public var pipelineMinor: Int64 = 0
    public var sourcedPipelineMinor: Int64 = 0
    public var won = 0
    public var lost = 0
    public var wonMinor: Int64 = 0
    public var sourcedWonMinor: Int64 = 0
    // Nearest-rank percentiles, in seconds
    public var speedMedianSeconds: Double?
    public var speedP90Seconds: Double?
    public var toOpportunitySeconds: Double?
    public var toWonSeconds: Double?
    // Spread over the period from monthly figures
    public var mqlTarget: Double?
    public var costMinor: Double?
    public var prevented: Int?
    // The company's whole (the total row only)
    public var requestTurnaroundHours: Double?
    public var approvalTurnaroundHours: Double?
    /// Set from the revenue-at-risk estimate.
    public var atRiskMinor: Double?

    public init() {}

    /// Adds another row's counts (percentiles are not additive and stay as they are).
    public mutating func addCounts(_ other: ScorecardFacts) {
        mqls += other.mqls
        accepted += other.accepted
        rejected += other.rejected
        feedbackDue += other.feedbackDue
        decidedInTime += other.decidedInTime
        slaDue += other.slaDue
        slaMet += other.slaMet
        breached += other.breached
        reachedOpportunity += other.reachedOpportunity
        reachedWon += other.reachedWon
        opportunitiesOpened += other.opportunitiesOpened
        pipelineMinor += other.pipelineMinor
        sourcedPipelineMinor += other.sourcedPipelineMinor
        won += other.won
        lost += other.lost
        wonMinor += other.wonMinor
        sourcedWonMinor += other.sourcedWonMinor
        if let target = other.mqlTarget { mqlTarget = (mqlTarget ?? 0) + target }
        if let cost = other.costMinor { costMinor = (costMinor ?? 0) + cost }
        if let prevented = other.prevented { self.prevented = (self.prevented ?? 0) + prevented }
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    /// One figure's value: counts, shares (0…1), money in minor units, hours or days.
    public func value(_ figure: ScorecardFigure) -> Double? {
        switch figure {
        case .mqls: Double(mqls)
        case .mqlTarget: mqlTarget.map { $0.rounded() }
        case .mqlAttainment: mqlTarget.flatMap { $0 > 0 ? Double(mqls) / $0 : nil }
        case .acceptanceRate: Self.ratio(accepted, accepted + rejected)
        case .costPerSal: costMinor.flatMap { accepted == 0 ? nil : ($0 / Double(accepted)).rounded() }
        case .attributedPipeline: Double(sourcedPipelineMinor)
        case .attributedRevenue: Double(sourcedWonMinor)
        case .requestTurnaroundHours: requestTurnaroundHours
        case .speedToLeadMedianHours: speedMedianSeconds.map { ($0 / 36).rounded() / 100 }
        case .speedToLeadP90Hours: speedP90Seconds.map { ($0 / 36).rounded() / 100 }
        case .slaCompliance: Self.ratio(slaMet, slaDue)
        case .feedbackCompleteness: Self.ratio(decidedInTime, feedbackDue)
        case .mqlToSal: Self.ratio(accepted, mqls)
        case .salToOpportunity: Self.ratio(reachedOpportunity, accepted)
        case .winRate: Self.ratio(won, won + lost)
        case .daysToOpportunity: toOpportunitySeconds.map { ($0 / 864).rounded() / 100 }
        case .daysOpportunityToWon: toWonSeconds.map { ($0 / 864).rounded() / 100 }
        case .wonRevenue: Double(wonMinor)
        case .mqlToWon: Self.ratio(reachedWon, mqls)
        case .approvalTurnaroundHours: approvalTurnaroundHours
        case .messagesPrevented: prevented.map(Double.init)
        case .revenueAtRisk: atRiskMinor.map { $0.rounded() }
        }
    }
}

/// Revenue at risk from stale leads = breached × (conversion of on-time leads − conversion of late leads) ×
/// average won deal. The rates and the average come from the twelve months up to the period's end (the period
/// alone is too young for its leads to have closed); "late" is every lead that breached its SLA: answered late or
/// never. A negative difference (late leads converting as well or better) puts nothing at risk.
public struct RevenueAtRisk: Sendable, Hashable {
    public var windowStart: Date
    public var windowEnd: Date
    public var onTimeLeads: Int
    public var onTimeWon: Int
    public var lateLeads: Int
    public var lateWon: Int
    public var wonDeals: Int
    public var wonMinor: Int64

    public init(windowStart: Date, windowEnd: Date, onTimeLeads: Int, onTimeWon: Int, lateLeads: Int, lateWon: Int,
                wonDeals: Int, wonMinor: Int64) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.onTimeLeads = onTimeLeads
        self.onTimeWon = onTimeWon
        self.lateLeads = lateLeads
        self.lateWon = lateWon
        self.wonDeals = wonDeals
        self.wonMinor = wonMinor
    }

    public var onTimeConversion: Double? { ScorecardFacts.ratio(onTimeWon, onTimeLeads) }
    public var lateConversion: Double? { ScorecardFacts.ratio(lateWon, lateLeads) }
    public var averageWonDealMinor: Double? { wonDeals == 0 ? nil : Double(wonMinor) / Double(wonDeals) }

    /// The conversion lost per breached lead (never below zero).
    public var conversionGap: Double? {
        guard let onTime = onTimeConversion, let late = lateConversion else { return nil }
        return max(0, onTime - late)
    }

    /// The estimate for this many breached leads, in minor units.
    public func amountMinor(breached: Int) -> Double? {
        guard let gap = conversionGap, let average = averageWonDealMinor else { return nil }
        return Double(breached) * gap * average
    }

    public static let method = "Revenue at risk = leads that breached the SLA in the period × (conversion to won of "
        + "leads answered in time − conversion of leads that breached) × average won deal; the two conversion rates "
        + "and the average deal come from the twelve months up to the period's end."
}

/// One row of the scorecard: a team, rep, campaign or channel (or the company), in the period and the one before.
public struct ScorecardRow: Sendable, Hashable {
    public var key: String
    public var label: String
    public var current: ScorecardFacts
    public var previous: ScorecardFacts

    public init(key: String, label: String, current: ScorecardFacts, previous: ScorecardFacts) {
        self.key = key
        self.label = label
        self.current = current
        self.previous = previous
    }
}

/// SLA compliance of one rep on one weekday (of qualification, in the scorecard's time zone).
public struct ScorecardHeatCell: Sendable, Hashable {
    public var due: Int
    public var met: Int
    public var compliance: Double? { ScorecardFacts.ratio(met, due) }

    public init(due: Int = 0, met: Int = 0) {
        self.due = due
        self.met = met
    }
}

public struct ScorecardHeatRow: Sendable, Hashable {
    public var userID: UUID?
    public var name: String
    /// Monday first.
    public var cells: [ScorecardHeatCell]

    public init(userID: UUID?, name: String, cells: [ScorecardHeatCell]) {
        self.userID = userID
        self.name = name
        self.cells = cells
    }

    public static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
}

/// The shared scorecard of one period: the company's row, one row per group, the trend, the heatmap and the
/// revenue-at-risk estimate with its inputs.
public struct Scorecard: Sendable {
    public var period: ScorecardPeriod
    public var previous: ScorecardPeriod
    public var dimension: ScorecardDimension?
    public var currency: String
    public var total: ScorecardRow
    public var groups: [ScorecardRow]
    /// The periods up to this one, oldest first, with the company's facts.
    public var trend: [(period: ScorecardPeriod, facts: ScorecardFacts)]
    public var heatmap: [ScorecardHeatRow]
    public var risk: RevenueAtRisk

    public init(period: ScorecardPeriod, previous: ScorecardPeriod, dimension: ScorecardDimension?, currency: String,
                total: ScorecardRow, groups: [ScorecardRow], trend: [(period: ScorecardPeriod, facts: ScorecardFacts)],
                heatmap: [ScorecardHeatRow], risk: RevenueAtRisk, previousRisk: RevenueAtRisk? = nil) {
        self.period = period
        self.previous = previous
        self.dimension = dimension
        self.currency = currency
        self.risk = risk
        func priced(_ row: ScorecardRow) -> ScorecardRow {
            var row = row
            row.current.atRiskMinor = risk.amountMinor(breached: row.current.breached)
            row.previous.atRiskMinor = (previousRisk ?? risk).amountMinor(breached: row.previous.breached)
            return row
        }
        self.total = priced(total)
        self.groups = groups.map(priced).sorted { lhs, rhs in
            lhs.current.mqls == rhs.current.mqls ? lhs.label < rhs.label : lhs.current.mqls > rhs.current.mqls
        }
        self.trend = trend.map { entry in
            var facts = entry.facts
            facts.atRiskMinor = risk.amountMinor(breached: facts.breached)
            return (entry.period, facts)
        }
        self.heatmap = heatmap
    }

    /// The figures of a row, in the catalog's order, that apply to it.
    public func figures(for row: ScorecardRow) -> [ScorecardFigure] {
        ScorecardFigure.allCases.filter { $0.applies(to: row.key == Self.totalKey ? nil : dimension) }
    }

    public static let totalKey = "total"

    /// RFC 4180 CSV, one line per row and figure: `period,previous_period,key,label,figure,side,unit,value,previous,
    /// change,currency` (money in major units with its currency; shares as fractions; blank when there is no value).
    public func csv() -> String {
        var text = "period,previous_period,key,label,figure,side,unit,value,previous,change,currency\n"
        for row in [total] + groups {
            for figure in figures(for: row) {
                let value = row.current.value(figure), before = row.previous.value(figure)
                let scale = figure.unit == .money ? 0.01 : 1
                func number(_ number: Double?) -> String {
                    guard let number else { return "" }
                    let scaled = number * scale
                    return scaled == scaled.rounded() ? String(Int64(scaled)) : String(format: "%.4f", scaled)
                }
                let change = value.flatMap { value in before.map { value - $0 } }
                text += [period.label, previous.label, CSVFormat.field(row.key), CSVFormat.field(row.label), figure.rawValue,
                         figure.side.rawValue, figure.unit.rawValue, number(value), number(before), number(change),
                         figure.unit == .money ? currency : ""].joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// The scorecard as a plain-text table for the terminal: the company's figures against the previous period,
    /// then the groups' main figures.
    public func text() -> String {
        var lines = ["Scorecard \(period.label) (previous \(previous.label))", ""]
        let width = ScorecardFigure.allCases.map(\.label.count).max()! + 2
        func pad(_ text: String, _ length: Int) -> String { text.count >= length ? text + " " : text + String(repeating: " ", count: length - text.count) }
        for side in [ScorecardFigure.Side.marketing, .sales, .shared] {
            lines.append(side.rawValue.capitalized)
            for figure in figures(for: total) where figure.side == side {
                let value = total.current.value(figure), before = total.previous.value(figure)
                let trend = figure.trend(value, before).map { " (\($0))" } ?? ""
                lines.append("  " + pad(figure.label, width) + pad(figure.format(value, currency: currency), 16)
                             + "was " + figure.format(before, currency: currency) + trend)
            }
        }
        lines.append("")
        lines.append(Self.methodLine(risk, currency: currency))
        if let dimension, !groups.isEmpty {
            let columns: [ScorecardFigure] = [.mqls, .acceptanceRate, .slaCompliance, .speedToLeadMedianHours, .wonRevenue,
                                              .revenueAtRisk]
            lines.append("")
            lines.append(pad("By \(dimension.rawValue)", 34) + columns.map { pad($0.label.prefix(20).description, 22) }.joined())
            for row in groups {
                lines.append(pad(String(row.label.prefix(32)), 34)
                             + columns.map { pad($0.format(row.current.value($0), currency: currency), 22) }.joined())
            }
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n") + "\n"
    }

    /// The estimate's inputs in one sentence.
    public static func methodLine(_ risk: RevenueAtRisk, currency: String) -> String {
        let share = ScorecardFigure.acceptanceRate
        return "Revenue at risk: breached leads × (\(share.format(risk.onTimeConversion, currency: currency)) on time − "
            + "\(share.format(risk.lateConversion, currency: currency)) late) × average won deal "
            + "\(ScorecardFigure.wonRevenue.format(risk.averageWonDealMinor, currency: currency)), rates from "
            + "\(risk.onTimeLeads + risk.lateLeads) leads and \(risk.wonDeals) won deals in the twelve months to the period's end."
    }
}
