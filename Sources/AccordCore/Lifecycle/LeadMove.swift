import Foundation

/// One thing that can happen to a lead; each move has one target stage and the stages it may start from.
public enum LeadMove: Sendable, Equatable {
    /// The lead definition qualified the person: `new → mql`.
    case qualify
    /// Sales accepted the lead: `mql → sal`.
    case accept
    /// Sales rejected the lead with a reason code (and a note, needed for `other`): `mql → rejected`.
    case reject(reason: String, note: String?)
    /// A dispute of the rejection was overturned by the sales manager: `rejected → mql`.
    case overturnRejection(note: String?)
    /// Sales qualified the lead as a sales-qualified lead: `sal → sql`.
    case qualifyForSales
    /// The lead became an opportunity, linked to it: `sql → opportunity`.
    case convert(opportunityID: UUID)
    /// The linked opportunity was won: `opportunity → won`.
    case win
    /// The linked opportunity was lost: `opportunity → lost`.
    case lose(reason: String?)
    /// Nobody acted before the shelf life ran out: `mql | sal → recycled`, reason `expired`.
    case expire
    /// Sales disqualified the lead with a reason code (and a note, needed for `other`): `sal | sql → recycled`.
    case disqualify(reason: String, note: String?)

    /// The stage the lead is in after the move.
    public var target: LeadStage {
        switch self {
        case .qualify, .overturnRejection: .mql
        case .accept: .sal
        case .reject: .rejected
        case .qualifyForSales: .sql
        case .convert: .opportunity
        case .win: .won
        case .lose: .lost
        case .expire, .disqualify: .recycled
        }
    }

    /// The stages the move may start from.
    public var sources: Set<LeadStage> {
        switch self {
        case .qualify: [.new]
        case .accept, .reject: [.mql]
        case .overturnRejection: [.rejected]
        case .qualifyForSales: [.sal]
        case .convert: [.sql]
        case .win, .lose: [.opportunity]
        case .expire: [.mql, .sal]
        case .disqualify: [.sal, .sql]
        }
    }

    /// Whether the move is the owner acting on the lead, which stops the SLA clock if it still runs.
    public var stopsSLAClock: Bool {
        switch self {
        case .accept, .reject: true
        default: false
        }
    }

    /// A short name for messages and the audit trail.
    public var name: String {
        switch self {
        case .qualify: "qualify"
        case .accept: "accept"
        case .reject: "reject"
        case .overturnRejection: "overturn_rejection"
        case .qualifyForSales: "qualify_for_sales"
        case .convert: "convert"
        case .win: "win"
        case .lose: "lose"
        case .expire: "expire"
        case .disqualify: "disqualify"
        }
    }
}

/// A sales activity logged on a lead from the queue: a call, an email or a meeting. It becomes a sales
/// touchpoint of the lead's person and stops the SLA clock if it still runs.
public struct ActivityInput: Sendable {
    public var kind: TouchpointKind
    public var occurredAt: Date
    public var note: String?

    public init(kind: TouchpointKind, occurredAt: Date, note: String?) {
        self.kind = kind
        self.occurredAt = occurredAt
        self.note = note
    }

    public static func read(_ json: JSONValue, now: Date) throws(AccordError) -> ActivityInput {
        var reader = FieldReader(json)
        let kind = reader.vocabulary("kind", TouchpointKind.self, required: true).value
        if let kind, !SpeedToLead.actionKinds.contains(kind) {
            reader.problem("kind", "must be one of call, email, meeting")
        }
        let occurredAt = reader.time("occurredAt").value ?? now
        if occurredAt > now.addingTimeInterval(300) { reader.problem("occurredAt", "must not be in the future") }
        let note = reader.string("note", maxLength: 2_000).value
        try reader.finish(entity: "activity")
        return ActivityInput(kind: kind!, occurredAt: occurredAt, note: note)
    }
}
