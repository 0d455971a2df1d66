import Foundation

/// What lead-quality figures are grouped by.
public enum QualityDimension: String, Vocabulary {
    case campaign, channel, definition, rep, team, month, priority
}

/// The counts of one group of leads, as the database aggregated them.
public struct QualityCounts: Sendable, Hashable {
    /// Leads handed to sales (every lead that reached `mql`).
    public var leads: Int
    /// Accepted by sales (the lead went on to `sal` or beyond, whatever happened later).
    public var accepted: Int
    /// Rejected (and still rejected: an overturned rejection is waiting for a new decision).
    public var rejected: Int
    /// Leads whose response time is over or that were decided: the ones feedback could be expected on.
    public var due: Int
    /// Of those, decided (accepted or rejected) by the due time.
    public var decidedInTime: Int
    /// Rejections per reason code.
    public var reasons: [String: Int]
    /// Objections per code, on these leads.
    public var objections: [String: Int]

    public init(leads: Int = 0, accepted: Int = 0, rejected: Int = 0, due: Int = 0, decidedInTime: Int = 0,
                reasons: [String: Int] = [:], objections: [String: Int] = [:]) {
        self.leads = leads
        self.accepted = accepted
        self.rejected = rejected
        self.due = due
        self.decidedInTime = decidedInTime
        self.reasons = reasons
        self.objections = objections
    }

    /// Leads still waiting for a decision.
    public var undecided: Int { max(0, leads - accepted - rejected) }

    /// Accepted over decided; nil when nothing was decided.
    public var acceptanceRate: Double? { accepted + rejected == 0 ? nil : Double(accepted) / Double(accepted + rejected) }

    /// Feedback completeness: the share of due leads decided within their SLA; nil when none was due.
    public var feedbackCompleteness: Double? { due == 0 ? nil : Double(decidedInTime) / Double(due) }

    /// The most frequent rejection reason (ties: alphabetical), if any.
    public var topReason: String? {
        reasons.max { lhs, rhs in lhs.value == rhs.value ? lhs.key > rhs.key : lhs.value < rhs.value }?.key
    }

    public static func + (lhs: QualityCounts, rhs: QualityCounts) -> QualityCounts {
        QualityCounts(leads: lhs.leads + rhs.leads, accepted: lhs.accepted + rhs.accepted, rejected: lhs.rejected + rhs.rejected,
                      due: lhs.due + rhs.due, decidedInTime: lhs.decidedInTime + rhs.decidedInTime,
                      reasons: lhs.reasons.merging(rhs.reasons, uniquingKeysWith: +),
                      objections: lhs.objections.merging(rhs.objections, uniquingKeysWith: +))
    }
}

/// One group of a lead-quality report.
public struct QualityGroup: Sendable, Hashable {
    /// The group's key (an id, a month, a version, a priority) and what people read.
    public var key: String
    public var label: String
    public var counts: QualityCounts

    public init(key: String, label: String, counts: QualityCounts) {
        self.key = key
        self.label = label
        self.counts = counts
    }
}

/// Lead quality by one dimension: the groups, largest first (months in order), and the whole.
public struct QualityReport: Sendable, Hashable {
    public var dimension: QualityDimension
    public var from: Date
    public var to: Date
    public var groups: [QualityGroup]
    public var total: QualityCounts

    public init(dimension: QualityDimension, from: Date, to: Date, groups: [QualityGroup]) {
        self.dimension = dimension
        self.from = from
        self.to = to
        self.groups = groups.sorted { lhs, rhs in
            if dimension == .month || dimension == .definition || dimension == .priority { return lhs.key < rhs.key }
            return lhs.counts.leads == rhs.counts.leads ? lhs.label < rhs.label : lhs.counts.leads > rhs.counts.leads
        }
        total = groups.reduce(QualityCounts()) { $0 + $1.counts }
    }

    /// The reason codes in the report, most frequent first: the columns of a reasons table.
    public var reasonCodes: [String] {
        total.reasons.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map(\.key)
    }

    public var objectionCodes: [String] {
        total.objections.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map(\.key)
    }
}
