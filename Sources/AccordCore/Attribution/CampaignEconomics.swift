import Foundation

/// A converting journey with its credit split over sources (campaigns): the opportunity's amount and whether it
/// was won.
public struct CreditedJourney: Sendable, Equatable {
    public var shares: [Int32: Double]
    public var amountMinor: Int64
    public var won: Bool

    public init(shares: [Int32: Double], amountMinor: Int64, won: Bool) {
        self.shares = shares
        self.amountMinor = amountMinor
        self.won = won
    }
}

/// What one campaign (or channel, or supplier) earned and cost in a period under one model.
public struct SourceEconomics: Sendable, Equatable {
    public var key: String
    public var label: String
    /// Attributed pipeline (opportunities opened in the period) and won revenue (deals won in the period), in minor
    /// units; attributed opportunities and won deals (sums of shares).
    public var pipelineMinor: Double
    public var revenueMinor: Double
    public var opportunities: Double
    public var wonDeals: Double
    /// Cost from the monthly costs of the period's months; MQLs and sales-accepted leads the campaign sourced.
    public var costMinor: Int64
    public var mqls: Int
    public var acceptedLeads: Int

    public init(key: String, label: String, pipelineMinor: Double = 0, revenueMinor: Double = 0, opportunities: Double = 0,
                wonDeals: Double = 0, costMinor: Int64 = 0, mqls: Int = 0, acceptedLeads: Int = 0) {
        self.key = key
        self.label = label
        self.pipelineMinor = pipelineMinor
        self.revenueMinor = revenueMinor
        self.opportunities = opportunities
        self.wonDeals = wonDeals
        self.costMinor = costMinor
        self.mqls = mqls
        self.acceptedLeads = acceptedLeads
    }

    /// (revenue − cost) / cost; nil without cost.
    public var roi: Double? { costMinor > 0 ? (revenueMinor - Double(costMinor)) / Double(costMinor) : nil }
    public var costPerMQL: Double? { mqls > 0 && costMinor > 0 ? Double(costMinor) / Double(mqls) : nil }
    public var costPerAcceptedLead: Double? { acceptedLeads > 0 && costMinor > 0 ? Double(costMinor) / Double(acceptedLeads) : nil }
    public var costPerWonDeal: Double? { wonDeals > 0 && costMinor > 0 ? Double(costMinor) / wonDeals : nil }
}

/// Campaign economics: attributed pipeline and revenue per source, rolled up to any grouping (campaign, channel,
/// supplier), next to cost, MQLs and accepted leads.
public enum CampaignEconomics {
    /// - Parameters:
    ///   - groups: each group's key and label; the journeys' shares, `costs`, `mqls` and `accepted` are per group.
    public static func compute(groups: [(key: String, label: String)], pipeline: [CreditedJourney],
                               revenue: [CreditedJourney], costs: [Int64], mqls: [Int], accepted: [Int]) -> [SourceEconomics] {
        var result = groups.enumerated().map { index, group in
            SourceEconomics(key: group.key, label: group.label, costMinor: costs[index], mqls: mqls[index],
                            acceptedLeads: accepted[index])
        }
        for journey in pipeline {
            for (source, share) in journey.shares {
                let group = Int(source)
                result[group].pipelineMinor += share * Double(journey.amountMinor)
                result[group].opportunities += share
            }
        }
        for journey in revenue where journey.won {
            for (source, share) in journey.shares {
                let group = Int(source)
                result[group].revenueMinor += share * Double(journey.amountMinor)
                result[group].wonDeals += share
            }
        }
        return result.sorted { $0.revenueMinor == $1.revenueMinor ? $0.label < $1.label : $0.revenueMinor > $1.revenueMinor }
    }
}
