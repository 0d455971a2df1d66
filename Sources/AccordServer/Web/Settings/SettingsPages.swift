import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /settings`: the handoff agreement at a glance (teams with their calendar and SLA policy, territory
/// rules in order, SLA policies, calendars, round-robin members, marketing's MQL targets), readable by
/// everyone signed in; admins edit each kind on its own form page, validated and audited like the API.
struct SettingsPages: RouteCollection {
    struct Cell: Encodable {
        var text: String
        var href: String?
    }

    struct Section: Encodable {
        var id: String
        var title: String
        var intro: String
        var columns: [String]
        var rows: [[Cell]]
        var addHref: String?
    }

    struct OverviewPage: Encodable {
        var shell: Shell
        var sections: [Section]
        var mayEdit: Bool
    }

    struct FormPage: Encodable {
        var shell: Shell
        var heading: String
        var action: String
        var deleteAction: String?
        var fields: [FormField]
        var problems: [FieldError]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("settings", use: Self.overview).webPage().requires(.read, .settings)
        try SettingsKind<TeamsResource>(slug: "teams", title: "team", fields: Self.teamFields).register(on: routes)
        try SettingsKind<RoutingRulesResource>(slug: "routing-rules", title: "routing rule", fields: Self.ruleFields)
            .register(on: routes)
        try SettingsKind<SLAPoliciesResource>(slug: "sla-policies", title: "SLA policy", fields: { _ in Self.policyFields })
            .register(on: routes)
        try SettingsKind<CalendarsResource>(slug: "calendars", title: "calendar", fields: { _ in Self.calendarFields })
            .register(on: routes)
        try SettingsKind<MQLTargetsResource>(slug: "mql-targets", title: "MQL target", fields: Self.targetFields)
            .register(on: routes)
        try SettingsKind<FormsResource>(slug: "forms", title: "web form", fields: Self.formFields).register(on: routes)
        try SettingsKind<UsersResource>(slug: "members", title: "round-robin member", resource: .users,
                                        fields: { _ in Self.memberFields }).register(on: routes, creates: false)
    }

    // MARK: Forms

    static func teamOptions(_ database: any Database, side: Side? = .sales) async throws -> [(String, String)] {
        var query = TeamModel.query(on: database).sort(\.$name)
        if let side { query = query.filter(\.$side == side.rawValue) }
        return try await query.all().map { ($0.id!.uuidString, $0.name) }
    }

    @Sendable static func teamFields(_ database: any Database) async throws -> [FormField] {
        let calendars = try await BusinessCalendarModel.query(on: database).sort(\.$name).all()
        let policies = try await SLAPolicyModel.query(on: database).sort(\.$name).all()
        return [
            FormField("name", "Name", .text),
            FormField("side", "Side", .select, options: Side.allCases.map { ($0.rawValue, $0.rawValue) }),
            FormField("calendarId", "Business calendar", .select,
                      options: [("", "the default calendar")] + calendars.map { ($0.id!.uuidString, $0.name) }),
            FormField("slaPolicyId", "SLA policy", .select,
                      options: [("", "the default policy")] + policies.map { ($0.id!.uuidString, $0.name) }),
        ]
    }

    @Sendable static func ruleFields(_ database: any Database) async throws -> [FormField] {
        [
            FormField("name", "Name", .text),
            FormField("position", "Position", .integer, hint: "Rules are tried from the lowest position; the first match wins"),
            FormField("teamId", "Team", .select, options: try await teamOptions(database)),
            FormField("countries", "Countries", .list, hint: "ISO codes separated by commas, such as DE, AT, CH"),
            FormField("regions", "Regions", .list, hint: SalesRegion.allCases.map(\.rawValue).joined(separator: ", ")),
            FormField("industries", "Industries", .list, hint: "Separated by commas; any one matches"),
            FormField("minEmployees", "At least employees", .integer),
            FormField("maxEmployees", "At most employees", .integer),
            FormField("isActive", "Active", .checkbox),
        ]
    }

    static let policyFields = [FormField("name", "Name", .text)]
        + LeadPriority.allCases.map {
            FormField("responseHours.\($0.rawValue)", "Priority \($0.rawValue): business hours to the first action", .number)
        }
        + [FormField("shelfLifeDays", "Shelf life (days before an untouched lead is recycled)", .integer),
           FormField("remindAtShare", "Remind the owner at this share of the response time", .number,
                     hint: "0.5: halfway; empty: no reminder"),
           FormField("notifyManagerAtBreach", "Tell the owner's manager when the SLA is missed", .checkbox),
           FormField("reassignAfterHours", "Reassign this many business hours after a miss", .number,
                     hint: "Empty: never"),
           FormField("isDefault", "Default for teams without a policy", .checkbox)]

    static let calendarFields = [FormField("name", "Name", .text),
                                 FormField("timeZone", "Time zone", .text, hint: "IANA name such as Europe/Berlin")]
        + Weekday.allCases.map {
            FormField("hours.\($0.rawValue)", $0.rawValue.capitalized, .list,
                      hint: $0 == .monday ? "Working periods such as 09:00-12:00, 13:00-17:00; empty: closed" : nil)
        }
        + [FormField("holidays", "Holidays", .holidays, hint: "One per line: 2026-12-25 Christmas Day"),
           FormField("isDefault", "Default for teams without a calendar", .checkbox)]

    @Sendable static func targetFields(_ database: any Database) async throws -> [FormField] {
        [
            FormField("teamId", "Team", .select, options: try await teamOptions(database)),
            FormField("month", "Month", .text, hint: "YYYY-MM"),
            FormField("mqlVolume", "MQLs marketing delivers", .integer),
            FormField("acceptanceRate", "Acceptance rate target (%)", .percent),
        ]
    }

    @Sendable static func formFields(_ database: any Database) async throws -> [FormField] {
        let campaigns = try await CampaignModel.query(on: database).sort(\.$name).limit(1_000).all()
        return [
            FormField("name", "Name", .text),
            FormField("successUrl", "Thank-you page", .text, hint: "Where a visitor's browser goes after the post (https://…)"),
            FormField("campaignId", "Campaign", .select,
                      options: [("", "from the visit's UTM tags (found or created)")] + campaigns.map { ($0.id!.uuidString, $0.name) }),
            FormField("honeypotField", "Honeypot field", .text, hint: "A hidden field people leave empty and bots fill (default website)"),
            FormField("isActive", "Active", .checkbox),
        ]
    }

    static let memberFields = [
        FormField("isAway", "Away (routing skips them)", .checkbox),
        FormField("routingWeight", "Round-robin weight (0: none)", .integer),
        FormField("capacity", "Capacity (most leads waiting or accepted; empty: no limit)", .integer),
    ]

    // MARK: Overview

    @Sendable static func overview(_ request: Request) async throws -> View {
        let database = request.db
        let mayEdit = (try? request.authorize(.update, .settings)) != nil
        let teams = try await TeamModel.query(on: database).sort(\.$name).all()
        let calendars = try await BusinessCalendarModel.query(on: database).sort(\.$name).all()
        let policies = try await SLAPolicyModel.query(on: database).sort(\.$name).all()
        let rules = try await RoutingRulesResource.Model.query(on: database).sort(\.$position).all()
        let targets = try await MQLTargetModel.query(on: database).sort(\.$month, .descending).limit(48).all()
        let members = try await UserModel.query(on: database).filter(\.$role == UserRole.rep.rawValue).sort(\.$name).all()
        let forms = try await FormModel.query(on: database).sort(\.$name).all()
        let teamName = Dictionary(uniqueKeysWithValues: teams.map { ($0.id!, $0.name) })
        let defaultCalendar = calendars.first(where: \.isDefault)?.name ?? "office hours in UTC"
        let defaultPolicy = policies.first(where: \.isDefault)?.name ?? "the standard policy"
        func edit(_ slug: String, _ id: UUID?, _ text: String) -> Cell {
            Cell(text: text, href: mayEdit ? "/settings/\(slug)/\(id!.uuidString)" : nil)
        }
        let sections = [
            Section(id: "teams", title: "Teams", intro: "Each sales team's SLA clock runs on its calendar and policy.",
                    columns: ["Team", "Side", "Calendar", "SLA policy"],
                    rows: teams.map { team in
                        [edit("teams", team.id, team.name), Cell(text: team.side),
                         Cell(text: calendars.first { $0.id == team.calendarID }?.name ?? "\(defaultCalendar) (default)"),
                         Cell(text: policies.first { $0.id == team.slaPolicyID }?.name ?? "\(defaultPolicy) (default)")]
                    }, addHref: mayEdit ? "/settings/teams/new" : nil),
            Section(id: "routing", title: "Routing rules",
                    intro: "An MQL goes to its account's owner if they are active and not away; otherwise the first "
                        + "matching rule names a team, and weighted round robin picks a rep who is available and under capacity.",
                    columns: ["Position", "Rule", "Conditions", "Team", "Active"],
                    rows: rules.map { rule in
                        [Cell(text: String(rule.position)), edit("routing-rules", rule.id, rule.name),
                         Cell(text: rule.rule.conditions), Cell(text: teamName[rule.$team.id] ?? "—"),
                         Cell(text: rule.isActive ? "yes" : "no")]
                    }, addHref: mayEdit ? "/settings/routing-rules/new" : nil),
            Section(id: "members", title: "Round robin",
                    intro: "Reps share their team's leads by weight; away reps and reps at capacity are skipped.",
                    columns: ["Rep", "Team", "Weight", "Away", "Capacity"],
                    rows: members.map { user in
                        [edit("members", user.id, user.name), Cell(text: user.$team.id.flatMap { teamName[$0] } ?? "—"),
                         Cell(text: String(user.routingWeight)), Cell(text: user.isAway ? "away" : "—"),
                         Cell(text: user.capacity.map(String.init) ?? "no limit")]
                    }, addHref: nil),
            Section(id: "sla", title: "SLA policies",
                    intro: "Business hours to the first action per priority, and the shelf life after which an "
                        + "untouched lead is recycled.",
                    columns: ["Policy", "A", "B", "C", "D", "Reminder", "Reassign", "Shelf life", "Default"],
                    rows: policies.map { policy in
                        [edit("sla-policies", policy.id, policy.name)]
                            + LeadPriority.allCases.map { Cell(text: Self.hours(policy.responseMinutes[$0] ?? 0)) }
                            + [Cell(text: policy.remindAtShare.map { "at \(Int($0 * 100)) %" } ?? "none"),
                               Cell(text: policy.reassignAfterMinutes.map { "\(Self.hours($0)) after a miss" } ?? "never"),
                               Cell(text: "\(policy.shelfLifeDays) days"), Cell(text: policy.isDefault ? "default" : "")]
                    }, addHref: mayEdit ? "/settings/sla-policies/new" : nil),
            Section(id: "calendars", title: "Business calendars",
                    intro: "Working hours per weekday in a time zone, minus holidays: due times never fall outside them.",
                    columns: ["Calendar", "Time zone", "Hours a week", "Holidays", "Default"],
                    rows: calendars.map { model in
                        let calendar = try? model.calendar()
                        return [edit("calendars", model.id, model.name), Cell(text: model.timeZone),
                                Cell(text: FormField.trimmed((calendar?.weeklySeconds ?? 0) / 3_600)),
                                Cell(text: String(calendar?.holidays.count ?? 0)), Cell(text: model.isDefault ? "default" : "")]
                    }, addHref: mayEdit ? "/settings/calendars/new" : nil),
            Section(id: "targets", title: "Marketing's targets",
                    intro: "MQLs marketing commits to deliver to each team per month, and the share sales should accept.",
                    columns: ["Month", "Team", "MQLs", "Acceptance"],
                    rows: targets.map { target in
                        [edit("mql-targets", target.id, target.month), Cell(text: teamName[target.$team.id] ?? "—"),
                         Cell(text: String(target.mqlVolume)),
                         Cell(text: "\(FormField.trimmed(target.acceptanceRate * 100)) %")]
                    }, addHref: mayEdit ? "/settings/mql-targets/new" : nil),
            Section(id: "forms", title: "Web forms",
                    intro: "Forms on the website post to their address; each post finds or creates the person, records "
                        + "where the visit came from and may qualify them. Paste the address into the form's action.",
                    columns: ["Form", "Post address", "Thank-you page", "Active"],
                    rows: forms.map { form in
                        [edit("forms", form.id, form.name), Cell(text: "/api/v1/forms/\(form.key)"),
                         Cell(text: form.successURL ?? "—"), Cell(text: form.isActive ? "yes" : "no")]
                    }, addHref: mayEdit ? "/settings/forms/new" : nil),
        ]
        return try await request.view.render("settings", OverviewPage(
            shell: Shell(title: "Handoff settings", request: request), sections: sections, mayEdit: mayEdit))
    }

    static func hours(_ minutes: Int) -> String {
        "\(FormField.trimmed(Double(minutes) / 60)) h"
    }
}

/// The form pages of one kind of setting: new, edit, save, delete, through the API resource's own logic.
struct SettingsKind<R: APIResource> {
    typealias Controller = ResourceController<R>
    let slug: String
    let title: String
    var resource: Resource = .settings
    let fields: @Sendable (any Database) async throws -> [FormField]

    init(slug: String, title: String, resource: Resource = .settings,
         fields: @escaping @Sendable (any Database) async throws -> [FormField]) {
        self.slug = slug
        self.title = title
        self.resource = resource
        self.fields = fields
    }

    func register(on routes: any RoutesBuilder, creates: Bool = true) throws {
        let kind = self
        let group = routes.grouped("settings", PathComponent(stringLiteral: slug))
        if creates {
            group.get("new") { try await kind.form(request: $0, id: nil) }.webPage().requires(.create, resource)
            group.post { try await kind.save(request: $0, id: nil) }.webPage().requires(.create, resource)
        }
        group.get(":settingId") { request in
            try await kind.form(request: request, id: try kind.id(request))
        }.webPage().requires(.update, resource)
        group.post(":settingId") { request in
            try await kind.save(request: request, id: try kind.id(request))
        }.webPage().requires(.update, resource)
        if R.isDeletable {
            group.post(":settingId", "delete") { try await kind.delete(request: $0) }.webPage().requires(.delete, resource)
        }
    }

    func id(_ request: Request) throws -> UUID {
        let raw = request.parameters.get("settingId") ?? ""
        guard let id = UUID(uuidString: raw) else { throw AccordError.notFound(entity: title, id: raw) }
        return id
    }

    func form(request: Request, id: UUID?) async throws -> View {
        var record: JSONValue?
        if let id {
            guard let model = try await R.Model.find(id, on: request.db) else {
                throw AccordError.notFound(entity: title, id: id.uuidString)
            }
            record = try Controller.json(try await R.dto(model, on: request.db))
        } else if R.self == RoutingRulesResource.self {
            record = .object(["isActive": .bool(true)])
        } else if R.self == FormsResource.self {
            record = .object(["isActive": .bool(true), "honeypotField": .string("website")])
        }
        let filled = try await fields(request.db).map { $0.filled(from: record) }
        return try await render(request, id: id, fields: filled, problems: [], name: record.flatMap { FormField.lookup($0, "name") })
    }

    func render(_ request: Request, id: UUID?, fields: [FormField], problems: [FieldError], name: JSONValue?) async throws
        -> View {
        var heading = id == nil ? "New \(title)" : "Edit \(title)"
        if case let .string(text)? = name { heading += ": \(text)" }
        let action = "/settings/\(slug)" + (id.map { "/\($0.uuidString)" } ?? "")
        return try await request.view.render("settings-form", SettingsPages.FormPage(
            shell: Shell(title: heading, request: request), heading: heading, action: action,
            deleteAction: id != nil && R.isDeletable ? action + "/delete" : nil, fields: fields, problems: problems))
    }

    func save(request: Request, id: UUID?) async throws -> Response {
        var form = try request.content.decode([String: String].self)
        form["_csrf"] = nil
        let specs = try await fields(request.db)
        let body = FormField.body(specs, from: form)
        do {
            try await request.db.writeTransaction { database in
                if let id {
                    guard let model = try await R.Model.find(id, on: database) else {
                        throw AccordError.notFound(entity: title, id: id.uuidString)
                    }
                    let before = try Controller.json(try await R.dto(model, on: database))
                    try await Controller.translatingConstraints { try await R.update(model, with: body, on: database) }
                    _ = try await Controller.audited(model, action: "update", before: before, request: request, on: database)
                } else {
                    let model = try await Controller.translatingConstraints { try await R.create(body, on: database) }
                    _ = try await Controller.audited(model, action: "create", before: nil, request: request, on: database)
                }
            }
        } catch let error as AccordError {
            let problems = error.fields.isEmpty ? [FieldError(field: "", problem: error.message)] : error.fields
            let view = try await render(request, id: id, fields: specs.map { $0.refilled(from: form, problems: problems) },
                                        problems: problems, name: nil)
            let response = try await view.encodeResponse(for: request)
            response.status = Problem(error).status
            return response
        }
        return request.redirect(to: "/settings#\(anchor)", redirectType: .normal)
    }

    func delete(request: Request) async throws -> Response {
        let id = try id(request)
        try await request.db.writeTransaction { database in
            guard let model = try await R.Model.find(id, on: database) else {
                throw AccordError.notFound(entity: title, id: id.uuidString)
            }
            let before = try Controller.json(try await R.dto(model, on: database))
            try await R.delete(model, on: database)
            try await AuditTrail.record(request.auditActor, entity: R.name, id: id, action: "delete",
                                        changes: FieldChanges.diff(before: before, after: nil), requestID: request.id,
                                        on: database)
        }
        return request.redirect(to: "/settings#\(anchor)", redirectType: .normal)
    }

    var anchor: String {
        switch slug {
        case "routing-rules": "routing"
        case "sla-policies": "sla"
        case "mql-targets": "targets"
        default: slug
        }
    }
}
