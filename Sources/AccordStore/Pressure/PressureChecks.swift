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
        /// Where the check's time went (reading the persons, their loads, deciding, reserving).
        public var times: PhaseTimes
    }

    /// A person as the check knows them. Their address is the number of the one named (the check's own strings)
    /// or, for a person named only by id, a string of their own: copying a string per person (a reference counted
    /// each time) was a tenth of reading 60,000 persons.
    struct Known: Sendable {
        var id: UUID
        /// The number of the address named, or -1 (then `otherEmail` is the person's).
        var emailNumber: Int32
        var otherEmail: String?
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
        var times = PhaseTimes()
        let policy = try await PressurePolicyModel.policy(on: database)
        let channel = channel ?? AccordCore.Channel(rawValue: campaign.channel) ?? .email
        let sql = try Catalog.sqlDatabase(database)

        // Who they are.
        let audience = try await audience(targets, times: &times, on: database)
        let persons = audience.persons
        // Each person's account by place among the accounts (-1: none).
        var accounts = PlaceIndex<UUID>(capacity: min(persons.count, 1 << 16))
        let accountOf = persons.map { known in known.accountID.map { accounts.place(of: $0).place } ?? -1 }
        let accountIDs = Set(accounts.keys)
        let suppressed = try await suppressedEmails(targets, audience: audience, on: database)
        times.mark("accounts")

        // What they already got, and what earlier checks hold for them (both by the person's place in `persons`).
        var loads = try await PressureLoads.persons(audience.index, policy: policy, now: now, on: database)
        var accountLoads = try await PressureLoads.accounts(accounts.keys, policy: policy, now: now, on: database)
        // What live reservations hold per person and cap, added to the loads.
        let caps = policy.personCaps.count
        // (By the columns needed, each reservation's persons read where they lie: a Fluent model per reservation
        // copied them twice.)
        let reservations = try await sql.select().columns("side", "channel", "persons", "account_loads")
            .from(PressureReservationModel.schema).where("confirmed_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, now).all()
        // The audience in its ids' byte order: a reservation's persons (kept in that order) are joined with it in one
        // pass, and a real check keeps its own that way.
        let byteOrder = reservations.isEmpty && dryRun ? nil : SortedPlaces(audience.index.keys)
        for row in reservations {
            let reservedSide = Side(rawValue: try row.decode(column: "side", as: String.self)) ?? .marketing
            let added = policy.reservedLoads(side: reservedSide,
                                             channel: AccordCore.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .email)
            let counted = min(caps, added.count)
            try row.decode(column: "persons", as: Data.self).withUnsafeBytes { bytes in
                byteOrder!.forEachPlace(inPacked: bytes) { place in
                    for cap in 0..<counted { loads.values[place * caps + cap] += added[cap] }
                }
            }
            if policy.accountCap?.counts(reservedSide) == true {
                for (account, weight) in PressureAudience.unpackWeights(try row.decode(column: "account_loads", as: Data.self)) {
                    accountLoads[account, default: 0] += weight
                }
            }
        }

        times.mark("loads")

        // Which accounts are protected, and whether this campaign may reach them.
        let protection = side == .marketing
            ? try await protectedAccounts(accountIDs, campaign: campaign.id!, policy: policy.consent, now: now, on: database)
            : Protection()
        times.mark("protection")

        var check = PressureCheck(policy: policy, side: side, channel: channel, now: now, accountLoads: accountLoads)
        var decisions: [PressureDecision] = []
        decisions.reserveCapacity(targets.count)
        var seen = [Bool](repeating: false, count: persons.count)
        var allowedByPlace = [Bool](repeating: false, count: persons.count)
        var blocked: [(UUID, PressureRule)] = []
        var addedToAccounts = [Double](repeating: 0, count: accounts.count)
        let blockedAccounts = accounts.keys.map { protection.blocks.contains($0) }
        var askAccounts = Set<UUID>()
        let weight = policy.weight(channel)
        for (target, slot) in zip(targets, audience.slots) {
            guard slot >= 0 else {
                if !suppressed.isEmpty, case let .email(email) = target, suppressed.contains(email.value) {
                    decisions.append(.block(.suppressed))
                } else {
                    decisions.append(.block(.unknownPerson))
                }
                continue
            }
            let place = Int(slot)
            guard !seen[place] else {
                decisions.append(.block(.duplicate))
                continue
            }
            seen[place] = true
            let account = persons[place].accountID, accountPlace = Int(accountOf[place])
            let guarded = accountPlace >= 0 && blockedAccounts[accountPlace]
            let decision = check.decide(PressureFacts(
                accountID: account, optedOut: persons[place].optedOut,
                suppressed: !suppressed.isEmpty && suppressed.contains(audience.email(place)),
                protectedWithoutConsent: guarded, lastSalesMeeting: loads.lastSalesMeeting[place], capLoads: loads.capLoads(place)))
            decisions.append(decision)
            if decision.allowed {
                allowedByPlace[place] = true
                if accountPlace >= 0 { addedToAccounts[accountPlace] += weight }
            } else {
                blocked.append((persons[place].id, decision.rule!))
                if decision.rule == .protectedAccount, let account, protection.ask.contains(account) { askAccounts.insert(account) }
            }
        }
        times.mark("decide")
        guard !dryRun else {
            return Outcome(reservationID: nil, expiresAt: nil, decisions: decisions, consentsRequested: 0, times: times)
        }

        // Hold the allowed messages; ask the owners of the protected accounts.
        try await sql.delete(from: PressureReservationModel.schema).where("confirmed_at", .is, SQLLiteral.null)
            .where("expires_at", .lessThan, now.addingTimeInterval(-86_400)).run()
        let (allowed, byRule) = PressureAudience.counted(decisions)
        let reservation = PressureReservationModel()
        reservation.id = TimeOrderedID.make(at: now)
        reservation.$campaign.id = campaign.id!
        reservation.side = side.rawValue
        reservation.channel = channel.rawValue
        reservation.createdByLabel = actor.label
        reservation.createdAt = now
        reservation.expiresAt = now.addingTimeInterval(reservationSeconds)
        reservation.allowedCount = allowed
        reservation.blockedCount = decisions.count - allowed
        reservation.blockedByRule = String(decoding: try StoredJSON.encoder.encode(byRule), as: UTF8.self)
        reservation.persons = Data(PressureAudience.pack(byteOrder!.placesInOrder.lazy.filter { allowedByPlace[Int($0)] }
            .map { persons[Int($0)].id }))
        reservation.blocked = Data(PressureAudience.packBlocked(blocked))
        var added: [UUID: Double] = [:]
        for (place, weight) in addedToAccounts.enumerated() where weight > 0 { added[accounts.keys[place]] = weight }
        reservation.accountLoads = Data(PressureAudience.packWeights(added))
        try await reservation.create(on: database)
        let asked = try await Consents.askAll(campaign: campaign, owners: protection.owners.filter { askAccounts.contains($0.key) },
                                              by: actor, policy: policy.consent, requestID: requestID, at: now, on: database).asked
        try await AuditTrail.record(actor, entity: "pressure_reservation", id: reservation.id!, action: "pressure:check",
                                    changes: ["allowed": .init(before: .null, after: .integer(Int64(allowed))),
                                              "blocked": .init(before: .null, after: .integer(Int64(reservation.blockedCount)))],
                                    reason: campaign.name, requestID: requestID, at: now, on: database)
        times.mark("reserve")
        return Outcome(reservationID: reservation.id, expiresAt: reservation.expiresAt, decisions: decisions,
                       consentsRequested: asked, times: times)
    }

    // MARK: Reading what the check needs

    /// The audience resolved: each known person once, and each target's person.
    struct Audience: Sendable {
        var persons: [Known] = []
        /// For each target, the place of its person in `persons`, or -1 for nobody Accord knows.
        var slots: [Int32] = []
        /// The persons' ids by place.
        var index = PlaceIndex<UUID>()
        /// The addresses named, by number.
        var emails: [String] = []

        func email(_ place: Int) -> String {
            let person = persons[place]
            return person.emailNumber >= 0 ? emails[Int(person.emailNumber)] : person.otherEmail ?? ""
        }
    }

    /// The persons named, by id and by (normalized) email. A list that is a large share of all persons reads the
    /// table once; a small one looks them up a thousand at a time. Each distinct address and id is hashed once on
    /// the way in and each person row once on the way back; the check then goes by places, not by keys (hashing was
    /// most of a check of 100,000 persons).
    static func audience(_ targets: [PressureTarget], times: inout PhaseTimes, on database: any Database) async throws
        -> Audience {
        let sql = try Catalog.sqlDatabase(database)
        // Each distinct address and id named gets a number; a target keeps its own (ids as -1 - number).
        var emails = PlaceIndex<String>(capacity: targets.count)
        var ids = PlaceIndex<UUID>()
        var numbers = [Int32](repeating: 0, count: targets.count)
        for (position, target) in targets.enumerated() {
            switch target {
            case let .email(email): numbers[position] = emails.place(of: email.value).place
            case let .id(id): numbers[position] = -1 - ids.place(of: id).place
            }
        }
        times.mark("targets")
        let capacity = min(targets.count, 1 << 17)
        var matching: Matching
        var scan = false
        if targets.count >= 5_000, let total = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(PersonModel.schema).first()?.decode(column: "n", as: Int.self) {
            scan = total <= targets.count * 4
        }
        if scan {
            // On two cores, two ranges of rows are matched at once; the persons found are then kept in the rows' order.
            let parts = min(2, ProcessInfo.processInfo.activeProcessorCount)
            let found = try await PersonRows.scan(database, parts: parts) { [emails, ids] rows in
                var found: [(person: Known, id: Int32?)] = []
                found.reserveCapacity(capacity / parts)
                try rows.forEach { id, bytes, accountID, optedOut in
                    let email = emails.find(utf8: bytes), byItsID = ids.isEmpty ? nil : ids.find(id)
                    guard email != nil || byItsID != nil else { return }
                    // Found by address: the address is the one named (no copy of the row's).
                    found.append((Known(id: id, emailNumber: email ?? -1, otherEmail: email == nil ? String(decoding: bytes, as: UTF8.self) : nil,
                                        accountID: accountID, optedOut: optedOut), byItsID))
                }
                return found
            }
            matching = Matching(emails: emails.count, ids: ids.count, capacity: capacity)
            for part in found {
                for (person, id) in part { matching.keep(person, id: id) }
            }
        } else {
            matching = Matching(emails: emails.count, ids: ids.count, capacity: capacity)
            let sqlite = sql.dialect.name == "sqlite"
            func lookUp(_ column: String, _ values: [any Encodable & Sendable]) async throws {
                for first in stride(from: 0, to: values.count, by: 1_000) {
                    let chunk = Array(values[first..<min(first + 1_000, values.count)])
                    for row in try await sql.select().columns("id", "email", "account_id", "opted_out").from(PersonModel.schema)
                        .where(SQLIdentifier(column), .in, SQLBind.group(chunk)).all() {
                        let email = try row.decode(column: "email", as: String.self), number = emails.find(email)
                        let person = Known(id: try IDLookup.id(row, sqlite: sqlite), emailNumber: number ?? -1,
                                           otherEmail: number == nil ? email : nil,
                                           accountID: try IDLookup.uuid(row, "account_id", sqlite: sqlite),
                                           optedOut: try row.decode(column: "opted_out", as: Bool.self))
                        matching.keep(person, id: ids.find(person.id))
                    }
                }
            }
            try await lookUp("id", ids.keys)
            try await lookUp("email", emails.keys)
        }
        var audience = matching.audience
        audience.emails = emails.keys
        times.mark("persons")
        audience.slots = numbers.map { $0 >= 0 ? matching.byEmail[Int($0)] : matching.byID[Int(-1 - $0)] }
        return audience
    }

    /// The persons found so far, and the place of each address and id named (-1: not found yet).
    struct Matching: Sendable {
        var audience = Audience()
        var byEmail: [Int32]
        var byID: [Int32]

        init(emails: Int, ids: Int, capacity: Int) {
            byEmail = [Int32](repeating: -1, count: emails)
            byID = [Int32](repeating: -1, count: ids)
            audience.index = PlaceIndex(capacity: capacity)
            audience.persons.reserveCapacity(capacity)
        }

        /// Keeps a person found by the number of their address and (or) id.
        mutating func keep(_ person: Known, id: Int32?) {
            let (place, new) = audience.index.place(of: person.id)
            if new { audience.persons.append(person) }
            if person.emailNumber >= 0 { byEmail[Int(person.emailNumber)] = place }
            if let id { byID[Int(id)] = place }
        }
    }

    /// The normalized addresses, among those named and those of the persons named by id, the suppression list blocks.
    static func suppressedEmails(_ targets: [PressureTarget], audience: Audience, on database: any Database) async throws
        -> Set<String> {
        guard try await SuppressionModel.query(on: database).first() != nil else { return [] }
        var emails = Set<EmailAddress>()
        for (target, slot) in zip(targets, audience.slots) {
            switch target {
            case let .email(email): emails.insert(email)
            case .id: if slot >= 0, let email = try? EmailAddress(audience.email(Int(slot))) { emails.insert(email) }
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
            // An open opportunity's account, its owner, and the account's own owner (asked first), in one query (the
            // account owners looked up afterwards by id were most of this step).
            var open = sql.select().column(SQLColumn("account_id", table: "o")).column(SQLColumn("owner_id", table: "o"))
                .column(SQLAlias(SQLColumn("owner_id", table: "a"), as: SQLIdentifier("account_owner_id")))
                .from(SQLAlias(SQLIdentifier(OpportunityModel.schema), as: SQLIdentifier("o")))
                .join(SQLAlias(SQLIdentifier(AccountModel.schema), as: SQLIdentifier("a")), method: SQLJoinMethod.inner,
                      on: SQLColumn("id", table: "a"), .equal, SQLColumn("account_id", table: "o"))
                .where(SQLColumn("status", table: "o"), .equal, SQLBind(OpportunityStatus.open.rawValue))
            if !everything { open = open.where(SQLColumn("account_id", table: "o"), .in, SQLBind.group(chunk.map { $0 as any Encodable & Sendable })) }
            for row in try await open.all() {
                guard let account = try IDLookup.uuid(row, "account_id", sqlite: sqlite), accounts.contains(account) else { continue }
                protected.insert(account)
                if let owner = try IDLookup.uuid(row, "owner_id", sqlite: sqlite) { openOwners[account] = owner }
                if owners[account] == nil { owners[account] = try IDLookup.uuid(row, "account_owner_id", sqlite: sqlite) }
            }
            // The answers so far, by the columns the rules read (a Fluent model per request was most of a check once
            // a campaign had asked 1,446 owners).
            guard !protected.isEmpty else { continue }  // (PostgreSQL refuses an empty IN list)
            var rows = sql.select().columns("account_id", "state", "due_at", "answered_at", "valid_until", "on_silence")
                .from(ConsentRequestModel.schema).where("campaign_id", .equal, campaign)
            if !everything { rows = rows.where(SQLIdentifier("account_id"), .in, Array(protected)) }
            for row in try await rows.all() {
                guard let account = try IDLookup.uuid(row, "account_id", sqlite: sqlite), protected.contains(account) else { continue }
                let status = ConsentStatus(
                    stored: try row.decode(column: "state", as: String.self),
                    dueAt: try row.decode(column: "due_at", as: Date.self),
                    answeredAt: try row.decode(column: "answered_at", as: Date?.self),
                    validUntil: try row.decode(column: "valid_until", as: Date?.self),
                    onSilence: try row.decode(column: "on_silence", as: Bool.self))
                consents[account] = ConsentRules.effective(status, policy: policy, at: now)
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
