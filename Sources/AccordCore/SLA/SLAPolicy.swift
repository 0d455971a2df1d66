import Foundation

/// The handoff agreement for a team: how fast its reps answer an MQL of each priority (in business
/// time on the team's calendar), and how long an untouched lead keeps before it is recycled to nurture.
public struct SLAPolicy: Sendable, Hashable {
    /// Business minutes to the first action, per priority.
    public var responseMinutes: [LeadPriority: Int]
    /// Calendar days after qualification at which a lead nobody acted on is recycled (`expired`).
    public var shelfLifeDays: Int
    /// Reminder, breach and reassignment steps before that.
    public var escalation: EscalationPolicy = .standard
    /// Business minutes a sales manager has to decide a dispute of a rejection (two business days by default).
    public var disputeResponseMinutes: Int = SLAPolicy.defaultDisputeResponseMinutes
    /// Business minutes marketing has to answer a request from this team's sales (two business days by default).
    public var requestResponseMinutes: Int = SLAPolicy.defaultRequestResponseMinutes

    public static let defaultDisputeResponseMinutes = 960
    public static let defaultRequestResponseMinutes = 960

    /// A: 1 business hour, B: 4, C: 8, D: 24; fourteen days of shelf life.
    public static let standard = SLAPolicy(responseMinutes: [.a: 60, .b: 240, .c: 480, .d: 1_440], shelfLifeDays: 14)

    public init(responseMinutes: [LeadPriority: Int], shelfLifeDays: Int, escalation: EscalationPolicy = .standard,
                disputeResponseMinutes: Int = SLAPolicy.defaultDisputeResponseMinutes,
                requestResponseMinutes: Int = SLAPolicy.defaultRequestResponseMinutes) {
        self.responseMinutes = responseMinutes
        self.shelfLifeDays = shelfLifeDays
        self.escalation = escalation
        self.disputeResponseMinutes = disputeResponseMinutes
        self.requestResponseMinutes = requestResponseMinutes
    }

    /// The response time for a priority; a lead without one is treated as the lowest priority.
    public func responseTime(for priority: LeadPriority?) -> TimeInterval {
        TimeInterval((responseMinutes[priority ?? .d] ?? responseMinutes[.d] ?? 1_440) * 60)
    }

    /// When the owner must have acted on a lead qualified at `qualifiedAt`.
    public func dueTime(for priority: LeadPriority?, qualifiedAt: Date, on calendar: BusinessCalendar) -> Date {
        calendar.add(responseTime(for: priority), to: qualifiedAt)
    }

    /// When a lead qualified at `qualifiedAt` expires if nobody acts on it.
    public func expiry(qualifiedAt: Date) -> Date {
        qualifiedAt.addingTimeInterval(TimeInterval(shelfLifeDays) * 86_400)
    }
}

/// How fast a lead got its first action: wall-clock and business time, and whether the SLA was met.
public struct SpeedToLead: Sendable, Hashable {
    /// Sales touches that count as the owner acting on a lead (besides accepting or rejecting it).
    public static let actionKinds: Set<TouchpointKind> = [.call, .email, .meeting]

    /// Whether a touch stops the SLA clock of the person's waiting lead qualified at `qualifiedAt`.
    public static func stopsClock(side: Side, kind: TouchpointKind, at moment: Date, qualifiedAt: Date?) -> Bool {
        side == .sales && actionKinds.contains(kind) && moment >= (qualifiedAt ?? .distantPast)
    }

    public var wallSeconds: Int
    public var businessSeconds: Int
    public var metSLA: Bool

    public init(qualifiedAt: Date, firstActionAt: Date, dueAt: Date?, calendar: BusinessCalendar) {
        wallSeconds = max(0, Int(firstActionAt.timeIntervalSince(qualifiedAt).rounded()))
        businessSeconds = max(0, Int(calendar.businessTime(from: qualifiedAt, to: firstActionAt).rounded()))
        metSLA = dueAt.map { firstActionAt <= $0 } ?? true
    }
}

/// The fields of an SLA policy in a request: response hours per priority (`{"A": 1, "B": 4, …}`,
/// decimals allowed to the minute) and the shelf life in days.
public struct SLAPolicyInput: Sendable {
    public var name: FieldValue<String>
    public var responseMinutes: FieldValue<[LeadPriority: Int]>
    public var shelfLifeDays: FieldValue<Int64>
    public var isDefault: FieldValue<Bool>
    /// Escalation: share of the response time for the reminder (null: none), manager told at breach,
    /// business hours after the breach for reassignment (null: never).
    public var remindAtShare: FieldValue<Double>
    public var notifyManagerAtBreach: FieldValue<Bool>
    public var reassignAfterHours: FieldValue<Double>
    /// Business hours a sales manager has to decide a dispute.
    public var disputeResponseHours: FieldValue<Double> = .absent
    /// Business hours marketing has to answer a request.
    public var requestResponseHours: FieldValue<Double> = .absent

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> SLAPolicyInput {
        var reader = FieldReader(json)
        var report = ValidationReport()
        let name = reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200))
        var minutes: FieldValue<[LeadPriority: Int]> = .absent
        switch reader.raw("responseHours") {
        case nil: if mode.creating { reader.problem("responseHours", "is required") }
        case .null?: reader.problem("responseHours", "must not be null")
        case let raw?: minutes = Self.readResponse(raw, into: &report).map(FieldValue.value) ?? .absent
        }
        let shelfLife = reader.notNull("shelfLifeDays", reader.integer("shelfLifeDays", required: mode.creating, in: 1...365))
        let isDefault = reader.notNull("isDefault", reader.bool("isDefault"))
        var remind = reader.number("remindAtShare", in: 0...1)
        if let share = remind.value, share <= 0 || share >= 1 {
            reader.problem("remindAtShare", "must be between 0 and 1 exclusive (0.5: halfway), or null for no reminder")
            remind = .absent
        }
        let notify = reader.notNull("notifyManagerAtBreach", reader.bool("notifyManagerAtBreach"))
        let reassign = reader.number("reassignAfterHours", in: 0...1_000)
        var dispute = reader.notNull("disputeResponseHours", reader.number("disputeResponseHours", in: 0...1_000))
        if let hours = dispute.value, hours * 60 < 1 {
            reader.problem("disputeResponseHours", "must be at least one minute (0.0167 hours)")
            dispute = .absent
        }
        var request = reader.notNull("requestResponseHours", reader.number("requestResponseHours", in: 0...1_000))
        if let hours = request.value, hours * 60 < 1 {
            reader.problem("requestResponseHours", "must be at least one minute (0.0167 hours)")
            request = .absent
        }
        reader.rejectUnknownFields(entity: "SLA policy")
        report.merge(reader.report, prefix: "")
        try report.throwIfInvalid()
        return SLAPolicyInput(name: name, responseMinutes: minutes, shelfLifeDays: shelfLife, isDefault: isDefault,
                              remindAtShare: remind, notifyManagerAtBreach: notify, reassignAfterHours: reassign,
                              disputeResponseHours: dispute, requestResponseHours: request)
    }

    /// Reads `{"A": 1, "B": 4, "C": 8, "D": 24}` (every priority, hours from one minute to 1,000 hours).
    public static func readResponse(_ raw: JSONValue, into report: inout ValidationReport) -> [LeadPriority: Int]? {
        var reader = FieldReader(raw, prefix: "responseHours")
        var result: [LeadPriority: Int] = [:]
        for priority in LeadPriority.allCases {
            guard let hours = reader.number(priority.rawValue, required: true, in: 0...1_000).value else { continue }
            let minutes = Int((hours * 60).rounded())
            if minutes < 1 {
                reader.problem(priority.rawValue, "must be at least one minute (0.0167 hours)")
            } else {
                result[priority] = minutes
            }
        }
        reader.rejectUnknownFields(entity: "responseHours (priorities are A, B, C, D)")
        report.merge(reader.report, prefix: "")
        return reader.report.problems.isEmpty ? result : nil
    }

    /// The API form: hours per priority.
    public static func json(responseMinutes: [LeadPriority: Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: responseMinutes.map { priority, minutes in
            (priority.rawValue, minutes % 60 == 0 ? JSONValue.integer(Int64(minutes / 60)) : .number(Double(minutes) / 60))
        }))
    }
}

/// A business calendar with its name, as teams refer to it.
public struct NamedCalendar: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var calendar: BusinessCalendar
    public var isDefault: Bool

    public init(id: UUID, name: String, calendar: BusinessCalendar, isDefault: Bool) {
        self.id = id
        self.name = name
        self.calendar = calendar
        self.isDefault = isDefault
    }
}

/// An SLA policy with its name, as teams refer to it.
public struct NamedSLAPolicy: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var policy: SLAPolicy
    public var isDefault: Bool

    public init(id: UUID, name: String, policy: SLAPolicy, isDefault: Bool) {
        self.id = id
        self.name = name
        self.policy = policy
        self.isDefault = isDefault
    }
}

/// Marketing's target for a team and month.
public struct MQLTarget: Sendable, Hashable {
    public var id: UUID
    public var teamID: UUID
    /// `YYYY-MM`.
    public var month: String
    public var mqlVolume: Int
    public var acceptanceRate: Double

    public init(id: UUID, teamID: UUID, month: String, mqlVolume: Int, acceptanceRate: Double) {
        self.id = id
        self.teamID = teamID
        self.month = month
        self.mqlVolume = mqlVolume
        self.acceptanceRate = acceptanceRate
    }
}
