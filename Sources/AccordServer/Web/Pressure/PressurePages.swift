import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// Contact pressure's pages: `/pressure` (the figures, with SVG charts), `/pressure/audience` (a marketer uploads a
/// list and sees who would be blocked, and why: a dry-run check) and `/pressure/consents` (owners answer consent
/// requests and flag key accounts; marketing follows them).
struct PressurePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("pressure", use: Self.figures).webPage().requires(.read, .pressure)
        routes.get("pressure", "audience", use: Self.audience).webPage().requires(.create, .pressure)
        routes.on(.POST, "pressure", "audience", body: .collect(maxSize: "16mb"), use: Self.checkAudience).webPage()
            .requires(.create, .pressure)
        routes.get("pressure", "consents", use: Self.consents).webPage().requires(.read, .consents)
        routes.on(.POST, "pressure", "consents", ":consentId", "answer", use: Self.answer).webPage().requires(.read, .consents)
        routes.on(.POST, "pressure", "accounts", ":accountId", "protection", use: Self.protect).webPage().requires(.read, .accounts)
    }

    // MARK: Figures

    struct CampaignRow: Encodable {
        var name: String
        var checks: Int
        var confirmed: Int
        var allowed: Int
        var prevented: Int
        var rules: String
    }

    struct FiguresPage: Encodable {
        var shell: Shell
        var from: String
        var to: String
        var distribution: String
        var personWeeksSent: Int
        var personWeeksBefore: Int
        var overCapSent: Int
        var overCapBefore: Int
        var prevented: String
        var campaigns: [CampaignRow]
        var consentChart: String
        var consentLine: String
    }

    @Sendable static func figures(_ request: Request) async throws -> View {
        var problems = ValidationReport()
        let (from, to) = AnalyticsController.period(request, into: &problems, defaultDays: 90)
        try problems.throwIfInvalid()
        let zone = request.application.accordConfiguration?.timeZone ?? .gmt
        let figures = try await PressureReport.figures(from: from, to: to, timeZone: zone, on: request.db)
        let labels = PressureFigures.bucketLabels.map { $0 == "1" ? "1 message" : "\($0) messages" }
        let distribution = ModelComparisonChart.svg(
            id: "distribution", title: "Person-weeks by messages received (sales and marketing together)",
            series: ["As sent", "Without the caps (prevented messages added back)"],
            groups: labels.indices.map { ModelComparisonChart.Group(label: labels[$0],
                                                                    values: [Double(figures.sent[$0]), Double(figures.beforeCaps[$0])]) },
            format: { String(Int($0)) })
        let policy = try await PressurePolicyModel.policy(on: request.db)
        let cap = Int(policy.personCaps.filter { $0.side == nil }.map(\.maximum).min() ?? 6)
        func over(_ buckets: [Int]) -> Int { buckets.enumerated().filter { $0.offset + 1 > cap }.map(\.element).reduce(0, +) }
        let most = figures.campaigns.map(\.totalPrevented).max() ?? 0
        func rules(_ counts: [PressureRule: Int]) -> String {
            counts.sorted { $0.value > $1.value }.map { "\($0.key.rawValue.replacingOccurrences(of: "_", with: " ")) \($0.value)" }
                .joined(separator: ", ")
        }
        let prevented = BarChart.svg(id: "prevented", title: "Messages prevented per campaign (checks that were sent)",
                                     bars: figures.campaigns.prefix(15).map {
            BarChart.Bar(label: $0.name, share: most > 0 ? Double($0.totalPrevented) / Double(most) : 0,
                         value: "\($0.totalPrevented)" + ($0.prevented.isEmpty ? "" : " (\(rules($0.prevented)))"))
        })
        let states: [(String, Int)] = [("Granted by the owner", (figures.consents[.granted] ?? 0) + (figures.consents[.expired] ?? 0)),
                                       ("Denied by the owner", figures.consents[.denied] ?? 0),
                                       ("Still waiting", figures.consents[.pending] ?? 0)]
        let requested = figures.consents.values.reduce(0, +)
        let consentChart = BarChart.svg(id: "consents", title: "Consent requests and their answers", bars: states.map {
            BarChart.Bar(label: $0.0, share: requested > 0 ? Double($0.1) / Double(requested) : 0, value: "\($0.1)")
        })
        let consentLine = "\(requested) consent requests; \(figures.consentsOnSilence) settled by the no-answer policy "
            + "(counted with their outcome above); \(figures.consents[.expired] ?? 0) grants expired"
            + (figures.medianHoursToConsent.map { String(format: "; owners answered in %.1f h (median)", $0) } ?? "") + "."
        return try await request.view.render("pressure", FiguresPage(
            shell: Shell(title: "Contact pressure", request: request), from: CalendarDate.format(from),
            to: CalendarDate.format(to.addingTimeInterval(-1)), distribution: distribution,
            personWeeksSent: figures.sent.reduce(0, +), personWeeksBefore: figures.beforeCaps.reduce(0, +),
            overCapSent: over(figures.sent), overCapBefore: over(figures.beforeCaps), prevented: prevented,
            campaigns: figures.campaigns.map {
                CampaignRow(name: $0.name, checks: $0.checks, confirmed: $0.confirmed, allowed: $0.allowed,
                            prevented: $0.totalPrevented, rules: rules($0.prevented))
            }, consentChart: consentChart, consentLine: consentLine))
    }

    // MARK: Audience check

    struct Choice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Blocked: Encodable {
        var person: String
        var rule: String
        var why: String
    }

    struct AudienceResult: Encodable {
        var campaign: String
        var total: Int
        var allowed: Int
        var blocked: Int
        var byRule: [Blocked]
        var rows: [Blocked]
        var more: Int
        var unreadable: [String]
    }

    struct AudiencePage: Encodable {
        var shell: Shell
        var campaigns: [Choice]
        var list: String
        var result: AudienceResult?
        var problem: String?
    }

    struct AudienceForm: Content {
        var campaignId: String?
        var list: String?
        var file: File?
    }

    static let listLimit = 500

    static func campaignChoices(_ request: Request, selected: String?) async throws -> [Choice] {
        try await CampaignModel.query(on: request.db).sort(\.$name).all().map {
            Choice(value: $0.id!.uuidString.lowercased(), label: "\($0.name) (\($0.channel.replacingOccurrences(of: "_", with: " ")))",
                   selected: $0.id!.uuidString.lowercased() == selected?.lowercased())
        }
    }

    @Sendable static func audience(_ request: Request) async throws -> View {
        try await request.view.render("pressure-audience", AudiencePage(
            shell: Shell(title: "Audience check", request: request),
            campaigns: try await campaignChoices(request, selected: request.query[String.self, at: "campaignId"]),
            list: "", result: nil, problem: nil))
    }

    @Sendable static func checkAudience(_ request: Request) async throws -> Response {
        let form = try request.content.decode(AudienceForm.self)
        var text = form.list ?? ""
        if let file = form.file, file.data.readableBytes > 0 { text = String(decoding: Data(buffer: file.data), as: UTF8.self) }
        let (targets, unreadable) = PressureAudience.readList(text)
        var page = AudiencePage(shell: Shell(title: "Audience check", request: request),
                                campaigns: try await campaignChoices(request, selected: form.campaignId),
                                list: form.file == nil ? String(text.prefix(20_000)) : "", result: nil, problem: nil)
        guard let id = form.campaignId.flatMap(UUID.init(uuidString:)),
              let campaign = try await CampaignModel.find(id, on: request.db) else {
            page.problem = "Choose the campaign the list is for."
            return try await render(request, page, status: .unprocessableEntity)
        }
        guard !targets.isEmpty, targets.count <= PressureAudience.maximum else {
            page.problem = targets.isEmpty ? "The list names nobody: give one email address or person id per line."
                : "The list names \(targets.count) people; one check takes at most \(PressureAudience.maximum)."
            return try await render(request, page, status: .unprocessableEntity)
        }
        let outcome = try await PressureChecks.check(campaign: campaign, targets: targets.map(\.target), dryRun: true,
                                                     by: request.auditActor, requestID: request.id, on: request.db)
        var counts: [String: Int] = [:]
        var rows: [Blocked] = []
        for (index, decision) in outcome.decisions.enumerated() where !decision.allowed {
            counts[decision.rule!.rawValue, default: 0] += 1
            if rows.count < listLimit {
                rows.append(Blocked(person: targets[index].text, rule: decision.detail ?? decision.rule!.rawValue,
                                    why: explain(decision.rule!)))
            }
        }
        let blocked = outcome.decisions.count - outcome.decisions.filter(\.allowed).count
        page.result = AudienceResult(
            campaign: campaign.name, total: targets.count, allowed: targets.count - blocked, blocked: blocked,
            byRule: counts.sorted { $0.value > $1.value }.map {
                Blocked(person: "\($0.value)", rule: $0.key, why: explain(PressureRule(rawValue: $0.key)!))
            },
            rows: rows, more: max(0, blocked - rows.count), unreadable: Array(unreadable.prefix(20)))
        return try await render(request, page, status: .ok)
    }

    static func render(_ request: Request, _ page: AudiencePage, status: HTTPStatus) async throws -> Response {
        let response = try await request.view.render("pressure-audience", page).encodeResponse(for: request)
        response.status = status
        return response
    }

    static func explain(_ rule: PressureRule) -> String {
        switch rule {
        case .optOut: "opted out of messages"
        case .suppressed: "on the suppression list (the address or its domain)"
        case .protectedAccount: "the account is protected (an open deal or a key account) and its owner has not consented"
        case .quietPeriod: "met sales too recently: marketing stays quiet for a few days"
        case .personCap: "would get more messages than the policy allows in the window"
        case .accountCap: "the account would get more marketing than the policy allows"
        case .unknownPerson: "not a person Accord knows"
        case .duplicate: "listed twice"
        }
    }

    // MARK: Consents

    struct ConsentRow: Encodable {
        var id: String
        var campaign: String
        var account: String
        var state: String
        var onSilence: Bool
        var requestedBy: String
        var note: String?
        var due: String
        var answeredBy: String?
        var reason: String?
        var validUntil: String?
        var canAnswer: Bool
    }

    struct AccountRow: Encodable {
        var id: String
        var name: String
        var keyAccount: Bool
    }

    struct ConsentsPage: Encodable {
        var shell: Shell
        var notice: QueuePages.Notice?
        var consents: [ConsentRow]
        var accounts: [AccountRow]
        var canFlag: Bool
    }

    @Sendable static func consents(_ request: Request) async throws -> View {
        let visible = try request.authorize(.read, .consents)
        let answerable: RowScope? = if case let .allowed(scope) = AccessPolicy.decide(try request.principal(), .move("answer"), .consents) {
            scope
        } else { nil }
        let rows = try await ConsentRequestModel.query(on: request.db).scoped(visible, by: PressureController.consentOwnership)
            .sort(\.$requestedAt, .descending).limit(200).all()
        let mayAnswer: Set<UUID> = if let answerable {
            Set(try await ConsentRequestModel.query(on: request.db).filter(\.$id ~~ rows.compactMap(\.id))
                .scoped(answerable, by: PressureController.consentOwnership).all().compactMap(\.id))
        } else { [] }
        let dtos = try await PressureController.consentDTOs(rows, on: request.db)
        var accounts: [AccountRow] = []
        var canFlag = false
        if case let .allowed(scope) = AccessPolicy.decide(try request.principal(), .move("protect"), .accounts), scope != .all {
            canFlag = true
            accounts = try await AccountModel.query(on: request.db).scoped(scope, by: AccountsResource.ownership)
                .sort(\.$keyAccount, .descending).sort(\.$name).limit(200).all()
                .map { AccountRow(id: $0.id!.uuidString.lowercased(), name: $0.name, keyAccount: $0.keyAccount) }
        }
        return try await request.view.render("pressure-consents", ConsentsPage(
            shell: Shell(title: "Consent", request: request), notice: QueuePages.notice(request),
            consents: dtos.map { dto in
                ConsentRow(id: dto.id.uuidString.lowercased(), campaign: dto.campaign, account: dto.account, state: dto.state,
                           onSilence: dto.onSilence, requestedBy: dto.requestedBy, note: dto.note,
                           due: ISOTimestamp.format(dto.dueAt), answeredBy: dto.answeredBy, reason: dto.reason,
                           validUntil: dto.validUntil.map(CalendarDate.format),
                           canAnswer: dto.state == ConsentState.pending.rawValue && mayAnswer.contains(dto.id))
            }, accounts: accounts, canFlag: canFlag))
    }

    struct AnswerForm: Content {
        var decision: String?
        var reason: String?
    }

    @Sendable static func answer(_ request: Request) async throws -> Response {
        let form = try request.content.decode(AnswerForm.self)
        do {
            let input = try ConsentAnswerInput.read(.object(["decision": .string(form.decision ?? ""),
                                                             "reason": .string(form.reason ?? "")]))
            let answered = try await PressureController.answer(input.decision, reason: input.reason, request: request)
            return request.redirect(to: QueuePages.with("/pressure/consents", "done",
                                                        "Consent \(answered.state) for \(answered.campaign) at \(answered.account)."),
                                    redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with("/pressure/consents", "problem", QueuePages.describe(error)),
                                    redirectType: .normal)
        }
    }

    struct ProtectForm: Content {
        var keyAccount: String?
    }

    @Sendable static func protect(_ request: Request) async throws -> Response {
        let form = try request.content.decode(ProtectForm.self)
        let key = form.keyAccount == "true"
        do {
            _ = try await PressureController.setProtection(keyAccount: key, reason: nil, request: request)
            return request.redirect(to: QueuePages.with("/pressure/consents", "done",
                                                        key ? "Flagged a key account: marketing now needs your consent."
                                                            : "No longer a key account."), redirectType: .normal)
        } catch let error as AccordError {
            return request.redirect(to: QueuePages.with("/pressure/consents", "problem", QueuePages.describe(error)),
                                    redirectType: .normal)
        }
    }
}
