/// Where a lead stands in its lifecycle: `new → mql → sal → sql → opportunity → won | lost`,
/// plus `rejected` (sales said no, with a reason) and `recycled` (back to nurture).
public enum LeadStage: String, Vocabulary {
    case new, mql, sal, sql, opportunity, won, lost, rejected, recycled

    /// Stages from which a lead never moves again; the person gets a new lead instead.
    public var isFinal: Bool {
        switch self {
        case .won, .lost, .recycled: true
        default: false
        }
    }

    /// Stages in which the lead is still someone's work: it counts as the person's open lead.
    public var isOpen: Bool {
        switch self {
        case .new, .mql, .sal, .sql, .opportunity: true
        case .won, .lost, .rejected, .recycled: false
        }
    }
}
