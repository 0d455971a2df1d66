import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// Contact pressure in the API: the policy, the check every sending tool makes before it sends (with its reservation
/// and confirmation), account protection and its consent requests, and the figures.
struct PressureController: RouteCollection {
    static var capSchema: JSONSchema {
        .object(properties: [
            "side": .string(required: false, nullable: true,
                            allowedValues: ["marketing", "sales", "any"].map { AnyCodable($0) } + [AnyCodable(nil as String?)]),
            "maximum": .number(maximum: (10_000, exclusive: false), minimum: (0, exclusive: false)),
            "windowDays": .integer(maximum: (365, exclusive: false), minimum: (1, exclusive: false)),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        var weights: OrderedDictionary<String, JSONSchema> = [:]
        for channel in AccordCore.Channel.allCases {
            weights[channel.rawValue] = .number(required: false, maximum: (100, exclusive: false), minimum: (0, exclusive: false))
        }
        return .object(properties: [
            "personCaps": .array(required: false, maxItems: 10, items: capSchema),
            "accountCap": capSchema.optionalSchemaObject().nullableSchemaObject(),
            "channelWeights": .object(required: false, properties: weights, additionalProperties: .init(false)),
            "quietDaysAfterSalesMeeting": .integer(required: false, maximum: (90, exclusive: false), minimum: (0, exclusive: false)),
            "consent": .object(required: false, properties: [
                "dueHours": .number(required: false, maximum: (720, exclusive: false), minimum: (1, exclusive: false)),
                "validDays": .integer(required: false, maximum: (365, exclusive: false), minimum: (1, exclusive: false)),
                "onNoAnswer": APISchemas.choice(ConsentNoAnswer.self, required: false),
            ], additionalProperties: .init(false)),
        ], additionalProperties: .init(false))
    }

    static var checkSchema: JSONSchema {
        .object(properties: [
            "campaignId": APISchemas.uuid(),
            "persons": .array(minItems: 1, maxItems: PressureAudience.maximum,
                              items: .string(description: "A person's id or email address")),
            "side": APISchemas.choice(Side.self, required: false),
            "channel": APISchemas.choice(AccordCore.Channel.self, required: false),
            "dryRun": .boolean(required: false),
        ], additionalProperties: .init(false))
    }

    static var answerSchema: JSONSchema {
        .object(properties: [
            "reservationId": APISchemas.uuid(nullable: true), "expiresAt": .string(format: .dateTime, nullable: true),
            "allowed": .integer, "blocked": .integer,
            "blockedByRule": .object(additionalProperties: .init(.integer)),
            "results": .array(items: .object(properties: [
                "person": .string, "allowed": .boolean,
                "rule": .string(nullable: true, description: "opt_out, suppressed, protected_account, quiet_period:3d, "
                    + "person_cap:marketing:3/7d, account_cap:marketing:40/7d, unknown_person or duplicate"),
            ])),
        ])
    }

    static var consentSchema: JSONSchema {
        let time = JSONSchema.string(format: .dateTime, required: false, nullable: true)
        let text = JSONSchema.string(required: false, nullable: true)
        return .object(properties: [
            "id": APISchemas.uuid(), "campaignId": APISchemas.uuid(), "campaign": .string, "accountId": APISchemas.uuid(),
            "account": .string, "ownerId": APISchemas.uuid(required: false, nullable: true),
            "state": APISchemas.choice(ConsentState.self), "onSilence": .boolean, "requestedBy": .string, "note": text,
            "requestedAt": .string(format: .dateTime), "dueAt": .string(format: .dateTime), "answeredAt": time,
            "answeredBy": text, "reason": text, "validUntil": time,
        ])
    }

    static var protectionSchema: JSONSchema {
        .object(properties: [
            "accountId": APISchemas.uuid(), "keyAccount": .boolean, "openOpportunities": .integer, "protected": .boolean,
        ])
    }

    static let consentFilters: [ListFilter<ConsentRequestModel>] = [
        .choice("state", column: "state", ConsentState.self, "Consent requests in this stored state"),
        .id("campaignId", column: "campaign_id", "Consent requests for this campaign"),
        .id("accountId", column: "account_id", "Consent requests for this account"),
    ]

    static let consentOwnership = Ownership.owner(column: "owner_id")

    func boot(routes: any RoutesBuilder) throws {
        let pressure = routes.grouped("api", "v1", "pressure")
        pressure.get("policy", use: Self.read).requires(.read, .settings).openAPI(.init(
            tags: ["pressure"], summary: "The contact-pressure policy in force", operationId: "getPressurePolicy",
            responses: [200: APISchemas.json("The policy", Self.schema)]))
        pressure.on(.PUT, "policy", body: .collect(maxSize: "16kb"), use: Self.replace).requires(.update, .settings)
            .openAPI(.init(
                tags: ["pressure"], summary: "Replace the contact-pressure policy",
                description: "Caps per person over rolling windows (side marketing, sales or any), an account cap (null: "
                    + "none), channel weights (1 when absent), days of quiet for marketing after a sales meeting. Fields "
                    + "left out take the standard values (3 marketing and 6 in all per person in 7 days, 40 marketing per "
                    + "account in 7 days, field sales weighing 2, 3 quiet days). Opt-outs and the suppression list "
                    + "always apply.",
                operationId: "setPressurePolicy", requestBody: APISchemas.body(Self.schema),
                responses: [200: APISchemas.json("The policy now in force", Self.schema),
                            403: APISchemas.problem("Only admins change the policy"),
                            422: APISchemas.problem("Every problem with the policy, by field")]))
        pressure.on(.POST, "check", body: .collect(maxSize: "16mb"), use: Self.check).requires(.create, .pressure)
            .openAPI(.init(
                tags: ["pressure"], summary: "Check an audience before sending a campaign's message",
                description: "Up to 100,000 persons, by id or email address; each answer says whether they may get the "
                    + "message now and, if not, the first rule that blocks (in order: opt-out, suppression list, a "
                    + "protected account without its owner's consent, the quiet period after a sales meeting, the "
                    + "person caps, the account cap; persons Accord does not know and persons listed twice are "
                    + "blocked). The allowed messages are reserved for 15 minutes, counting against the caps of every "
                    + "other check, until confirmed. The owners of protected accounts are asked for consent. With "
                    + "dryRun nothing is reserved or asked.",
                operationId: "checkPressure", requestBody: APISchemas.body(Self.checkSchema),
                responses: [200: APISchemas.json("Who may get the message, in the order given", Self.answerSchema),
                            403: APISchemas.problem("Only marketing checks audiences"),
                            422: APISchemas.problem("The campaign does not exist, or a person is neither an id nor an "
                                + "email address (each named by index)")]))
        pressure.on(.POST, "reservations", ":reservationId", "confirm", use: Self.confirm).requires(.create, .pressure)
            .openAPI(.init(
                tags: ["pressure"], summary: "Confirm a check's reserved messages as sent",
                description: "Records one touchpoint of kind sent per allowed person, on the campaign, now.",
                operationId: "confirmPressureReservation",
                responses: [200: APISchemas.json("How many messages were recorded", .object(properties: [
                    "reservationId": APISchemas.uuid(), "recorded": .integer])),
                            404: APISchemas.problem("No such reservation"),
                            409: APISchemas.problem("The reservation expired or was already confirmed")]))
        pressure.get("figures", use: Self.figures).requires(.read, .pressure).openAPI(.init(
            tags: ["pressure"], summary: "Contact pressure's figures for a period",
            description: "Person-weeks (ISO weeks in ACCORD_TIMEZONE) by messages received, as sent and with the messages "
                + "the pressure rules prevented added back; per campaign its checks, the confirmed ones, the messages "
                + "allowed and those prevented by rule; consent requests by state.",
            operationId: "pressureFigures",
            parameters: [
                .b(OpenAPI.Parameter(name: "from", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "First day (default: 90 days before to)")),
                .b(OpenAPI.Parameter(name: "to", context: .query(required: false), schema: APISchemas.dayOrTime,
                                     description: "Last day, included (default: now); an ISO 8601 time is exclusive")),
            ],
            responses: [200: APISchemas.json("The figures", Self.figuresSchema),
                        403: APISchemas.problem("Reps do not see the figures"),
                        422: APISchemas.problem("A date is wrong, or from is not before to")]))
        let consents = pressure.grouped("consents")
        consents.get(use: Self.listConsents).requires(.read, .consents).openAPI(.init(
            tags: ["pressure"], summary: "Consent requests the caller may see, newest first",
            description: "An account's owner sees those for their accounts, a sales manager their team's, marketing all.",
            operationId: "listConsents", parameters: ListFilter.parameters(Self.consentFilters),
            responses: [200: APISchemas.json("A page of consent requests", APISchemas.list(of: Self.consentSchema))]))
        consents.on(.POST, body: .collect(maxSize: "16kb"), use: Self.askConsent).requires(.create, .consents).openAPI(.init(
            tags: ["pressure"], summary: "Ask a protected account's owner to let a campaign reach its people",
            operationId: "askConsent", requestBody: APISchemas.body(.object(properties: [
                "campaignId": APISchemas.uuid(), "accountId": APISchemas.uuid(),
                "note": .string(required: false, nullable: true, maxLength: 2000)], additionalProperties: .init(false))),
            responses: [201: APISchemas.json("The consent request", Self.consentSchema),
                        409: APISchemas.problem("The account is not protected, or has no owner to ask"),
                        422: APISchemas.problem("The campaign or account does not exist")]))
        consents.on(.POST, ":consentId", "answer", body: .collect(maxSize: "16kb"), use: Self.answerConsent)
            .requires(.read, .consents).openAPI(.init(
                tags: ["pressure"], summary: "Grant or deny consent, with a reason",
                operationId: "answerConsent", requestBody: APISchemas.body(.object(properties: [
                    "decision": APISchemas.choice(ConsentDecision.self), "reason": .string(minLength: 1, maxLength: 2000)],
                    additionalProperties: .init(false))),
                responses: [200: APISchemas.json("The consent request", Self.consentSchema),
                            403: APISchemas.problem("Only the account's owner or their sales manager answers"),
                            404: APISchemas.problem("No such consent request"),
                            409: APISchemas.problem("Already answered, or the due time passed"),
                            422: APISchemas.problem("The reason is missing")]))
        routes.grouped("api", "v1", "accounts").on(.PUT, ":accountId", "protection", body: .collect(maxSize: "16kb"),
                                                   use: Self.protect).requires(.read, .accounts).openAPI(.init(
            tags: ["pressure"], summary: "Flag an account a key account, or clear the flag",
            description: "A key account, like any account with an open opportunity, is protected: marketing reaches its "
                + "people only with the owner's consent per campaign.",
            operationId: "setAccountProtection", requestBody: APISchemas.body(.object(properties: [
                "keyAccount": .boolean, "reason": .string(required: false, nullable: true, maxLength: 2000)],
                additionalProperties: .init(false))),
            responses: [200: APISchemas.json("The account's protection", Self.protectionSchema),
                        403: APISchemas.problem("Only the account's owner or their sales manager flags it"),
                        404: APISchemas.problem("No such account")]))
    }

    // MARK: The check

    @Sendable static func check(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .pressure)
        var times = PhaseTimes()
        let (parsed, bytes) = try request.jsonBody(spanning: "persons")
        let input = try PressureCheckInput.read(parsed.value, spans: parsed.spans, body: bytes)
        times.mark("parse")
        let outcome = try await run(campaignID: input.campaignID, targets: input.targets, side: input.side,
                                    channel: input.channel, dryRun: input.dryRun, request: request)
        times.merge(outcome.times)
        let body = PressureAudience.answer(reservationID: outcome.reservationID, expiresAt: outcome.expiresAt,
                                           texts: input.texts, decisions: outcome.decisions)
        times.mark("answer")
        let response = Response(status: .ok, body: .init(buffer: ByteBuffer(bytes: body)))
        response.headers.contentType = .json
        // The server's own time by phase, then in all (reading the body, the check, writing the answer, named
        // `check`), for the sending tool's logs.
        response.headers.replaceOrAdd(name: "Server-Timing", value: times.header(total: "check"))
        return response
    }

    /// Runs a check as the caller; the audience page calls it too.
    static func run(campaignID: UUID, targets: [PressureTarget], side: Side, channel: AccordCore.Channel?, dryRun: Bool,
                    request: Request) async throws -> PressureChecks.Outcome {
        guard let campaign = try await CampaignModel.find(campaignID, on: request.db) else {
            throw AccordError.validation([FieldError(field: "campaignId", problem: "no campaign with id \(campaignID)")])
        }
        return try await PressureChecks.check(campaign: campaign, targets: targets, side: side, channel: channel,
                                              dryRun: dryRun, by: request.auditActor, requestID: request.id, on: request.db)
    }

    @Sendable static func confirm(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .pressure)
        let raw = request.parameters.get("reservationId") ?? ""
        guard let id = UUID(uuidString: raw) else { throw AccordError.notFound(entity: "reservation", id: raw) }
        let recorded = try await PressureChecks.confirm(id, by: request.auditActor, requestID: request.id, on: request.db)
        return try await json(.object(["reservationId": .string(id.uuidString.lowercased()),
                                       "recorded": .integer(Int64(recorded))]), request)
    }

    // MARK: Figures

    static var figuresSchema: JSONSchema {
        let buckets = JSONSchema.array(items: .integer)
        return .object(properties: [
            "from": .string(format: .dateTime), "to": .string(format: .dateTime),
            "messagesPerPersonWeek": .object(properties: [
                "buckets": .array(items: .string), "sent": buckets, "beforeCaps": buckets]),
            "campaigns": .array(items: .object(properties: [
                "campaignId": APISchemas.uuid(), "campaign": .string, "checks": .integer, "confirmed": .integer,
                "allowed": .integer, "prevented": .integer, "preventedByRule": .object(additionalProperties: .init(.integer))])),
            "consents": .object(properties: [
                "requested": .integer, "byState": .object(additionalProperties: .init(.integer)), "onSilence": .integer,
                "medianHoursToAnswer": .number(nullable: true)]),
        ])
    }

    @Sendable static func figures(_ request: Request) async throws -> Response {
        var problems = ValidationReport()
        let (from, to) = AnalyticsController.period(request, into: &problems, defaultDays: 90)
        for name in request.url.queryParameterNames where name != "from" && name != "to" {
            problems.add(name, "is not a parameter of the figures; parameters: from, to")
        }
        try problems.throwIfInvalid()
        let figures = try await PressureReport.figures(from: from, to: to,
                                                       timeZone: request.application.accordConfiguration?.timeZone ?? .gmt,
                                                       on: request.db)
        func counts<K>(_ values: [K: Int], _ key: (K) -> String) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: values.map { (key($0.key), JSONValue.integer(Int64($0.value))) }))
        }
        return try await json(.object([
            "from": .string(ISOTimestamp.format(from)), "to": .string(ISOTimestamp.format(to)),
            "messagesPerPersonWeek": .object([
                "buckets": .array(PressureFigures.bucketLabels.map(JSONValue.string)),
                "sent": .array(figures.sent.map { .integer(Int64($0)) }),
                "beforeCaps": .array(figures.beforeCaps.map { .integer(Int64($0)) })]),
            "campaigns": .array(figures.campaigns.map { campaign in .object([
                "campaignId": .string(campaign.campaignID.uuidString.lowercased()), "campaign": .string(campaign.name),
                "checks": .integer(Int64(campaign.checks)), "confirmed": .integer(Int64(campaign.confirmed)),
                "allowed": .integer(Int64(campaign.allowed)), "prevented": .integer(Int64(campaign.totalPrevented)),
                "preventedByRule": counts(campaign.prevented, \.rawValue)]) }),
            "consents": .object([
                "requested": .integer(Int64(figures.consents.values.reduce(0, +))),
                "byState": counts(figures.consents, \.rawValue), "onSilence": .integer(Int64(figures.consentsOnSilence)),
                "medianHoursToAnswer": figures.medianHoursToConsent.map(JSONValue.number) ?? .null]),
        ]), request)
    }

    // MARK: Consent

    struct ConsentDTO: Content {
        var id: UUID
        var campaignId: UUID
        var campaign: String
        var accountId: UUID
        var account: String
        var ownerId: UUID?
        var state: String
        var onSilence: Bool
        var requestedBy: String
        var note: String?
        var requestedAt: Date
        var dueAt: Date
        var answeredAt: Date?
        var answeredBy: String?
        var reason: String?
        var validUntil: Date?
    }

    @Sendable static func listConsents(_ request: Request) async throws -> ListDTO<ConsentDTO> {
        let builder = ConsentRequestModel.query(on: request.db)
            .scoped(try request.authorize(.read, .consents), by: consentOwnership)
        let page = try request.listPage(filters: consentFilters, on: builder, entity: "consents")
        let result = try await builder.page(page)
        return ListDTO(items: try await consentDTOs(result.items, on: request.db), nextCursor: result.nextCursor)
    }

    static func consentDTOs(_ rows: [ConsentRequestModel], on database: any Database) async throws -> [ConsentDTO] {
        let policy = try await PressurePolicyModel.policy(on: database).consent
        let campaigns = try await CampaignModel.query(on: database).filter(\.$id ~~ Set(rows.map(\.$campaign.id))).all()
            .reduce(into: [UUID: String]()) { $0[$1.id!] = $1.name }
        let accounts = try await AccountModel.query(on: database).filter(\.$id ~~ Set(rows.map(\.$account.id))).all()
            .reduce(into: [UUID: String]()) { $0[$1.id!] = $1.name }
        let now = Date()
        return rows.map { row in
            let status = ConsentRules.effective(row.status, policy: policy, at: now)
            return ConsentDTO(id: row.id!, campaignId: row.$campaign.id, campaign: campaigns[row.$campaign.id] ?? "",
                              accountId: row.$account.id, account: accounts[row.$account.id] ?? "", ownerId: row.ownerID,
                              state: status.state.rawValue, onSilence: status.onSilence, requestedBy: row.requestedByLabel,
                              note: row.note, requestedAt: row.requestedAt, dueAt: row.dueAt, answeredAt: status.answeredAt,
                              answeredBy: status.onSilence ? "no answer" : row.answeredByLabel, reason: row.reason,
                              validUntil: status.validUntil)
        }
    }

    @Sendable static func askConsent(_ request: Request) async throws -> Response {
        _ = try request.authorize(.create, .consents)
        let input = try ConsentAskInput.read(try request.jsonBody())
        let row = try await request.db.writeTransaction { database in
            var report = ValidationReport()
            let campaign = try await CampaignModel.find(input.campaignID, on: database)
            let account = try await AccountModel.find(input.accountID, on: database)
            if campaign == nil { report.add("campaignId", "no campaign with id \(input.campaignID)") }
            if account == nil { report.add("accountId", "no account with id \(input.accountID)") }
            try report.throwIfInvalid()
            let policy = try await PressurePolicyModel.policy(on: database).consent
            let protection = try await PressureChecks.protectedAccounts([input.accountID], campaign: input.campaignID,
                                                                        policy: policy, now: Date(), on: database)
            guard protection.isProtected(input.accountID) else {
                throw AccordError.conflict("\(account!.name) is not protected (no open opportunity, not a key account): "
                    + "no consent is needed.")
            }
            guard let owner = protection.owners[input.accountID] else {
                throw AccordError.conflict("\(account!.name) has no owner to ask.")
            }
            return try await Consents.ask(campaign: campaign!, accountID: input.accountID, owner: owner, note: input.note,
                                          by: request.auditActor, policy: policy, requestID: request.id, at: Date(), on: database)
        }
        return try await consentDTOs([row], on: request.db)[0].encodeResponse(status: .created, for: request)
    }

    @Sendable static func answerConsent(_ request: Request) async throws -> ConsentDTO {
        let input = try ConsentAnswerInput.read(try request.jsonBody())
        return try await answer(input.decision, reason: input.reason, request: request)
    }

    /// Answers the consent request in the path as the caller; the consent page's form calls it too.
    static func answer(_ decision: ConsentDecision, reason: String?, request: Request) async throws -> ConsentDTO {
        let visible = try request.authorize(.read, .consents)
        let allowed = try request.authorize(.move("answer"), .consents)
        let raw = request.parameters.get("consentId") ?? ""
        let row = try await request.db.writeTransaction { database in
            guard let id = UUID(uuidString: raw), let row = try await ConsentRequestModel.query(on: database)
                .filter(\.$id == id).scoped(visible, by: consentOwnership).first() else {
                throw AccordError.notFound(entity: "consent request", id: raw)
            }
            guard try await ConsentRequestModel.query(on: database).filter(\.$id == id)
                .scoped(allowed, by: consentOwnership).first() != nil else {
                throw AccordError.forbidden("Only the account's owner or their sales manager answers this request.")
            }
            try await Consents.answer(row, decision, reason: reason, by: request.auditActor,
                                      policy: try await PressurePolicyModel.policy(on: database).consent,
                                      requestID: request.id, at: Date(), on: database)
            return row
        }
        return try await consentDTOs([row], on: request.db)[0]
    }

    // MARK: Protection

    @Sendable static func protect(_ request: Request) async throws -> Response {
        let input = try ProtectionInput.read(try request.jsonBody())
        return try await json(try await setProtection(keyAccount: input.keyAccount, reason: input.reason, request: request), request)
    }

    /// Flags (or clears) the account in the path as the caller; the consent page's buttons call it too.
    static func setProtection(keyAccount key: Bool, reason: String?, request: Request) async throws -> JSONValue {
        let visible = try request.authorize(.read, .accounts)
        let allowed = try request.authorize(.move("protect"), .accounts)
        let raw = request.parameters.get("accountId") ?? ""
        let ownership = AccountsResource.ownership
        return try await request.db.writeTransaction { database in
            guard let id = UUID(uuidString: raw),
                  let account = try await AccountModel.query(on: database).filter(\.$id == id).scoped(visible, by: ownership).first()
            else { throw AccordError.notFound(entity: "account", id: raw) }
            guard try await AccountModel.query(on: database).filter(\.$id == id).scoped(allowed, by: ownership).first() != nil else {
                throw AccordError.forbidden("Only the account's owner or their sales manager flags it a key account.")
            }
            let before = account.keyAccount
            account.keyAccount = key
            try await account.save(on: database)
            if before != key {
                try await AuditTrail.record(request.auditActor, entity: "account", id: id, action: key ? "account:protect" : "account:unprotect",
                                            changes: ["keyAccount": .init(before: .bool(before), after: .bool(key))],
                                            reason: reason, requestID: request.id, at: Date(), on: database)
            }
            let open = try await OpportunityModel.query(on: database).filter(\.$account.$id == id)
                .filter(\.$status == OpportunityStatus.open.rawValue).count()
            return JSONValue.object(["accountId": .string(id.uuidString.lowercased()), "keyAccount": .bool(key),
                                     "openOpportunities": .integer(Int64(open)),
                                     "protected": .bool(ConsentRules.isProtected(key: key, openOpportunities: open))])
        }
    }

    @Sendable static func read(_ request: Request) async throws -> Response {
        try await json(try await PressurePolicyModel.policy(on: request.db).json, request)
    }

    @Sendable static func replace(_ request: Request) async throws -> Response {
        _ = try request.authorize(.update, .settings)
        let policy = try PressurePolicy.read(try request.jsonBody())
        try await request.db.writeTransaction { database in
            try await PressurePolicyModel.set(policy, by: request.auditActor, requestID: request.id, on: database)
        }
        return try await json(policy.json, request)
    }

    static func json(_ value: JSONValue, _ request: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONCoding.encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }
}
