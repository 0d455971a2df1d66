import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /requests`: the board of requests from sales to marketing, a column per state, overdue ones marked, and
/// the form sales uses to make one; `GET /requests/{id}`: one request with the moves the caller may make. Every
/// form posts to `/requests…`, which calls the same code as the API and comes back with a notice.
struct RequestPages: RouteCollection {
    struct Card: Encodable {
        var id: String
        var title: String
        var kind: String
        var requester: String
        var wantedBy: String
        var clock: String
        var overdue: Bool
    }

    struct Column: Encodable {
        var state: String
        var label: String
        var cards: [Card]
    }

    struct Board: Encodable {
        var shell: Shell
        var notice: QueuePages.Notice?
        var columns: [Column]
        var mayCreate: Bool
        var kinds: [String]
        var accounts: [LeadPage.Option]
        var today: String
    }

    struct Fact: Encodable {
        var label: String
        var value: String
    }

    /// One step of a record's history, from the audit trail.
    struct Step: Encodable {
        var at: String
        var who: String
        var what: String
        var why: String?

        /// The audit trail of one request or asset, oldest first: every step it took, with who and why.
        static func history(_ entity: String, _ id: UUID, on database: any Database) async throws -> [Step] {
            try await AuditEventModel.query(on: database).filter(\.$entityType == entity).filter(\.$entityID == id)
                .sort(\.$occurredAt).limit(500).all().map { event in
                    Step(at: ISOTimestamp.format(event.occurredAt), who: event.actorLabel,
                         what: String(event.action.split(separator: ":").last ?? Substring(event.action))
                            .replacingOccurrences(of: "_", with: " "),
                         why: event.reason)
                }
        }
    }

    struct Detail: Encodable {
        var shell: Shell
        var notice: QueuePages.Notice?
        var id: String
        var title: String
        var state: String
        var overdue: Bool
        var facts: [Fact]
        var moves: [String]
        var marketers: [LeadPage.Option]
        var today: String
        var returnTo: String
        var history: [Step]
    }

    struct NewForm: Content {
        var kind: String?
        var title: String?
        var details: String?
        var wantedBy: String?
        var accountIds: [String]?
        var pipeline: String?
        var currency: String?
    }

    struct MoveForm: Content {
        var move: String
        var reason: String?
        var note: String?
        var alternative: String?
        var question: String?
        var answer: String?
        var decision: String?
        var ownerId: String?
        var deliveryDate: String?
        var returnTo: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("requests", use: Self.board).webPage().requires(.read, .requests)
        routes.post("requests", use: Self.create).webPage().requires(.create, .requests)
        routes.get("requests", ":requestId", use: Self.detail).webPage().requires(.read, .requests)
        routes.post("requests", ":requestId", "move", use: Self.move).webPage().requires(.read, .requests)
    }

    static let columns: [(RequestState, String)] = [
        (.submitted, "Waiting for marketing"), (.needsInfo, "Waiting for information"), (.appealed, "Appealed"),
        (.accepted, "Accepted"), (.declined, "Declined"), (.delivered, "Delivered"), (.withdrawn, "Withdrawn"),
    ]

    @Sendable static func board(_ request: Request) async throws -> View {
        let scope = try request.authorize(.read, .requests)
        let rows = try await RequestModel.query(on: request.db).scoped(scope, by: RequestsController.ownership)
            .sort(\.$submittedAt, .descending).limit(500).all()
        let now = Date()
        let principal = try request.principal()
        let mayCreate = if case .allowed = AccessPolicy.decide(principal, .create, .requests) { true } else { false }
        let accounts = mayCreate ? try await AccountModel.query(on: request.db).scoped(request.rowScope, by: AccountsResource.ownership)
            .sort(\.$name).limit(500).all() : []
        return try await request.view.render("requests", Board(
            shell: Shell(title: "Requests", request: request), notice: QueuePages.notice(request),
            columns: columns.map { state, label in
                Column(state: state.rawValue, label: label, cards: rows.filter { $0.state == state.rawValue }.map { card($0, now: now) })
            },
            mayCreate: mayCreate, kinds: RequestKind.allCases.map(\.rawValue),
            accounts: accounts.map { LeadPage.Option(code: $0.id!.uuidString, label: $0.name) },
            today: CalendarDate.format(now)))
    }

    static func card(_ row: RequestModel, now: Date) -> Card {
        let status = row.status
        let clock = switch status.state {
        case .submitted: "answer \(RelativeTime.describe(row.respondBy, now: now))"
        case .needsInfo: "clock paused: \(row.question ?? "")"
        case .accepted: "delivery by \(row.deliveryDate.map(CalendarDate.format) ?? "?")"
        case .declined: row.declineReason ?? ""
        case .appealed: "appeal: \(row.appealReason ?? "")"
        case .delivered, .withdrawn: row.closedAt.map { "on \(CalendarDate.format($0))" } ?? ""
        }
        return Card(id: row.id!.uuidString.lowercased(), title: row.title, kind: row.kind.replacingOccurrences(of: "_", with: " "),
                    requester: row.requesterLabel, wantedBy: CalendarDate.format(row.wantedBy), clock: clock,
                    overdue: RequestRules.isOverdue(status, at: now))
    }

    @Sendable static func detail(_ request: Request) async throws -> View {
        let row = try await RequestsController.find(request, within: try request.authorize(.read, .requests), on: request.db)
        let principal = try request.principal()
        let now = Date()
        // The moves the state allows and the viewer's role may make on this row (a scope is asked of the database
        // once; the server checks again when the form is posted).
        var moves: [String] = []
        var inScope: [(scope: RowScope, covers: Bool)] = []
        for name in RequestMoveName.allCases {
            guard case let .allowed(scope) = AccessPolicy.decide(principal, .move(name.rawValue), .requests),
                  (try? RequestRules.apply(sample(name), to: row.status, at: now, responseSeconds: 3_600,
                                           calendar: .officeHours(.gmt))) != nil else { continue }
            if !inScope.contains(where: { $0.scope == scope }) {
                let covers = try await RequestModel.query(on: request.db).filter(\.$id == row.id!)
                    .scoped(scope, by: RequestsController.ownership).first() != nil
                inScope.append((scope, covers))
            }
            if inScope.first(where: { $0.scope == scope })?.covers == true { moves.append(name.rawValue) }
        }
        let marketers = moves.contains("accept") ? try await UserModel.query(on: request.db)
            .filter(\.$role ~~ [UserRole.marketer.rawValue, UserRole.marketingManager.rawValue]).filter(\.$isActive == true)
            .sort(\.$name).all() : []
        let accounts = try await AccountModel.query(on: request.db).filter(\.$id ~~ row.accountIDs).all().map(\.name)
        let owner = try await row.ownerID.asyncFlatMap { try await UserModel.find($0, on: request.db) }
        var facts = [
            Fact(label: "Kind", value: row.kind.replacingOccurrences(of: "_", with: " ")),
            Fact(label: "Asked by", value: "\(row.requesterLabel) on \(ISOTimestamp.format(row.submittedAt))"),
            Fact(label: "What and why", value: row.details),
            Fact(label: "Wanted by", value: CalendarDate.format(row.wantedBy)),
            Fact(label: "Expected pipeline", value: row.expectedPipeline.map { AttributionPage.money(Double($0.amountMinor), $0.currency) } ?? "not given"),
            Fact(label: "Accounts", value: accounts.isEmpty ? "none named" : accounts.sorted().joined(separator: ", ")),
            Fact(label: "Marketing answers", value: row.status.state == .submitted
                ? RelativeTime.describe(row.respondBy, now: now) + " (\(ISOTimestamp.format(row.respondBy)))"
                : row.status.state == .needsInfo ? "clock paused until the information comes" : "answered"),
        ]
        func add(_ label: String, _ value: String?) { if let value { facts.append(Fact(label: label, value: value)) } }
        add("Question", row.question)
        add("Answer", row.answer)
        add("Owner", owner?.name)
        add("Delivery by", row.deliveryDate.map(CalendarDate.format))
        add("Decided by", row.decidedByLabel)
        add("Declined because", row.declineReason)
        add("Proposed instead", row.alternative)
        add("Appeal", row.appealReason)
        add("Appeal decided", row.appealDecision.map { "\($0) by \(row.appealDecidedByLabel ?? "?")" })
        let path = "/requests/\(row.id!.uuidString.lowercased())"
        return try await request.view.render("request", Detail(
            shell: Shell(title: "Request: \(row.title)", request: request), notice: QueuePages.notice(request),
            id: row.id!.uuidString.lowercased(), title: row.title, state: row.state,
            overdue: RequestRules.isOverdue(row.status, at: now), facts: facts, moves: moves,
            marketers: marketers.map { LeadPage.Option(code: $0.id!.uuidString, label: $0.name) },
            today: CalendarDate.format(now), returnTo: path,
            history: try await Step.history("request", row.id!, on: request.db)))
    }

    /// A move of that name with placeholder content, to ask the rules whether the state allows it.
    static func sample(_ name: RequestMoveName) -> RequestMove {
        switch name {
        case .accept: .accept(ownerID: UUID(), deliveryDate: .distantFuture, note: nil)
        case .decline: .decline(reason: "-", alternative: nil)
        case .askInfo: .askInfo(question: "-")
        case .provideInfo: .provideInfo(answer: "-")
        case .appeal: .appeal(reason: "-")
        case .decideAppeal: .decideAppeal(.uphold, reason: "-")
        case .deliver: .deliver(note: nil)
        case .withdraw: .withdraw(reason: nil)
        }
    }

    // MARK: Actions

    @Sendable static func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode(NewForm.self)
        var body: [String: JSONValue] = [
            "kind": .string(form.kind ?? ""), "title": .string(form.title ?? ""), "details": .string(form.details ?? ""),
            "wantedBy": .string(form.wantedBy ?? ""),
            "accountIds": .array((form.accountIds ?? []).filter { !$0.isEmpty }.map(JSONValue.string)),
        ]
        if let pipeline = form.pipeline?.replacingOccurrences(of: ",", with: ""), !pipeline.isEmpty {
            body["expectedPipeline"] = .object([
                "amountMinor": Double(pipeline).map { .integer(Int64(($0 * 100).rounded())) } ?? .string(pipeline),
                "currency": .string(form.currency ?? "EUR"),
            ])
        }
        do {
            let input = try RequestInput.read(.object(body), today: CalendarDate.startOfDay(Date()))
            let made = try await RequestsController.submit(input, request: request)
            return request.redirect(to: QueuePages.with("/requests/\(made.id!.uuidString.lowercased())", "done",
                                                        "Request sent; marketing has been told."), redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with("/requests", "problem", QueuePages.describe(error)), redirectType: .normal)
        }
    }

    @Sendable static func move(_ request: Request) async throws -> Response {
        let form = try request.content.decode(MoveForm.self)
        return try await QueuePages.act(request, done: "Done: \(form.move.replacingOccurrences(of: "_", with: " ")).") { _ in
            var body: [String: JSONValue] = ["move": .string(form.move)]
            for (key, value) in [("reason", form.reason), ("note", form.note), ("alternative", form.alternative),
                                 ("question", form.question), ("answer", form.answer), ("decision", form.decision),
                                 ("ownerId", form.ownerId), ("deliveryDate", form.deliveryDate)] {
                if let value, !value.isEmpty { body[key] = .string(value) }
            }
            let move = try RequestMove.read(.object(body), today: CalendarDate.startOfDay(Date()))
            _ = try await RequestsController.apply(move, request: request)
        }
    }
}
