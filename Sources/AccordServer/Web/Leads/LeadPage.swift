import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /leads/{leadId}`: one lead's facts, its whole story, and the feedback the caller may give: accept or reject,
/// later stages, objections, a dispute (marketing) and the dispute's decision (the rep's manager). Every form posts
/// to `/leads/{leadId}/…`, which calls the same code as the API and comes back here with a notice.
struct LeadPage: RouteCollection {
    struct Option: Encodable {
        var code: String
        var label: String
    }

    struct Line: Encodable {
        var at: String
        var when: String
        var kind: String
        var title: String
        var detail: String?
        var actor: String?
    }

    struct DisputeView: Encodable {
        var id: String
        var state: String
        var reason: String
        var openedBy: String
        var due: String
        var overdue: Bool
        var decision: String?
    }

    struct Page: Encodable {
        var shell: Shell
        var id: String
        var person: String
        var personHref: String
        var account: String
        var stage: String
        var owner: String
        var priority: String
        var campaign: String
        var due: String
        var rejection: String?
        var notice: QueuePages.Notice?
        var returnTo: String
        var lines: [Line]
        var objections: [String]
        var disputes: [DisputeView]
        var rejectionReasons: [Option]
        var objectionCodes: [Option]
        var moves: [String]
        var mayObject: Bool
        var mayDispute: Bool
        var decidable: String?
    }

    struct MoveForm: Content {
        var move: String
        var reason: String?
        var note: String?
        var opportunityName: String?
        var amount: String?
        var currency: String?
        var returnTo: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let lead = routes.grouped("leads", ":leadId")
        lead.get(use: Self.render).webPage().requires(.read, .leads)
        lead.post("move", use: Self.move).webPage().requires(.read, .leads)
        lead.post("objection", use: Self.objection).webPage().requires(.read, .leads)
        lead.post("dispute", use: Self.dispute).webPage().requires(.read, .leads)
        lead.post("disputes", ":disputeId", "decide", use: Self.decide).webPage().requires(.read, .leads)
    }

    @Sendable static func render(_ request: Request) async throws -> View {
        let principal = try request.principal()
        let lead = try await ResourceController<LeadsResource>.find(request, within: request.rowScope, on: request.db)
        let now = Date()
        let person = try await PersonModel.find(lead.$person.id, on: request.db)
        let account = try await lead.$account.id.asyncFlatMap { try await AccountModel.find($0, on: request.db) }
        let owner = try await lead.$owner.id.asyncFlatMap { try await UserModel.find($0, on: request.db) }
        let campaign = try await lead.$campaign.id.asyncFlatMap { try await CampaignModel.find($0, on: request.db) }
        let vocabulary = try await FeedbackCodeModel.vocabulary(on: request.db)
        let story = try await LeadStoryData.story(of: lead, now: now, on: request.db)
        let objections = try await LeadObjectionModel.query(on: request.db).filter(\.$lead.$id == lead.id!)
            .sort(\.$recordedAt).all()
        let disputes = try await DisputeModel.query(on: request.db).filter(\.$lead.$id == lead.id!).sort(\.$openedAt).all()
        let stage = LeadStage(rawValue: lead.stage) ?? .new
        /// Whether the caller may make the move on this lead: the same rows `LeadsResource.ownership` scopes to
        /// (the server checks again when the form is posted; this only decides which forms to show).
        func may(_ move: String) -> Bool {
            switch AccessPolicy.decide(principal, .move(move), .leads) {
            case .forbidden: false
            case .allowed(.all): true
            case let .allowed(.owner(user)): lead.$owner.id == user
            case let .allowed(.team(team)): owner.map { $0.$team.id == team } ?? (lead.teamID == team)
            }
        }
        let moves = ["accept", "reject", "qualify_for_sales", "convert", "disqualify", "win", "lose"].filter { name in
            may(name) && LeadLifecycle.allMoveShapes.contains { $0.name == name && $0.sources.contains(stage) }
        }
        let open = disputes.first { $0.disputeState == .open }
        let name = person.map { [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " ") } ?? ""
        return try await request.view.render("lead", Page(
            shell: Shell(title: "Lead: \(name.isEmpty ? person?.email ?? "" : name)", request: request),
            id: lead.id!.uuidString, person: name.isEmpty ? person?.email ?? "" : "\(name) <\(person?.email ?? "")>",
            personHref: "/persons/\(lead.$person.id.uuidString)", account: account?.name ?? "no account",
            stage: lead.stage, owner: owner?.name ?? "unassigned", priority: lead.priority ?? "-",
            campaign: campaign?.name ?? "none",
            due: lead.slaDueAt.map { lead.firstActionAt == nil && stage == .mql ? RelativeTime.describe($0, now: now)
                : "due \(ISOTimestamp.format($0))" } ?? "no SLA",
            rejection: lead.rejectionReason.map { vocabulary.label(.rejection, $0) + (lead.rejectionNote.map { ": \($0)" } ?? "") },
            notice: QueuePages.notice(request), returnTo: "/leads/\(lead.id!.uuidString)",
            lines: story.reversed().map { entry in
                Line(at: ISOTimestamp.format(entry.at), when: RelativeTime.span(now.timeIntervalSince(entry.at)) + " ago",
                     kind: entry.kind.rawValue, title: entry.title, detail: entry.detail, actor: entry.actor)
            },
            objections: objections.map { "\(vocabulary.label(.objection, $0.code))\($0.note.map { ": \($0)" } ?? "") "
                + "(\($0.recordedByLabel))" },
            disputes: disputes.map { dispute in
                DisputeView(id: dispute.id!.uuidString, state: dispute.state, reason: dispute.reason,
                            openedBy: dispute.openedByLabel, due: RelativeTime.describe(dispute.dueAt, now: now),
                            overdue: dispute.disputeState == .open && dispute.dueAt < now,
                            decision: dispute.decisionReason.map { "\(dispute.decidedByLabel ?? "?"): \($0)" })
            },
            rejectionReasons: vocabulary.offered(.rejection).map { Option(code: $0.code, label: $0.label) },
            objectionCodes: vocabulary.offered(.objection).map { Option(code: $0.code, label: $0.label) },
            moves: moves, mayObject: may("record_objection"),
            mayDispute: stage == .rejected && open == nil && may("dispute"),
            decidable: open.flatMap { may("decide_dispute") ? $0.id!.uuidString : nil }))
    }

    // MARK: Actions

    @Sendable static func move(_ request: Request) async throws -> Response {
        let form = try request.content.decode(MoveForm.self)
        return try await QueuePages.act(request, done: "Done: \(form.move.replacingOccurrences(of: "_", with: " ")).") { _ in
            var body: [String: JSONValue] = ["move": .string(form.move)]
            if let reason = form.reason, !reason.isEmpty { body["reason"] = .string(reason) }
            if let note = form.note, !note.isEmpty { body["note"] = .string(note) }
            if form.move == "convert" {
                let minor = form.amount.flatMap { Double($0.replacingOccurrences(of: ",", with: "")) }.map { Int64(($0 * 100).rounded()) }
                body["opportunity"] = .object([
                    "name": .string(form.opportunityName ?? ""),
                    "amount": .object(["amountMinor": minor.map(JSONValue.integer) ?? .string(form.amount ?? ""),
                                       "currency": .string(form.currency ?? "EUR")]),
                ])
            }
            let (move, created) = try LeadMoveInput.readRequest(.object(body))
            _ = try await LeadMovesController.perform(move, creating: created, request: request)
        }
    }

    @Sendable static func objection(_ request: Request) async throws -> Response {
        try await QueuePages.act(request, done: "Objection recorded.") { form in
            let code = (try? request.content.get(String.self, at: "code")) ?? ""
            var body: [String: JSONValue] = ["code": .string(code)]
            if let note = form.note, !note.isEmpty { body["note"] = .string(note) }
            _ = try await LeadFeedbackController.recordObjection(.object(body), request: request)
        }
    }

    @Sendable static func dispute(_ request: Request) async throws -> Response {
        try await QueuePages.act(request, done: "Dispute opened; the sales manager has been told.") { form in
            _ = try await LeadFeedbackController.open(try DisputeInput.read(.object(["reason": .string(form.reason ?? "")])),
                                                      request: request)
        }
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        try await QueuePages.act(request, done: "Dispute decided.") { form in
            let decision = (try? request.content.get(String.self, at: "decision")) ?? ""
            let input = try DisputeDecisionInput.read(.object(["decision": .string(decision),
                                                               "reason": .string(form.reason ?? "")]))
            _ = try await LeadFeedbackController.decide(input, request: request)
        }
    }
}
