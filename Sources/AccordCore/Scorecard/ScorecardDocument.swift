import Foundation

/// The scorecard as JSON, the same for the API and `accord scorecard --json` (docs/scorecard.md).
public struct ScorecardDocument: Codable, Sendable {
    public struct Period: Codable, Sendable {
        public var kind: ScorecardPeriodKind
        public var label: String
        public var from: Date
        public var to: Date
    }

    /// A figure's value: a number (count, share from 0 to 1, hours, days) or, for money, `{"amountMinor", "currency"}`.
    public enum Value: Codable, Sendable, Equatable {
        case number(Double)
        case money(Money)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .number(value): try container.encode(value)
            case let .money(value): try container.encode(value)
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let money = try? container.decode(Money.self) { self = .money(money) } else {
                self = .number(try container.decode(Double.self))
            }
        }

        init?(_ value: Double?, _ figure: ScorecardFigure, currency: String) {
            guard let value else { return nil }
            self = figure.unit == .money ? .money(Money(amountMinor: Int64(value.rounded()), currency: currency))
                : .number((value * 10_000).rounded() / 10_000)
        }
    }

    public struct Figure: Codable, Sendable {
        public var id: ScorecardFigure
        public var label: String
        public var side: ScorecardFigure.Side
        public var unit: ScorecardFigure.Unit
        public var better: ScorecardFigure.Better
        public var value: Value?
        public var previous: Value?
        /// value − previous, in the figure's unit (money: minor units).
        public var change: Double?
        /// `better`, `worse` or `same`; null when there is nothing to compare or neither way is better.
        public var trend: String?
    }

    public struct Group: Codable, Sendable {
        public var key: String
        public var label: String
        public var figures: [Figure]
    }

    public struct Risk: Codable, Sendable {
        public var amount: Money
        public var breachedLeads: Int
        public var onTimeLeads: Int
        public var onTimeConversion: Double?
        public var lateLeads: Int
        public var lateConversion: Double?
        public var wonDeals: Int
        public var averageWonDeal: Money?
        public var ratesFrom: Date
        public var ratesTo: Date
        public var method: String
    }

    public struct TrendPoint: Codable, Sendable {
        public var period: Period
        public var values: [String: Value]
    }

    public struct HeatRow: Codable, Sendable {
        public struct Cell: Codable, Sendable {
            public var weekday: String
            public var due: Int
            public var met: Int
            public var compliance: Double?
        }

        public var userId: UUID?
        public var name: String
        public var weekdays: [Cell]
    }

    public var period: Period
    public var previousPeriod: Period
    public var timeZone: String
    public var by: ScorecardDimension?
    public var currency: String
    public var figures: [Figure]
    public var groups: [Group]
    public var revenueAtRisk: Risk
    public var trend: [TrendPoint]
    public var heatmap: [HeatRow]

    public init(_ card: Scorecard, timeZone: TimeZone) {
        func period(_ period: ScorecardPeriod) -> Period {
            Period(kind: period.kind, label: period.label, from: period.start, to: period.end)
        }
        func figures(_ row: ScorecardRow) -> [Figure] {
            card.figures(for: row).map { figure in
                let value = row.current.value(figure), previous = row.previous.value(figure)
                return Figure(id: figure, label: figure.label, side: figure.side, unit: figure.unit, better: figure.better,
                              value: Value(value, figure, currency: card.currency),
                              previous: Value(previous, figure, currency: card.currency),
                              change: value.flatMap { value in previous.map { ((value - $0) * 10_000).rounded() / 10_000 } },
                              trend: figure.trend(value, previous))
            }
        }
        self.period = period(card.period)
        previousPeriod = period(card.previous)
        self.timeZone = timeZone.identifier
        by = card.dimension
        currency = card.currency
        self.figures = figures(card.total)
        groups = card.groups.map { Group(key: $0.key, label: $0.label, figures: figures($0)) }
        let risk = card.risk
        revenueAtRisk = Risk(
            amount: Money(amountMinor: Int64((card.total.current.atRiskMinor ?? 0).rounded()), currency: card.currency),
            breachedLeads: card.total.current.breached, onTimeLeads: risk.onTimeLeads, onTimeConversion: risk.onTimeConversion,
            lateLeads: risk.lateLeads, lateConversion: risk.lateConversion, wonDeals: risk.wonDeals,
            averageWonDeal: risk.averageWonDealMinor.map { Money(amountMinor: Int64($0.rounded()), currency: card.currency) },
            ratesFrom: risk.windowStart, ratesTo: risk.windowEnd, method: RevenueAtRisk.method)
        trend = card.trend.map { entry in
            var values: [String: Value] = [:]
            for figure in ScorecardFigure.allCases {
                if let value = Value(entry.facts.value(figure), figure, currency: card.currency) { values[figure.rawValue] = value }
            }
            return TrendPoint(period: period(entry.period), values: values)
        }
        heatmap = card.heatmap.map { row in
            HeatRow(userId: row.userID, name: row.name, weekdays: zip(ScorecardHeatRow.weekdays, row.cells).map {
                HeatRow.Cell(weekday: $0.0, due: $0.1.due, met: $0.1.met, compliance: $0.1.compliance)
            })
        }
    }
}
