import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /`: what needs the signed-in user now: their open leads (a manager: the team's; marketing:
/// everyone's), overdue first, then by due time, with counts per stage.
struct HomePage: RouteCollection {
    struct StageCount: Encodable {
        var stage: String
        var count: Int
    }

    struct Row: Encodable {
        var person: String
        var account: String
        var stage: String
        var priority: String
        var due: String
        var overdue: Bool
    }

    struct Page: Encodable {
        var shell: Shell
        var heading: String
        var counts: [StageCount]
        var overdue: Int
        var rows: [Row]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: Self.render).webPage().requires(.read, .leads)
    }

    @Sendable static func render(_ request: Request) async throws -> View {
        let scope = request.rowScope
        let now = Date()
        let open = LeadStage.allCases.filter(\.isOpen)
        var counts: [StageCount] = []
        for stage in open {
            let count = try await LeadModel.query(on: request.db).scoped(scope, by: LeadsResource.ownership)
                .filter(\.$stage == stage.rawValue).count()
            counts.append(StageCount(stage: stage.rawValue, count: count))
        }
        let overdue = try await LeadModel.query(on: request.db).scoped(scope, by: LeadsResource.ownership)
            .filter(\.$stage == LeadStage.mql.rawValue).filter(\.$firstActionAt == nil)
            .filter(\.$slaDueAt < now).count()
        // Urgent first: unanswered MQLs by due time, then the rest of the open leads by due time.
        let leads = try await LeadModel.query(on: request.db).scoped(scope, by: LeadsResource.ownership)
            .filter(\.$stage ~~ open.map(\.rawValue)).sort(\.$slaDueAt).limit(200).all()
            .sorted { LeadQueue.urgency($0) < LeadQueue.urgency($1) }.prefix(25)
        let persons = try await PersonModel.query(on: request.db).filter(\.$id ~~ leads.map { $0.$person.id }).all()
        let accounts = try await AccountModel.query(on: request.db)
            .filter(\.$id ~~ leads.compactMap { $0.$account.id }).all()
        let personEmail = Dictionary(uniqueKeysWithValues: persons.map { ($0.id!, $0.email) })
        let accountName = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id!, $0.name) })
        let rows = leads.map { lead in
            let stage = LeadStage(rawValue: lead.stage) ?? .new
            let waiting = LeadUrgency.isWaiting(stage: stage, firstActionAt: lead.firstActionAt)
            return Row(person: personEmail[lead.$person.id] ?? "—",
                       account: lead.$account.id.flatMap { accountName[$0] } ?? "—", stage: lead.stage,
                       priority: lead.priority ?? "—",
                       due: waiting ? lead.slaDueAt.map { RelativeTime.describe($0, now: now) } ?? "—" : "answered",
                       overdue: LeadUrgency.isOverdue(stage: stage, firstActionAt: lead.firstActionAt,
                                                      slaDueAt: lead.slaDueAt, now: now))
        }
        let principal = try request.principal()
        let heading = switch principal.role {
        case .rep: "Your open leads"
        case .salesManager: "Your team's open leads"
        default: "Open leads"
        }
        return try await request.view.render("home", Page(shell: Shell(title: "Home", request: request),
                                                          heading: heading, counts: counts, overdue: overdue,
                                                          rows: Array(rows)))
    }
}
