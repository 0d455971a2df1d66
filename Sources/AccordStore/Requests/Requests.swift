import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Requests from sales to marketing: made by sales, answered by marketing within the requester's team's response
/// time (business hours on the team's calendar), paused while marketing waits for information, escalated to the
/// marketing managers when overdue, appealed to both managers when declined. Every step is audited (entity
/// `request`), told to the people concerned (inbox, email for escalations and answers) and published as a webhook.
/// Call inside a write transaction.
public enum Requests {
    public static let jobKind = "request.step"

    struct Payload: Codable {
        var requestId: UUID
        var step: RequestEscalationStep
        var respondBy: Date
    }

    /// Makes a request as `requester`; the accounts it names must exist.
    public static func submit(_ input: RequestInput, requester: UserModel, by actor: AuditActor, requestID: String? = nil,
                              at now: Date, on database: any Database) async throws -> RequestModel {
        let known = try await IDLookup.existing(input.accountIDs, in: AccountModel.schema, on: database)
        var report = ValidationReport()
        for (index, id) in input.accountIDs.enumerated() where !known.contains(id) {
            report.add("accountIds[\(index)]", "no account with id \(id)")
        }
        try report.throwIfInvalid()
        let agreement = try await LeadHandoff.agreement(teamID: requester.$team.id, on: database)
        let respondBy = RequestRules.respondBy(submittedAt: now,
                                               responseSeconds: TimeInterval(agreement.policy.requestResponseMinutes * 60),
                                               calendar: agreement.calendar)
        let request = RequestModel(input: input, requester: requester.id, requesterLabel: actor.label,
                                   teamID: requester.$team.id, submittedAt: now, respondBy: respondBy)
        try await request.create(on: database)
        try await schedule(request, from: now, calendar: agreement.calendar, on: database)
        try await tell(try await marketingManagers(on: database), "request.submitted",
                       "New \(kindLabel(request)) request: \(request.title)",
                       "\(request.requesterLabel) asks: \(request.details) Wanted by \(CalendarDate.format(request.wantedBy)); "
                        + "answer by \(ISOTimestamp.format(respondBy)).", request: request, email: false, now: now, on: database)
        try await WebhookOutbox.publish(.requestSubmitted, data: eventData(request, move: nil), at: now, on: database)
        try await AuditTrail.record(actor, entity: "request", id: request.id!, action: "request:submit",
                                    changes: ["state": .init(before: .null, after: .string(request.state))],
                                    reason: request.title, requestID: requestID, at: now, on: database)
        return request
    }

    /// Makes a move on a request. Who may make which move is the access policy's (checked by the caller); the
    /// request's rules decide whether it can be made now.
    public static func apply(_ move: RequestMove, to request: RequestModel, by actor: AuditActor, requestID: String? = nil,
                             at now: Date, on database: any Database) async throws {
        if case let .accept(owner, _, _) = move {
            let user = try await UserModel.find(owner, on: database)
            guard let user, user.isActive, UserRole(rawValue: user.role)?.side == .marketing else {
                throw AccordError.validation([FieldError(field: "ownerId", problem: "must be an active marketer")])
            }
        }
        let agreement = try await LeadHandoff.agreement(teamID: request.teamID, on: database)
        let before = request.state
        let next = try RequestRules.apply(move, to: request.status, at: now,
                                          responseSeconds: TimeInterval(agreement.policy.requestResponseMinutes * 60),
                                          calendar: agreement.calendar)
        // The clock runs again (information provided, appeal overturned): steps for its response time (a live job
        // with the same key is not added twice).
        let clockRestarted = next.state == .submitted && before != RequestState.submitted.rawValue
        request.status = next
        switch move {
        case let .accept(owner, delivery, _):
            request.ownerID = owner
            request.deliveryDate = delivery
            request.decidedByLabel = actor.label
            request.decidedByID = actor.userID
        case let .decline(reason, alternative):
            request.declineReason = reason
            request.alternative = alternative
            request.decidedByLabel = actor.label
            request.decidedByID = actor.userID
        case let .askInfo(question):
            request.question = question
            request.answer = nil
        case let .provideInfo(answer):
            request.answer = answer
        case let .appeal(reason):
            request.appealReason = reason
        case let .decideAppeal(decision, _):
            request.appealDecision = decision.rawValue
            request.appealDecidedByLabel = actor.label
            request.appealDecidedAt = now
        case .deliver, .withdraw:
            request.closedAt = now
        }
        try await request.save(on: database)
        if clockRestarted { try await schedule(request, from: now, calendar: agreement.calendar, on: database) }
        try await announce(move, request, by: actor, now: now, on: database)
        try await WebhookOutbox.publish(.requestChanged, data: eventData(request, move: move.name), at: now, on: database)
        try await AuditTrail.record(actor, entity: "request", id: request.id!, action: "request:\(move.name.rawValue)",
                                    changes: ["state": .init(before: .string(before), after: .string(request.state))],
                                    reason: move.reason, requestID: requestID, at: now, on: database)
    }

    /// Who hears of a move, and what they read.
    static func announce(_ move: RequestMove, _ request: RequestModel, by actor: AuditActor, now: Date,
                         on database: any Database) async throws {
        let requester = Set([request.$requester.id].compactMap { $0 })
        let managers = try await marketingManagers(on: database)
        let title = request.title
        let (users, kind, subject, body, email): (Set<UUID>, String, String, String, Bool) = switch move {
        case let .accept(owner, delivery, note):
            (requester.union([owner]), "request.accepted", "Request accepted: \(title)",
             "\(actor.label) accepted it; delivery by \(CalendarDate.format(delivery)).\(note.map { " \($0)" } ?? "")", true)
        case let .decline(reason, alternative):
            (requester, "request.declined", "Request declined: \(title)",
             "\(actor.label) declined it: \(reason)" + (alternative.map { " Proposed instead: \($0)" } ?? "")
                + " You may appeal to both managers.", true)
        case let .askInfo(question):
            (requester, "request.info_requested", "Marketing needs information: \(title)",
             "\(actor.label) asks: \(question) The response clock is paused until you answer.", true)
        case let .provideInfo(answer):
            (managers, "request.info_provided", "Information provided: \(title)",
             "\(actor.label) answered: \(answer) Answer the request by \(ISOTimestamp.format(request.respondBy)).", false)
        case let .appeal(reason):
            (managers.union(try await salesManager(of: request, on: database)), "request.appealed",
             "Decline appealed: \(title)",
             "\(actor.label) appeals the decline (\(request.declineReason ?? "")): \(reason)", true)
        case let .decideAppeal(decision, reason):
            (requester.union(managers), "request.appeal_decided",
             decision == .uphold ? "Appeal upheld the decline: \(title)" : "Appeal overturned the decline: \(title)",
             "\(actor.label): \(reason)" + (decision == .overturn
                ? " Marketing answers again by \(ISOTimestamp.format(request.respondBy))." : ""), true)
        case let .deliver(note):
            (requester, "request.delivered", "Delivered: \(title)", "\(actor.label) delivered it.\(note.map { " \($0)" } ?? "")", true)
        case let .withdraw(reason):
            (managers.union([request.ownerID].compactMap { $0 }), "request.withdrawn", "Request withdrawn: \(title)",
             "\(actor.label) withdrew it.\(reason.map { " \($0)" } ?? "")", false)
        }
        try await tell(users.subtracting([actor.userID].compactMap { $0 }), kind, subject, body, request: request,
                       email: email, now: now, on: database)
    }

    /// Runs one escalation step: the body of a `request.step` job, inside its transaction.
    public static func run(_ job: JobRecord, now: Date = Date(), on database: any Database) async throws {
        guard let payload = StoredJSON.decode(Payload.self, job.payload) else {
            throw AccordError.malformed("job \(job.id) has an unreadable payload")
        }
        _ = try await Catalog.sqlDatabase(database).select().column("id").from(RequestModel.schema)
            .where("id", .equal, payload.requestId).for(.update).first()
        guard let request = try await RequestModel.find(payload.requestId, on: database) else { return }
        let done = payload.step == .overdue && request.escalatedAt != nil
        guard payload.step.shouldAct(request.status, scheduledRespondBy: payload.respondBy, alreadyDone: done) else { return }
        switch payload.step {
        case .remind:
            let marketers = try await UserModel.query(on: database).filter(\.$role == UserRole.marketer.rawValue)
                .filter(\.$isActive == true).all().compactMap(\.id)
            try await tell(Set(marketers), "request.reminder", "Answer the request: \(request.title)",
                           "\(request.requesterLabel)'s request waits for marketing's answer; it is due "
                            + "\(RelativeTime.describe(request.respondBy, now: now)).", request: request, email: false,
                           now: now, on: database)
        case .overdue:
            request.escalatedAt = now
            try await request.save(on: database)
            try await tell(try await marketingManagers(on: database), "request.overdue", "Request overdue: \(request.title)",
                           "Nobody answered \(request.requesterLabel)'s request in time (due "
                            + "\(ISOTimestamp.format(request.respondBy))). Accept it, decline it with a reason, or ask "
                            + "for what is missing.", request: request, email: true, now: now, on: database)
            try await WebhookOutbox.publish(.requestOverdue, data: eventData(request, move: nil), at: now, on: database)
        }
        try await AuditTrail.record(.system, entity: "request", id: request.id!, action: "request:\(payload.step.rawValue)",
                                    changes: ["state": .init(before: .string(request.state), after: .string(request.state))],
                                    reason: request.title, at: now, on: database)
    }

    /// The reminder and the overdue escalation for the request's current response time.
    static func schedule(_ request: RequestModel, from start: Date, calendar: BusinessCalendar, on database: any Database)
        async throws {
        for (step, at) in RequestEscalationStep.schedule(from: start, respondBy: request.respondBy, calendar: calendar) {
            let payload = StoredJSON.text(Payload(requestId: request.id!, step: step, respondBy: request.respondBy))
            try await JobQueue.enqueue(jobKind, payload: payload,
                                       uniqueKey: step.uniqueKey(request: request.id!, respondBy: request.respondBy),
                                       runAt: at, on: database)
        }
    }

    /// Inbox messages (and emails when `email`) pointing at the request's page.
    static func tell(_ users: Set<UUID>, _ kind: String, _ title: String, _ body: String, request: RequestModel,
                     email: Bool, now: Date, on database: any Database) async throws {
        try await Inbox.tell(users, kind, title, body, link: "/requests/\(request.id!.uuidString.lowercased())",
                             email: email, now: now, on: database)
    }

    static func marketingManagers(on database: any Database) async throws -> Set<UUID> {
        Set(try await UserModel.query(on: database).filter(\.$role == UserRole.marketingManager.rawValue)
            .filter(\.$isActive == true).all().compactMap(\.id))
    }

    /// The requester's manager (or their team's sales manager).
    static func salesManager(of request: RequestModel, on database: any Database) async throws -> Set<UUID> {
        let requester = try await request.$requester.id.asyncFlatMap { try await UserModel.find($0, on: database) }
        return Set([try await SLAEscalation.manager(of: requester, on: database)].compactMap { $0 })
    }

    static func kindLabel(_ request: RequestModel) -> String {
        request.kind.replacingOccurrences(of: "_", with: " ")
    }

    /// What request webhooks say.
    public static func eventData(_ request: RequestModel, move: RequestMoveName?) -> JSONValue {
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISOTimestamp.format($0)) } ?? .null }
        return .object([
            "request": .object([
                "id": .string(request.id!.uuidString), "kind": .string(request.kind), "title": .string(request.title),
                "state": .string(request.state), "requester": .string(request.requesterLabel),
                "wantedBy": .string(CalendarDate.format(request.wantedBy)), "respondBy": date(request.respondBy),
                "ownerId": request.ownerID.map { .string($0.uuidString) } ?? .null,
                "deliveryDate": request.deliveryDate.map { .string(CalendarDate.format($0)) } ?? .null,
                "declineReason": request.declineReason.map(JSONValue.string) ?? .null,
                "alternative": request.alternative.map(JSONValue.string) ?? .null,
            ]),
            "move": move.map { .string($0.rawValue) } ?? .null,
        ])
    }
}
