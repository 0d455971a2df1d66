import Foundation

/// A person's part in an opportunity, in a request.
public struct ContactRoleInput: Sendable, Hashable {
    public var personID: UUID
    public var role: String?
    public var isPrimary: Bool

    public init(personID: UUID, role: String? = nil, isPrimary: Bool = false) {
        self.personID = personID
        self.role = role
        self.isPrimary = isPrimary
    }
}

/// The fields of an opportunity in a request.
public struct OpportunityInput: Sendable {
    public var accountID: FieldValue<UUID>
    public var name: FieldValue<String>
    public var amount: FieldValue<Money>
    public var stage: FieldValue<String>
    public var status: FieldValue<OpportunityStatus>
    public var ownerID: FieldValue<UUID>
    public var openedAt: FieldValue<Date>
    public var closedAt: FieldValue<Date>
    public var externalID: FieldValue<String>
    /// When present, replaces every contact role.
    public var contactRoles: FieldValue<[ContactRoleInput]>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> OpportunityInput {
        var reader = FieldReader(json)
        let input = OpportunityInput(
            accountID: reader.notNull("accountId", reader.id("accountId", required: mode.creating)),
            name: reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200)),
            amount: reader.notNull("amount", reader.money("amount", required: mode.creating)),
            stage: reader.notNull("stage", reader.string("stage", required: mode.creating, maxLength: 100)),
            status: reader.notNull("status", reader.vocabulary("status", OpportunityStatus.self)),
            ownerID: reader.id("ownerId"),
            openedAt: reader.notNull("openedAt", reader.time("openedAt")),
            closedAt: reader.time("closedAt"),
            externalID: reader.string("externalId", maxLength: 100),
            contactRoles: readRoles(&reader))
        try reader.finish(entity: "opportunity")
        return input
    }

    /// The rules between fields, checked on the merged result of a create or an update.
    public static func checkConsistency(status: OpportunityStatus, openedAt: Date, closedAt: Date?) throws(AccordError) {
        var report = ValidationReport()
        if status != .open && closedAt == nil { report.add("closedAt", "is required when status is \(status.rawValue)") }
        if status == .open && closedAt != nil { report.add("closedAt", "must be null while status is open") }
        if let closedAt, closedAt < openedAt { report.add("closedAt", "must not be before openedAt") }
        try report.throwIfInvalid()
    }

    private static func readRoles(_ reader: inout FieldReader) -> FieldValue<[ContactRoleInput]> {
        guard let raw = reader.raw("contactRoles") else { return .absent }
        guard case let .array(items) = raw else {
            reader.problem("contactRoles", "must be an array of {personId, role, isPrimary}")
            return .absent
        }
        var roles: [ContactRoleInput] = []
        var seen = Set<UUID>()
        for (index, item) in items.enumerated() {
            var nested = FieldReader(item, prefix: reader.path("contactRoles") + "[\(index)]")
            let personID = nested.id("personId", required: true).value
            if let personID, !seen.insert(personID).inserted { nested.problem("personId", "is listed twice") }
            let role = nested.string("role", maxLength: 100).value
            let isPrimary = nested.bool("isPrimary").value ?? false
            nested.rejectUnknownFields(entity: "contact role")
            for problem in nested.report.problems { reader.reportProblem(problem) }
            if nested.report.problems.isEmpty, let personID {
                roles.append(ContactRoleInput(personID: personID, role: role, isPrimary: isPrimary))
            }
        }
        if roles.filter(\.isPrimary).count > 1 { reader.problem("contactRoles", "at most one role may be primary") }
        return .value(roles)
    }
}

/// The fields of a lead a request may set; the stage changes only through lifecycle moves.
public struct LeadInput: Sendable {
    public var personID: FieldValue<UUID>
    public var ownerID: FieldValue<UUID>
    public var campaignID: FieldValue<UUID>
    public var priority: FieldValue<LeadPriority>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> LeadInput {
        var reader = FieldReader(json)
        let personID: FieldValue<UUID> = mode.creating ? reader.id("personId", required: true) : .absent
        let input = LeadInput(personID: personID, ownerID: reader.id("ownerId"), campaignID: reader.id("campaignId"),
                              priority: reader.vocabulary("priority", LeadPriority.self))
        for key in ["stage", "rejectionReason", "recycleReason", "slaDueAt", "firstActionAt", "opportunityId"]
            where reader.raw(key) != nil {
            reader.problem(key, "is changed only by lifecycle moves (POST /api/v1/leads/{leadId}/moves)")
        }
        if !mode.creating, reader.raw("personId") != nil { reader.problem("personId", "cannot change") }
        try reader.finish(entity: "lead")
        return input
    }
}

/// A lifecycle move as a client asks for it: `{"move": "reject", "reason": "no_budget", "note": "…"}`.
/// An opportunity created by converting a lead: named and sized by the rep, at the lead's account.
public struct NewOpportunity: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var amount: Money
}

public enum LeadMoveInput {
    /// The moves a client may ask for; `expire` is the SLA job's alone.
    public static let names = ["qualify", "accept", "reject", "overturn_rejection", "qualify_for_sales", "convert",
                               "win", "lose", "disqualify"]

    public static func read(_ json: JSONValue) throws(AccordError) -> LeadMove {
        try readRequest(json).move
    }

    /// Reads a move; `convert` links `opportunityId`, or creates the opportunity described by
    /// `opportunity: {"name", "amount"}` (the move then names the new opportunity's id).
    public static func readRequest(_ json: JSONValue) throws(AccordError) -> (move: LeadMove, newOpportunity: NewOpportunity?) {
        var reader = FieldReader(json)
        let name = reader.string("move", required: true, maxLength: 40).value
        let reason = reader.string("reason", maxLength: 100).value
        let note = reader.string("note", maxLength: 2000).value
        let opportunityID = reader.id("opportunityId").value
        var created: NewOpportunity?
        if let raw = reader.raw("opportunity"), raw != .null {
            var nested = FieldReader(raw, prefix: "opportunity")
            let title = nested.string("name", required: true, maxLength: 200).value
            let amount = nested.money("amount", required: true).value
            nested.rejectUnknownFields(entity: "opportunity")
            for problem in nested.report.problems { reader.reportProblem(problem) }
            if let title, let amount { created = NewOpportunity(id: TimeOrderedID.make(), name: title, amount: amount) }
        }
        var move: LeadMove?
        switch name {
        case "qualify": move = .qualify
        case "accept": move = .accept
        case "reject": move = .reject(reason: reason ?? "", note: note)
        case "overturn_rejection": move = .overturnRejection(note: note)
        case "qualify_for_sales": move = .qualifyForSales
        case "convert":
            if opportunityID != nil && created != nil {
                reader.problem("opportunity", "give either opportunityId (link) or opportunity (create), not both")
            } else if let id = opportunityID ?? created?.id {
                move = .convert(opportunityID: id)
            } else if reader.raw("opportunity") == nil {
                reader.problem("opportunityId", "is required to convert a lead (or an opportunity to create)")
            }
        case "win": move = .win
        case "lose": move = .lose(reason: reason)
        case "disqualify": move = .disqualify(reason: reason ?? "", note: note)
        case let other?: reader.problem("move", "'\(other)' is not one of: \(names.joined(separator: ", "))")
        case nil: break
        }
        if created != nil && name != "convert" { reader.problem("opportunity", "is only for the move convert") }
        try reader.finish(entity: "lead move")
        guard let move else { throw AccordError.validation(reader.report.problems) }
        return (move, created)
    }
}
