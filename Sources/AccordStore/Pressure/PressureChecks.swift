import AccordCore
import FluentKit
import Foundation
import SQLKit

/// The check every sending tool makes before it sends: who of an audience may get a campaign's message now, under
/// the pressure policy, the opt-outs and suppression list, and account protection. A check (not a dry run) reserves
/// the allowed messages for 15 minutes, so that a second check meanwhile counts them; the sending tool confirms them
/// (then they are touchpoints) or they lapse. Checks and confirmations run one at a time: SQLite has one writer, and
/// on PostgreSQL they take one advisory lock, so two instances cannot both pass a person with room for one message.
public enum PressureChecks {
    public static let reservationSeconds: TimeInterval = 15 * 60
    /// The advisory lock every check and confirmation takes on PostgreSQL ("ACCP" in ASCII).
    static let lockKey: Int64 = 0x4143_4350

    public struct Outcome: Sendable {
        public var reservationID: UUID?
        public var expiresAt: Date?
        public var decisions: [PressureDecision]
        /// Consent requests this check sent to account owners.
        public var consentsRequested: Int
    }

    /// A person as the check knows them.
    struct Known: Sendable {
        var id: UUID
        var email: String
        var accountID: UUID?
        var optedOut: Bool
    }

    public static func check(campaign: CampaignModel, targets: [PressureTarget], side: Side = .marketing,
                             channel: Channel? = nil, dryRun: Bool, by actor: AuditActor, requestID: String? = nil,
                             at now: Date = Date(), on database: any Database) async throws -> Outcome {
        if dryRun { return try await decide(campaign: campaign, targets: targets, side: side, channel: channel, dryRun: true,
                                            by: actor, requestID: requestID, now: now, on: database) }
        return try await database.writeTransaction { database in
            try await checkInTransaction(campaign: campaign, targets: targets, side: side, channel: channel, by: actor,
                                         requestID: requestID, at: now, on: database)
        }
    }

    /// The same (not a dry run) inside a write transaction the caller holds (the demo writer).
    public static func checkInTransaction(campaign: CampaignModel, targets: [PressureTarget], side: Side = .marketing,
                                          channel: Channel? = nil, by actor: AuditActor, requestID: String? = nil,
                                          at now: Date, on database: any Database) async throws -> Outcome {
        try await lock(database)
        return try await decide(campaign: campaign, targets: targets, side: side, channel: channel, dryRun: false,
                                by: actor, requestID: requestID, now: now, on: database)
    }

    /// Records a reservation's messages as sent (touchpoints of kind `sent`, one per allowed person, at `now`).
    public static func confirm(_ id: UUID, by actor: AuditActor, requestID: String? = nil, at now: Date = Date(),
                               on database: any Database) async throws -> Int {
        try await database.writeTransaction { database in
            try await confirmInTransaction(id, by: actor, requestID: requestID, at: now, on: database)
        }
    }

    /// The same inside a write transaction the caller holds.
    public static func confirmInTransaction(_ id: UUID, by actor: AuditActor, requestID: String? = nil, at now: Date,
                                            on database: any Database) async throws -> Int {
        do {
            try await lock(database)
            guard let reservation = try await PressureReservationModel.find(id, on: database) else {
                throw AccordError.notFound(entity: "reservation", id: id.uuidString.lowercased())
            }
            if let confirmed = reservation.confirmedAt {
                throw AccordError.conflict("This reservation was already confirmed at \(ISOTimestamp.format(confirmed)).")
            }
            guard reservation.expiresAt > now else {
                throw AccordError.conflict("This reservation expired at \(ISOTimestamp.format(reservation.expiresAt)); "
                    + "check the audience again.")
            }
            let side = Side(rawValue: reservation.side) ?? .marketing
            let channel = AccordCore.Channel(rawValue: reservation.channel)
            let persons = PressureAudience.unpack(reservation.persons)
            let prefix = "pressure:\(id.uuidString.lowercased()):"
            let items = persons.enumerated().map { index, person in
                TouchpointIngestion.Item(path: "persons[\(index)]", input: TouchpointInput(
                    eventID: prefix + Hex.uuidString(person).lowercased(), person: .id(person),
                    campaign: .id(reservation.$campaign.id), kind: .sent, side: side, channel: channel, occurredAt: now))
            }
            let result = try await TouchpointIngestion.ingestInTransaction(items, now: now, on: database)
            reservation.confirmedAt = now
            try await reservation.save(on: database)
            try await AuditTrail.record(actor, entity: "pressure_reservation", id: id, action: "pressure:confirm",
                                        changes: ["sent": .init(before: .null, after: .integer(Int64(result.created)))],
                                        requestID: requestID, at: now, on: database)
            return result.created
        }
    }

    static func lock(_ database: any Database) async throws {
        let sql = try Catalog.sqlDatabase(database)
        guard sql.dialect.name != "sqlite" else { return }  // BEGIN IMMEDIATE already holds the one write lock
        try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: lockKey))").run()
    }

    static func decide(campaign: CampaignModel, targets: [PressureTarget], side: Side, channel: Channel?, dryRun: Bool,
                       by actor: AuditActor, requestID: String?, now: Date, on database: any Database) async throws -> Outcome {
        let policy = try await PressurePolicyModel.policy(on: database)
        let channel = channel ?? AccordCore.Channel(rawValue: campaign.channel) ?? .email
        let sql = try Catalog.sqlDatabase(database)

        // Who they are.
        let (byID, byEmail) = try await persons(targets, on: database)
        var knownIDs: [UUID] = []
        knownIDs.reserveCapacity(byID.count + byEmail.count)
        var accountIDs = Set<UUID>()
        for known in byID.values { knownIDs.append(known.id); if let account = known.accountID { accountIDs.insert(account) } }
        for known in byEmail.values where byID[known.id] == nil {
            knownIDs.append(known.id)
            if let account = known.accountID { accountIDs.insert(account) }
        }
        let suppressed = try await suppressedEmails(targets, byID: byID, on: database)

        // What they already got, and what earlier checks hold for them.
        let loads = try await PressureLoads.persons(knownIDs, policy: policy, now: now, on: database)
        var accountLoads = try await PressureLoads.accounts(Array(accountIDs), policy: policy, now: now, on: database)
        var reserved: [UUID: [Double]] = [:]
        for reservation in try await PressureReservationModel.query(on: database).filter(\.$confirmedAt == nil)
            .filter(\.$expiresAt > now).all() {
            let added = policy.reservedLoads(side: Side(rawValue: reservation.side) ?? .marketing,
                                             channel: AccordCore.Channel(rawValue: reservation.channel) ?? .email)
            for person in PressureAudience.unpack(reservation.persons) {
                reserved[person] = zip(reserved[person] ?? Array(repeating: 0, count: added.count), added).map { $0 + $1 }
            }
            if policy.accountCap?.counts(Side(rawValue: reservation.side) ?? .marketing) == true {
                for (account, weight) in PressureAudience.unpackWeights(reservation.accountLoads) { accountLoads[account, default: 0] += weight }
            }
        }

        // Which accounts are protected, and whether this campaign may reach them.
        let protection = side == .marketing
            ? try await protectedAccounts(accountIDs, campaign: campaign.id!, policy: policy.consent, now: now, on: database)
            : Protection()

        var check = PressureCheck(policy: policy, side: side, channel: channel, now: now, accountLoads: accountLoads)
        let zeros = Array(repeating: 0.0, count: policy.personCaps.count)
        var decisions: [PressureDecision] = []
        decisions.reserveCapacity(targets.count)
        var seen = Set<UUID>()
        var allowed: [UUID] = []
        var blocked: [(UUID, PressureRule)] = []
        var addedToAccounts: [UUID: Double] = [:]
        var askAccounts = Set<UUID>()
        let weight = policy.weight(channel)
        for target in targets {
            let known: Known? = switch target {
            case let .id(id): byID[id]
            case let .email(email): byEmail[email.value]
            }
            guard let known else {
                if case let .email(email) = target, suppressed.contains(email.value) {
                    decisions.append(.block(.suppressed))
                } else {
                    decisions.append(.block(.unknownPerson))
                }
                continue
            }
            guard seen.insert(known.id).inserted else {
                decisions.append(.block(.duplicate))
                continue
            }
            let load = loads[known.id]
            var capLoads = load?.capLoads ?? zeros
            if !reserved.isEmpty, let held = reserved[known.id] { capLoads = zip(capLoads, held).map { $0 + $1 } }
            let account = known.accountID
            let guarded = account.map { protection.blocks.contains($0) } ?? false
            let decision = check.decide(PressureFacts(
                accountID: account, optedOut: known.optedOut, suppressed: !suppressed.isEmpty && suppressed.contains(known.email),
                protectedWithoutConsent: guarded, lastSalesMeeting: load?.lastSalesMeeting, capLoads: capLoads))
            decisions.append(decision)
            if decision.allowed {
                allowed.append(known.id)
                if let account { addedToAccounts[account, default: 0] += weight }
            } else {
                blocked.append((known.id, decision.rule!))
                if decision.rule == .protectedAccount, let account, protection.ask.contains(account) { askAccounts.insert(account) }
            }
        }
        guard !dryRun else { return Outcome(reservationID: nil, expiresAt: nil, decisions: decisions, consentsRequested: 0) }

        // Hold the allowed messages; ask the owners of the protected accounts.
        try await sql.delete(from: PressureReservationModel.schema).where("confirmed_at", .is, SQLLiteral.null)
            .where("expires_at", .lessThan, now.addingTimeInterval(-86_400)).run()
        var byRule: [String: Int] = [:]
        for decision in decisions where !decision.allowed { byRule[decision.rule!.rawValue, default: 0] += 1 }
        let reservation = PressureReservationModel()
        reservation.id = TimeOrderedID.make(at: now)
        reservation.$campaign.id = campaign.id!
        reservation.side = side.rawValue
        reservation.channel = channel.rawValue
        reservation.createdByLabel = actor.label
        reservation.createdAt = now
        reservation.expiresAt = now.addingTimeInterval(reservationSeconds)
        reservation.allowedCount = allowed.count
        reservation.blockedCount = decisions.count - allowed.count
        reservation.blockedByRule = String(decoding: try StoredJSON.encoder.encode(byRule), as: UTF8.self)
        reservation.persons = Data(PressureAudience.pack(allowed))
        reservation.blocked = Data(PressureAudience.packBlocked(blocked))
        reservation.accountLoads = Data(PressureAudience.packWeights(addedToAccounts))
        try await reservation.create(on: database)
        var asked = 0
        for account in askAccounts.sorted() {
            guard let owner = protection.owners[account] else { continue }
            try await Consents.ask(campaign: campaign, accountID: account, owner: owner, by: actor, policy: policy.consent,
                                   requestID: requestID, at: now, on: database)
            asked += 1
        }
        try await AuditTrail.record(actor, entity: "pressure_reservation", id: reservation.id!, action: "pressure:check",
                                    changes: ["allowed": .init(before: .null, after: .integer(Int64(allowed.count))),
                                              "blocked": .init(before: .null, after: .integer(Int64(reservation.blockedCount)))],
                                    reason: campaign.name, requestID: requestID, at: now, on: database)
        return Outcome(reservationID: reservation.id, expiresAt: reservation.expiresAt, decisions: decisions, consentsRequested: asked)
    }

    // MARK: Reading what the check needs

    /// The persons named, by id and by (normalized) email. A list that is a large share of all persons reads the
    /// table once; a small one looks them up a thousand at a time.
    static func persons(_ targets: [PressureTarget], on database: any Database) async throws
        -> (byID: [UUID: Known], byEmail: [String: Known]) {
        let sql = try Catalog.sqlDatabase(database)
        var ids: [UUID] = []
        var emails: [String] = []
        for target in targets {
            switch target {
            case let .id(id): ids.append(id)
            case let .email(email): emails.append(email.value)
            }
        }
        let sqlite = sql.dialect.name == "sqlite"
        var byID: [UUID: Known] = [:]
        var byEmail: [String: Known] = [:]
        func known(_ row: any SQLRow) throws -> Known {
            Known(id: try IDLookup.id(row, sqlite: sqlite), email: try row.decode(column: "email", as: String.self),
                  accountID: try IDLookup.uuid(row, "account_id", sqlite: sqlite), optedOut: try row.decode(column: "opted_out", as: Bool.self))
        }
        let columns = ["id", "email", "account_id", "opted_out"]
        var scan = false
        if targets.count >= 5_000, let total = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(PersonModel.schema).first()?.decode(column: "n", as: Int.self) {
            scan = total <= targets.count * 4
        }
        if scan {
            let wantedIDs = Set(ids), wantedEmails = Set(emails)
            for row in try await PersonRows.all(database) {
                let byItsID = wantedIDs.contains(row.id), byItsEmail = wantedEmails.contains(row.email)
                guard byItsID || byItsEmail else { continue }
                let person = Known(id: row.id, email: row.email, accountID: row.accountID, optedOut: row.optedOut)
                if byItsID { byID[row.id] = person }
                if byItsEmail { byEmail[row.email] = person }
            }
            return (byID, byEmail)
        }
        var found: [Known] = []
        func lookUp(_ column: String, _ values: [any Encodable & Sendable]) async throws {
            for first in stride(from: 0, to: values.count, by: 1_000) {
                let chunk = Array(values[first..<min(first + 1_000, values.count)])
                for row in try await sql.select().columns(columns).from(PersonModel.schema)
                    .where(SQLIdentifier(column), .in, SQLBind.group(chunk)).all() {
                    found.append(try known(row))
                }
            }
        }
        try await lookUp("id", ids)
        try await lookUp("email", emails)
        let wantedIDs = Set(ids)
        for known in found {
            if wantedIDs.contains(known.id) { byID[known.id] = known }
            byEmail[known.email] = known
        }
        return (byID, byEmail)
    }

    /// The normalized addresses, among those named and those of the persons named by id, the suppression list blocks.
    static func suppressedEmails(_ targets: [PressureTarget], byID: [UUID: Known], on database: any Database) async throws
        -> Set<String> {
        guard try await SuppressionModel.query(on: database).first() != nil else { return [] }
        var emails = Set<EmailAddress>()
        for target in targets {
            switch target {
            case let .email(email): emails.insert(email)
            case let .id(id): if let known = byID[id], let email = try? EmailAddress(known.email) { emails.insert(email) }
            }
        }
        return Set(try await Suppressions.suppressed(emails, on: database).map(\.value))
    }

    public struct Protection: Sendable {
        /// Protected accounts this campaign may not reach now.
        public var blocks = Set<UUID>()
        /// Among them, those whose owner is to be asked (never asked for this campaign, or a grant expired).
        public var ask = Set<UUID>()
        public var owners: [UUID: Consents.Owner] = [:]
        /// Every protected account looked at, consent or not.
        public var protected = Set<UUID>()

        public func isProtected(_ account: UUID) -> Bool { protected.contains(account) }
    }

    public static func protectedAccounts(_ accounts: Set<UUID>, campaign: UUID, policy: ConsentPolicy, now: Date,
                                  on database: any Database) async throws -> Protection {
        guard !accounts.isEmpty else { return Protection() }
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        let all = Array(accounts)
        var owners: [UUID: UUID?] = [:]
        var openOwners: [UUID: UUID] = [:]
        var consents: [UUID: ConsentStatus] = [:]
        // Many accounts: the key accounts and the open opportunities are few, read them all; few: look them up.
        let everything = accounts.count >= 1_000
        let chunks: [[UUID]] = everything ? [[]] : stride(from: 0, to: all.count, by: 1_000).map {
            Array(all[$0..<min($0 + 1_000, all.count)])
        }
        for chunk in chunks {
            var protected = Set<UUID>()
            var keys = sql.select().columns("id", "owner_id").from(AccountModel.schema).where("key_account", .equal, true)
            if !everything { keys = keys.where(SQLIdentifier("id"), .in, chunk) }
            for row in try await keys.all() {
                let id = try IDLookup.id(row, sqlite: sqlite)
                guard accounts.contains(id) else { continue }
                protected.insert(id)
                owners[id] = try IDLookup.uuid(row, "owner_id", sqlite: sqlite)
            }
            var open = sql.select().columns("account_id", "owner_id").from(OpportunityModel.schema)
                .where("status", .equal, OpportunityStatus.open.rawValue)
            if !everything { open = open.where(SQLIdentifier("account_id"), .in, chunk) }
            for row in try await open.all() {
                guard let account = try IDLookup.uuid(row, "account_id", sqlite: sqlite), accounts.contains(account) else { continue }
                protected.insert(account)
                if let owner = try IDLookup.uuid(row, "owner_id", sqlite: sqlite) { openOwners[account] = owner }
            }
            let unowned = Array(protected.filter { owners[$0] == nil })
            for first in stride(from: 0, to: unowned.count, by: 1_000) {
                for row in try await sql.select().columns("id", "owner_id").from(AccountModel.schema)
                    .where(SQLIdentifier("id"), .in, Array(unowned[first..<min(first + 1_000, unowned.count)])).all() {
                    owners[try IDLookup.id(row, sqlite: sqlite)] = try IDLookup.uuid(row, "owner_id", sqlite: sqlite)
                }
            }
            var rows = ConsentRequestModel.query(on: database).filter(\.$campaign.$id == campaign)
            if !everything { rows = rows.filter(\.$account.$id ~~ protected) }
            for row in try await rows.all() where protected.contains(row.$account.id) {
                consents[row.$account.id] = ConsentRules.effective(row.status, policy: policy, at: now)
            }
        }
        var protection = Protection()
        protection.owners = try await Consents.owners(owners, openOpportunityOwners: openOwners, on: database)
        protection.protected = Set(owners.keys)
        for account in owners.keys where !ConsentRules.allows(consents[account]) {
            protection.blocks.insert(account)
            if ConsentRules.needsRequest(consents[account]) { protection.ask.insert(account) }
        }
        return protection
    }
}
