import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Plain, paged pages to browse accounts, persons, campaigns and (for managers) the audit trail,
/// each limited to what the signed-in user may see.
struct ListPages: RouteCollection {
    /// One table row; its first cell links to `link` when there is one.
    struct Row: Encodable {
        var cells: [String]
        var link: String
    }

    struct Page: Encodable {
        var shell: Shell
        var heading: String
        var columns: [String]
        var rows: [Row]
        var next: String?
        var empty: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("accounts", use: Self.accounts).webPage().requires(.read, .accounts)
        routes.get("persons", use: Self.persons).webPage().requires(.read, .persons)
        routes.get("campaigns", use: Self.campaigns).webPage().requires(.read, .campaigns)
        routes.get("audit", use: Self.audit).webPage().requires(.read, .audit)
    }

    static func page(_ request: Request) -> PageQuery {
        var report = ValidationReport()
        return PageQuery.parse(limit: "50", cursor: try? request.query.get(String.self, at: "cursor"), into: &report)
    }

    static func render(_ request: Request, _ title: String, columns: [String], rows: [[String]], links: [String] = [],
                       next: String?, empty: String) async throws -> View {
        try await request.view.render("list", Page(shell: Shell(title: title, request: request), heading: title,
                                                   columns: columns,
                                                   rows: rows.enumerated().map { index, cells in
                                                       Row(cells: cells, link: index < links.count ? links[index] : "")
                                                   },
                                                   next: next.map { "\(request.url.path)?cursor=\($0)" }, empty: empty))
    }

    @Sendable static func accounts(_ request: Request) async throws -> View {
        let result = try await AccountModel.query(on: request.db).scoped(request.rowScope, by: .owner(column: "owner_id"))
            .page(page(request))
        return try await render(request, "Accounts", columns: ["Name", "Domain", "Industry", "Employees", "Country"],
                                rows: result.items.map {
                                    [$0.name, $0.domain ?? "", $0.industry ?? "", $0.employeeCount.map(String.init) ?? "",
                                     $0.country ?? ""]
                                }, next: result.nextCursor, empty: "No accounts yet.")
    }

    @Sendable static func persons(_ request: Request) async throws -> View {
        let result = try await PersonModel.query(on: request.db).scoped(request.rowScope, by: .account(column: "account_id"))
            .page(page(request))
        return try await render(request, "Persons", columns: ["Email", "Name", "Title", "Seniority"],
                                rows: result.items.map {
                                    [$0.email, [$0.firstName, $0.lastName].compactMap { $0 }.joined(separator: " "),
                                     $0.title ?? "", $0.seniority ?? ""]
                                }, links: result.items.map { "/persons/\($0.id!.uuidString)" },
                                next: result.nextCursor, empty: "No persons yet.")
    }

    @Sendable static func campaigns(_ request: Request) async throws -> View {
        let result = try await CampaignModel.query(on: request.db).page(page(request))
        return try await render(request, "Campaigns", columns: ["Name", "Channel", "Supplier", "Starts", "Ends"],
                                rows: result.items.map {
                                    [$0.name, $0.channel, $0.supplier ?? "", $0.startsAt.map(CalendarDate.format) ?? "",
                                     $0.endsAt.map(CalendarDate.format) ?? ""]
                                }, next: result.nextCursor, empty: "No campaigns yet.")
    }

    @Sendable static func audit(_ request: Request) async throws -> View {
        let result = try await AuditEventModel.query(on: request.db).page(page(request))
        return try await render(request, "Audit trail", columns: ["When", "Who", "What", "Record", "Why"],
                                rows: result.items.map {
                                    [ISOTimestamp.format($0.occurredAt), $0.actorLabel, $0.action,
                                     "\($0.entityType) \($0.entityID.uuidString.prefix(8).lowercased())", $0.reason ?? ""]
                                }, next: result.nextCursor, empty: "Nothing has changed yet.")
    }
}
