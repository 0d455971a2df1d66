import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /queue`: a rep's open leads, most urgent first, with freshness, routing and MQL explanations and
/// one-click actions; `GET /queue/team`: a manager's view of their team's queues. The buttons post to
/// `/queue/leads/{leadId}/…`, which make the same moves as the API.
struct QueuePages: RouteCollection {
    struct Notice: Encodable {
        var text: String
        var isProblem: Bool
    }

    struct QueuePage: Encodable {
        var shell: Shell
        var heading: String
        var ownerID: String?
        var rows: [LeadQueue.Row]
        var waiting: Int
        var overdue: Int
        var reasons: [LeadPage.Option]
        var notice: Notice?
        var returnTo: String
    }

    struct Member: Encodable {
        var id: String
        var name: String
        var role: String
        var status: String
        var weight: Int
        var waiting: Int
        var overdue: Int
        var open: Int
        var capacity: String
    }

    struct TeamOption: Encodable {
        var id: String
        var name: String
        var selected: Bool
    }

    struct TeamPage: Encodable {
        var shell: Shell
        var team: String
        var teams: [TeamOption]
        var members: [Member]
        var unassigned: Int
        var rows: [LeadQueue.Row]
        var reasons: [LeadPage.Option]
        var notice: Notice?
        var returnTo: String
        var mayRoute: Bool
    }

    struct ActionForm: Content {
        var reason: String?
        var note: String?
        var returnTo: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let queue = routes.grouped("queue")
        queue.get(use: Self.queue).webPage().requires(.read, .leads)
        queue.get("team", use: Self.team).webPage().requires(.read, .leads)
        let lead = queue.grouped("leads", ":leadId")
        lead.post("accept", use: Self.accept).webPage().requires(.read, .leads)
        lead.post("reject", use: Self.reject).webPage().requires(.read, .leads)
        lead.post("log-call", use: Self.logCall).webPage().requires(.read, .leads)
        lead.post("route", use: Self.route).webPage().requires(.read, .leads)
    }

    // MARK: Pages

    @Sendable static func queue(_ request: Request) async throws -> View {
        let principal = try request.principal()
        let now = Date()
        var ownerID = principal.userID
        var heading = "Your queue"
        if let raw = request.query[String.self, at: "owner"] {
            // A manager looks at one rep's queue; the row scope decides whether they may.
            guard let id = UUID(uuidString: raw), let owner = try await UserModel.find(id, on: request.db),
                  try await LeadModel.query(on: request.db).scoped(request.rowScope, by: LeadsResource.ownership)
                    .filter(\.$owner.$id == id).first() != nil || id == principal.userID
                    || request.rowScope == .all else {
                throw AccordError.notFound(entity: "queue", id: raw)
            }
            ownerID = id
            heading = id == principal.userID ? "Your queue" : "\(owner.name)'s queue"
        }
        let query = LeadModel.query(on: request.db).scoped(request.rowScope, by: LeadsResource.ownership)
            .filter(\.$owner.$id == ownerID)
        let rows = try await LeadQueue.rows(query, now: now, on: request.db)
        return try await request.view.render("queue", QueuePage(
            shell: Shell(title: heading, request: request), heading: heading,
            ownerID: ownerID == principal.userID ? nil : ownerID.uuidString, rows: rows,
            waiting: rows.filter(\.waiting).count, overdue: rows.filter(\.overdue).count,
            reasons: try await rejectionReasons(request), notice: notice(request), returnTo: request.url.string))
    }

    @Sendable static func team(_ request: Request) async throws -> View {
        let principal = try request.principal()
        let now = Date()
        let salesTeams = try await TeamModel.query(on: request.db).filter(\.$side == Side.sales.rawValue).sort(\.$name).all()
        let visibleTeams = request.rowScope == .all ? salesTeams : salesTeams.filter { $0.id == principal.teamID }
        guard !visibleTeams.isEmpty else {
            throw AccordError.forbidden("Team queues are for sales managers and admins.")
        }
        let chosen = request.query[String.self, at: "team"].flatMap(UUID.init(uuidString:))
            .flatMap { id in visibleTeams.first { $0.id == id } } ?? visibleTeams[0]
        let teamID = chosen.id!
        let people = try await UserModel.query(on: request.db).filter(\.$team.$id == teamID)
            .filter(\.$role ~~ [UserRole.rep.rawValue, UserRole.salesManager.rawValue]).sort(\.$name).all()
        let counts = try await LeadHandoff.queueCounts(owners: people.compactMap(\.id), now: now, on: request.db)
        let members = people.map { user in
            let count = counts[user.id!] ?? .init()
            return Member(id: user.id!.uuidString, name: user.name, role: user.role.replacingOccurrences(of: "_", with: " "),
                          status: !user.isActive ? "deactivated" : user.isAway ? "away" : "available",
                          weight: user.routingWeight, waiting: count.waiting, overdue: count.overdue, open: count.open,
                          capacity: user.capacity.map { "\(count.open) of \($0)" } ?? "no limit")
        }
        let teamLeads = LeadModel.query(on: request.db).scoped(request.rowScope, by: LeadsResource.ownership)
            .group(.or) { either in
                either.filter(\.$owner.$id ~~ people.compactMap(\.id))
                either.group(.and) { $0.filter(\.$owner.$id == nil).filter(\.$teamID == teamID) }
            }
        let rows = try await LeadQueue.rows(teamLeads, now: now, on: request.db).filter(\.waiting)
        return try await request.view.render("team-queue", TeamPage(
            shell: Shell(title: "Team queues", request: request), team: chosen.name,
            teams: visibleTeams.map { TeamOption(id: $0.id!.uuidString, name: $0.name, selected: $0.id == teamID) },
            members: members, unassigned: rows.filter { $0.owner == "unassigned" }.count, rows: rows,
            reasons: try await rejectionReasons(request), notice: notice(request), returnTo: request.url.string,
            mayRoute: (try? request.authorize(.move("route"), .leads)) != nil))
    }

    /// The rejection reasons offered now (the configured list).
    static func rejectionReasons(_ request: Request) async throws -> [LeadPage.Option] {
        try await FeedbackCodeModel.vocabulary(on: request.db).offered(.rejection).map { LeadPage.Option(code: $0.code, label: $0.label) }
    }

    // MARK: Actions

    @Sendable static func accept(_ request: Request) async throws -> Response {
        try await act(request, done: "Accepted.") { _ in _ = try await LeadMovesController.perform(.accept, request: request) }
    }

    @Sendable static func reject(_ request: Request) async throws -> Response {
        try await act(request, done: "Rejected; marketing sees the reason.") { form in
            _ = try await LeadMovesController.perform(.reject(reason: form.reason ?? "", note: form.note), request: request)
        }
    }

    @Sendable static func logCall(_ request: Request) async throws -> Response {
        try await act(request, done: "Call logged; the SLA clock stopped.") { form in
            _ = try await LeadHandoffController.log(ActivityInput(kind: .call, occurredAt: Date(), note: form.note),
                                                     request: request)
        }
    }

    @Sendable static func route(_ request: Request) async throws -> Response {
        try await act(request, done: "Routed again.") { _ in _ = try await LeadHandoffController.route(request) }
    }

    /// Runs an action and goes back to the queue with a notice: what happened, or the problem in words.
    static func act(_ request: Request, done: String, _ action: (ActionForm) async throws -> Void) async throws -> Response {
        let form = try request.content.decode(ActionForm.self)
        let back = safeReturn(form.returnTo)
        do {
            try await action(form)
            return request.redirect(to: with(back, "done", done), redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: with(back, "problem", describe(error)), redirectType: .normal)
        }
    }

    /// An error as the notice on the page says it: every field and its problem, or the message.
    static func describe(_ error: AccordError) -> String {
        error.fields.isEmpty ? error.message : error.fields.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
    }

    /// Only queue, lead and request pages are places to go back to (no open redirect).
    static func safeReturn(_ path: String?) -> String {
        guard let path, path.hasPrefix("/queue") || path.hasPrefix("/leads/") || path.hasPrefix("/requests/"),
              !path.hasPrefix("//"),
              !path.contains("://") else { return "/queue" }
        var components = URLComponents(string: path) ?? URLComponents()
        components.queryItems = components.queryItems?.filter { $0.name != "done" && $0.name != "problem" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        return components.string ?? "/queue"
    }

    static func with(_ path: String, _ name: String, _ value: String) -> String {
        var components = URLComponents(string: path) ?? URLComponents()
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: name, value: value)]
        return components.string ?? path
    }

    static func notice(_ request: Request) -> Notice? {
        if let problem = request.query[String.self, at: "problem"] { return Notice(text: problem, isProblem: true) }
        if let done = request.query[String.self, at: "done"] { return Notice(text: done, isProblem: false) }
        return nil
    }
}
