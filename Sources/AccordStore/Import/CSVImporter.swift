import AccordCore
import CSV
import FluentKit
import Foundation

/// `accord import`: a Salesforce or HubSpot export into Accord, safe by construction.
/// - Rows stream from the file and are written a thousand at a time, all inside one transaction: either every
///   valid row is written or (on any bad row, unless `skipInvalid`) nothing is.
/// - People are matched on their external id, then on their normalized email; accounts on their external id,
///   then their domain. Only fields the file fills are written, and only when they differ, so importing the same
///   file again changes nothing.
/// - `dryRun` does all of it and rolls back: the report says what would change.
public enum CSVImporter {
    public struct Options: Sendable {
        public var source: ImportSource?
        public var object: ImportObject?
        public var mapping = ImportMapping()
        public var dateOrder: SlashDateOrder?
        public var dryRun = false
        public var skipInvalid = false
        /// Where rejected rows go with `skipInvalid` (their fields and a `reasons` column).
        public var rejectsPath: String?

        public init(source: ImportSource? = nil, object: ImportObject? = nil) {
            self.source = source
            self.object = object
        }
    }

    public struct RowProblem: Sendable, Equatable, Encodable {
        public var row: Int
        public var column: String
        public var problem: String
    }

    public struct Report: Sendable {
        public var source: ImportSource
        public var object: ImportObject
        public var encoding: String
        public var delimiter: String
        public var rows = 0
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var rejected = 0
        /// Rows counted but not written: campaign members whose status the mapping says is not a touch.
        public var skipped = 0
        /// People rows for an address or domain on the suppression list: not written.
        public var suppressed = 0
        public var leadsCreated = 0
        public var leadsUpdated = 0
        /// The first 100 problems (all are counted in `rejected`).
        public var problems: [RowProblem] = []
        /// Lifecycle or status values no mapping knows, with how many rows had them.
        public var unknownValues: [String: Int] = [:]
        public var unrecognizedHeaders: [String] = []
        public var dryRun = false
        /// True when the changes were kept (not a dry run, and no bad row stopped the import).
        public var written = false
    }

    /// Thrown to roll the transaction back (bad rows without `skipInvalid`, or a dry run); carries the report.
    struct RollBack: Error {
        var report: Report
    }

    public static func run(file path: String, options: Options, actor: AuditActor, now: Date = Date(),
                           on database: any Database) async throws -> Report {
        let file = try CSVFile(path: path)
        defer { file.close() }
        let rows = try file.rows()
        guard let header = try rows.next() else { throw ImportSetupError("\(path) is empty") }
        let plan = try ImportPlan.make(headers: header.fields, source: options.source, object: options.object,
                                       mapping: options.mapping)
        var report = Report(source: plan.source, object: plan.object, encoding: file.encoding.rawValue,
                            delimiter: file.delimiter == "\t" ? "tab" : String(file.delimiter))
        report.unrecognizedHeaders = plan.unrecognized
        report.dryRun = options.dryRun
        let work = Run(plan: plan, options: options, rows: rows, report: report, now: now, actor: actor)
        do {
            try await database.writeTransaction { database in try await work.execute(on: database) }
            work.report.written = true
            return work.report
        } catch let rollBack as RollBack {
            return rollBack.report
        }
    }

    /// One import's state (used by one task at a time, inside the transaction).
    final class Run: @unchecked Sendable {
        let reader: ImportRowReader
        let options: Options
        let rows: CSVFile.Rows
        var report: Report
        let now: Date
        let actor: AuditActor
        var rejects: CSVWriter?
        var rejectsStream: OutputStream?
        /// A row was bad and rows are not being skipped: nothing more is written, the rest is only checked.
        var failed = false

        init(plan: ImportPlan, options: Options, rows: CSVFile.Rows, report: Report, now: Date, actor: AuditActor) {
            reader = ImportRowReader(plan: plan, dates: ImportDateReader(order: options.dateOrder),
                                     lifecycle: LifecycleMap(overrides: options.mapping.stages), mapping: options.mapping)
            self.options = options
            self.rows = rows
            self.report = report
            self.now = now
            self.actor = actor
        }

        func execute(on database: any Database) async throws {
            if options.skipInvalid, let path = options.rejectsPath {
                guard let stream = OutputStream(toFileAtPath: path, append: false) else {
                    throw ImportSetupError("cannot write the rejects to \(path)")
                }
                rejectsStream = stream
                rejects = try CSVWriter(stream: stream)
                try rejects!.write(row: reader.plan.headers + ["reasons"])
            }
            defer { rejectsStream?.close() }
            var chunk: [Row] = []
            while let (number, fields) = try rows.next() {
                report.rows += 1
                switch reader.read(fields) {
                case let .record(record):
                    guard !failed else { continue }  // only checking the rest now
                    chunk.append(Row(number: number, fields: fields, record: record))
                    if chunk.count == 1_000 {
                        try await write(chunk, on: database)
                        chunk.removeAll(keepingCapacity: true)
                    }
                case let .problems(problems, unknown):
                    for value in unknown { report.unknownValues[value, default: 0] += 1 }
                    reject(number, fields, problems)
                }
            }
            if !chunk.isEmpty && !failed { try await write(chunk, on: database) }
            if failed || options.dryRun { throw RollBack(report: report) }
            try await AuditTrail.record(actor, entity: "import", id: TimeOrderedID.make(), action: "import", changes: [:],
                                        reason: "\(report.source.rawValue) \(report.object.rawValue): \(report.created) created, "
                                            + "\(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected) rejected",
                                        at: now, on: database)
        }

        struct Row {
            var number: Int
            var fields: [String]
            var record: ImportedRecord
        }

        func reject(_ number: Int, _ fields: [String], _ problems: [FieldError]) {
            report.rejected += 1
            if !options.skipInvalid { failed = true }
            for problem in problems {
                if report.problems.count < 100 { report.problems.append(RowProblem(row: number, column: problem.field, problem: problem.problem)) }
            }
            try? rejects?.write(row: fields + [problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; ")])
        }

        func write(_ chunk: [Row], on database: any Database) async throws {
            switch reader.plan.kind {
            case .account:
                try await writeAccounts(chunk.compactMap { if case let .account(account) = $0.record { account } else { nil } }, on: database)
            case .person:
                try await writePersons(chunk.compactMap { if case let .person(person) = $0.record { ($0, person) } else { nil } }, on: database)
            case .campaign:
                try await writeCampaigns(chunk.compactMap { if case let .campaign(campaign) = $0.record { campaign } else { nil } }, on: database)
            case .campaignMember:
                try await writeMembers(chunk.compactMap { if case let .member(member) = $0.record { ($0, member) } else { nil } }, on: database)
            case .opportunity:
                try await writeOpportunities(chunk.compactMap { if case let .opportunity(deal) = $0.record { ($0, deal) } else { nil } }, on: database)
            case .contactRole:
                try await writeContactRoles(chunk.compactMap { if case let .contactRole(role) = $0.record { ($0, role) } else { nil } }, on: database)
            case .campaignCost:
                try await writeCosts(chunk.compactMap { if case let .cost(cost) = $0.record { ($0, cost) } else { nil } }, on: database)
            case .suppression:
                let inputs = chunk.compactMap { if case let .suppression(input) = $0.record { input } else { nil } }
                for (_, created) in try await Suppressions.add(inputs, source: .import_, by: actor.label, at: now, on: database) {
                    count(existing: !created, changed: false)
                }
            }
        }

        /// Rejects a row whose reference names nothing (`what` says what to import first).
        func missing(_ row: Row, _ field: ImportField, _ reference: String, _ what: String) {
            let shown = ImportRowReader.accordID(reference) == nil ? String(reference.split(separator: ":", maxSplits: 1).last ?? "") : reference
            reject(row.number, row.fields, [FieldError(field: reader.plan.column(field), problem: "no \(what) has the id '\(shown)'; import the \(what) file first")])
        }

        /// Counts a record as created, updated or unchanged.
        func count(existing: Bool, changed: Bool) {
            if !existing { report.created += 1 } else if changed { report.updated += 1 } else { report.unchanged += 1 }
        }

        /// Sets a field when the file has a value that differs; says whether it did.
        func assign<T: Equatable>(_ current: inout T?, _ value: T?) -> Bool {
            guard let value, current != value else { return false }
            current = value
            return true
        }

        func writeAccounts(_ accounts: [ImportedAccount], on database: any Database) async throws {
            let domains = accounts.compactMap(\.domain)
            var (byID, byExternal) = try await existing(AccountModel.self, accordIDs: accounts.compactMap(\.accordID),
                                                        externalIDs: accounts.compactMap(\.externalID), externalID: \.$externalID,
                                                        on: database)
            var byDomain: [String: AccountModel] = [:]
            if !domains.isEmpty {
                for model in try await AccountModel.query(on: database).filter(\.$domain ~~ domains).all() { byDomain[model.domain!] = model }
            }
            for account in accounts {
                let existing = account.accordID.flatMap { byID[$0] } ?? account.externalID.flatMap { byExternal[$0] }
                    ?? account.domain.flatMap { byDomain[$0] }
                // An `accord:<uuid>` id from another Accord keeps its id here, so its people still find it.
                let model = existing ?? AccountModel(id: account.accordID, name: account.name)
                var changed = set(&model.name, account.name)
                changed = assign(&model.domain, account.domain) || changed
                changed = assign(&model.industry, account.industry) || changed
                changed = assign(&model.employeeCount, account.employees) || changed
                changed = assign(&model.country, account.country) || changed
                try await store(model, found: existing != nil, changed: changed, externalID: account.externalID, byID: &byID,
                                byExternal: &byExternal, on: database)
                if let domain = model.domain { byDomain[domain] = model }
            }
        }

        func writePersons(_ rows: [(row: Row, person: ImportedPerson)], on database: any Database) async throws {
            var (byID, byExternal) = try await existing(PersonModel.self, accordIDs: rows.compactMap(\.person.accordID),
                                                        externalIDs: rows.compactMap(\.person.externalID), externalID: \.$externalID,
                                                        on: database)
            var byEmail: [String: PersonModel] = [:]
            // Emails are looked up only for rows their ids do not place (and where a placed person's email changes, to
            // refuse an address someone else has): re-importing a CRM's file reads each person once.
            func placed(_ person: ImportedPerson) -> PersonModel? {
                person.accordID.flatMap { byID[$0] } ?? person.externalID.flatMap { byExternal[$0] }
            }
            let unplaced = rows.filter { placed($0.person)?.email != $0.person.email.value }.map(\.person.email)
            if !unplaced.isEmpty {
                for model in try await PersonModel.query(on: database).filter(\.$email ~~ Set(unplaced).map(\.value)).all() {
                    byEmail[model.email] = model
                }
            }
            // Accounts named by id in the file, then by email domain for new people without one.
            var accounts: [String: UUID] = [:]
            let named = Array(Set(rows.compactMap(\.person.accountExternalID)))
            let namedIDs = named.compactMap(ImportRowReader.accordID)
            if !named.isEmpty {
                for model in try await AccountModel.query(on: database).filter(\.$externalID ~~ named).all() {
                    accounts[model.externalID!] = model.id
                }
            }
            if !namedIDs.isEmpty {
                for model in try await AccountModel.query(on: database).filter(\.$id ~~ namedIDs).all() {
                    accounts["accord:" + model.id!.uuidString] = model.id
                }
            }
            let byDomain = try await AccountMatcher.accounts(forEmails: Set(unplaced), on: database)  // for new people
            let blocked = try await Suppressions.suppressed(Set(rows.map(\.person.email)), on: database)
            var staged: [(PersonModel, ImportedPerson)] = []
            var fresh: [PersonModel] = []  // written together after the loop, one multi-row insert per chunk
            var changedModels: [UUID: PersonModel] = [:]  // likewise, one multi-row update
            var freshIDs = Set<UUID>()
            for (row, person) in rows where !failed {
                if blocked.contains(person.email) {
                    report.suppressed += 1
                    continue
                }
                if let named = person.accountExternalID, accounts[named] == nil {
                    let column = reader.plan.columns.first { $0.value == .accountExternalID }.map { reader.plan.headers[$0.key] } ?? "account"
                    reject(row.number, row.fields, [FieldError(field: column, problem: "no account has the id '\(named.split(separator: ":", maxSplits: 1).last ?? "")'; import the accounts file first")])
                    continue
                }
                let existing = person.accordID.flatMap { byID[$0] } ?? person.externalID.flatMap { byExternal[$0] }
                    ?? byEmail[person.email.value]
                let model = existing ?? PersonModel(id: person.accordID, email: person.email.value)
                var changed = false
                var email: String? = model.email, first = model.firstName, last = model.lastName, title = model.title
                var optedOut: Bool? = model.optedOut
                if existing != nil, email != person.email.value, let owner = byEmail[person.email.value], owner.id != model.id {
                    let column = reader.plan.columns.first { $0.value == .email }.map { reader.plan.headers[$0.key] } ?? "email"
                    reject(row.number, row.fields, [FieldError(field: column, problem: "\(person.email.value) already belongs to another person")])
                    continue
                }
                changed = assign(&email, person.email.value) || changed
                changed = assign(&first, person.firstName) || changed
                changed = assign(&last, person.lastName) || changed
                changed = assign(&title, person.title) || changed
                changed = assign(&optedOut, person.optedOut) || changed
                model.email = email!
                model.firstName = first
                model.lastName = last
                model.title = title
                model.optedOut = optedOut ?? false
                var account = model.$account.id
                if let named = person.accountExternalID {
                    changed = assign(&account, accounts[named]) || changed
                } else if existing == nil {
                    account = byDomain[person.email]
                }
                model.$account.id = account
                if model.externalID == nil, let external = person.externalID {
                    model.externalID = external
                    changed = true
                }
                if existing == nil {
                    model.source = "import:" + reader.plan.source.rawValue
                    model.createdAt = now
                    model.updatedAt = now
                    fresh.append(model)
                    freshIDs.insert(model.id!)
                    report.created += 1
                } else if changed {
                    if !freshIDs.contains(model.id!) { changedModels[model.id!] = model }
                    report.updated += 1
                } else {
                    report.unchanged += 1
                }
                if let external = model.externalID { byExternal[external] = model }
                byEmail[model.email] = model
                if person.stage != nil { staged.append((model, person)) }
            }
            try await BulkInsert.insert(fresh, using: Self.newPersons, on: database)
            try await BulkUpdate.update(PersonModel.schema, columns: Self.changedPersonColumns, rows: changedModels.values.map { person in
                [.uuid(person.id), .text(person.email), .text(person.firstName), .text(person.lastName), .text(person.title),
                 .uuid(person.$account.id), .bool(person.optedOut), .text(person.externalID), .date(now)]
            }, on: database)
            try await writeLeads(staged, on: database)
        }

        static let changedPersonColumns = ["email", "first_name", "last_name", "title", "account_id", "opted_out", "external_id",
                                           "updated_at"]

        /// New people and leads go in with multi-row inserts (BulkInsert, as the demo writer does), not a statement
        /// each: the columns an import fills, the rest left to their defaults.
        static let newPersons = RowSpec<PersonModel>(
            table: PersonModel.schema,
            columns: ["id", "email", "first_name", "last_name", "title", "account_id", "opted_out", "external_id", "source",
                      "created_at", "updated_at"]) { person in
            [.uuid(person.id), .text(person.email), .text(person.firstName), .text(person.lastName), .text(person.title),
             .uuid(person.$account.id), .bool(person.optedOut), .text(person.externalID), .text(person.source),
             .date(person.createdAt), .date(person.updatedAt)]
        }

        static let newLeads = RowSpec<LeadModel>(
            table: LeadModel.schema,
            columns: ["id", "person_id", "account_id", "stage", "stage_changed_at", "fit_score", "engagement_score",
                      "created_at", "updated_at"]) { lead in
            [.uuid(lead.id), .uuid(lead.$person.id), .uuid(lead.$account.id), .text(lead.stage), .date(lead.stageChangedAt),
             .integer(lead.fitScore), .double(lead.engagementScore), .date(lead.createdAt), .date(lead.updatedAt)]
        }

        /// Each person with a lifecycle stage has a lead in that stage: their latest lead is moved there when it
        /// differs, or a lead is created (dated by the CRM's create date).
        func writeLeads(_ people: [(PersonModel, ImportedPerson)], on database: any Database) async throws {
            guard !people.isEmpty else { return }
            let ids = people.compactMap { $0.0.id }
            var latest: [UUID: LeadModel] = [:]
            for lead in try await LeadModel.query(on: database).filter(\.$person.$id ~~ ids).sort(\.$createdAt).all() {
                latest[lead.$person.id] = lead
            }
            var fresh: [LeadModel] = []
            var freshIDs = Set<UUID>()
            var moved: [UUID: LeadModel] = [:]
            for (model, person) in people {
                guard let stage = person.stage, let id = model.id else { continue }
                if let lead = latest[id] {
                    if lead.stage != stage.rawValue {
                        lead.stage = stage.rawValue
                        lead.stageChangedAt = now
                        if !freshIDs.contains(lead.id!) { moved[lead.id!] = lead }
                        report.leadsUpdated += 1
                    }
                } else {
                    let lead = LeadModel(personID: id, accountID: model.$account.id, stage: stage,
                                         stageChangedAt: person.createdAt ?? now)
                    lead.createdAt = now
                    lead.updatedAt = now
                    fresh.append(lead)
                    freshIDs.insert(lead.id!)
                    latest[id] = lead
                    report.leadsCreated += 1
                }
            }
            try await BulkInsert.insert(fresh, using: Self.newLeads, on: database)
            try await BulkUpdate.update(LeadModel.schema, columns: ["stage", "stage_changed_at", "updated_at"], rows: moved.values.map {
                [.uuid($0.id), .text($0.stage), .date($0.stageChangedAt), .date(now)]
            }, on: database)
        }
    }
}
