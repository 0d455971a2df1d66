import AccordCore
import FluentKit
import Foundation

/// Stores a batch of touchpoints: every reference is resolved first and every bad one reported by its
/// path, then all rows go in with multi-row inserts inside one transaction (all or nothing).
public enum TouchpointIngestion {
    /// One touchpoint of a batch and the path its problems are reported under (`[17]`, `line 18: `).
    public struct Item: Sendable {
        public var path: String
        public var input: TouchpointInput

        public init(path: String, input: TouchpointInput) {
            self.path = path
            self.input = input
        }
    }

    /// What a batch did: the touchpoint id of every item in order (nil for a suppressed address), and how many were new.
    public struct Result: Sendable, Equatable {
        public var ids: [UUID?]
        public var created: Int
        /// Items whose `eventId` was stored before (or earlier in the same batch): nothing new was written.
        public var duplicates: Int
        /// Items for an address or domain on the suppression list: not stored, and no person created.
        public var suppressed: Int = 0
    }

    public static func ingest(_ items: [Item], now: Date, on database: any Database) async throws -> Result {
        try await database.writeTransaction { database in
            try await ingestInTransaction(items, now: now, on: database)
        }
    }

    /// The same, inside a transaction the caller already holds.
    public static func ingestInTransaction(_ items: [Item], now: Date, on database: any Database) async throws -> Result {
        var report = ValidationReport()
        let knownPersons = try await existingIDs(PersonModel.self,
                                                 Set(items.compactMap { if case let .id(id) = $0.input.person { id } else { nil } }),
                                                 on: database)
        let campaigns = try await CampaignResolver.resolve(items.compactMap(\.input.campaign), on: database)
        for item in items {
            if case let .id(id) = item.input.person, !knownPersons.contains(id) {
                report.add(FieldReader.path(item.path, "personId"), "no person with id \(id)")
            }
            if let reference = item.input.campaign, campaigns[reference] == nil {
                report.add(FieldReader.path(item.path, CampaignResolver.field(of: reference)),
                           CampaignResolver.missing(reference))
            }
        }
        try report.throwIfInvalid()

        let named = Set(items.compactMap { if case let .email(email) = $0.input.person { email } else { nil } })
        let blocked = try await Suppressions.suppressed(named, on: database)
        let personByEmail = try await PersonDirectory.resolve(named.subtracting(blocked), createdAt: now, on: database)
        let eventIDs = Set(items.compactMap(\.input.eventID))
        var idByEvent = try await storedEventIDs(eventIDs, on: database)
        let storedBefore = Set(idByEvent.keys)

        var generator = SystemRandomNumberGenerator()
        var ids: [UUID?] = []
        var fresh: [Touchpoint] = []
        var suppressed = 0
        ids.reserveCapacity(items.count)
        for item in items {
            if case let .email(email) = item.input.person, blocked.contains(email) {
                ids.append(nil)
                suppressed += 1
                continue
            }
            if let eventID = item.input.eventID, let id = idByEvent[eventID] {
                ids.append(id)
                continue
            }
            let personID: UUID = switch item.input.person {
            case let .id(id): id
            case let .email(email): personByEmail[email]!
            }
            let campaign = item.input.campaign.flatMap { campaigns[$0] }
            let touch = Touchpoint(id: TimeOrderedID.make(at: now, using: &generator), eventID: item.input.eventID,
                                   personID: personID, campaignID: campaign?.id, kind: item.input.kind,
                                   side: item.input.side,
                                   channel: item.input.channel ?? campaign?.channel ?? .fieldSales,
                                   occurredAt: item.input.occurredAt)
            if let eventID = item.input.eventID { idByEvent[eventID] = touch.id }
            ids.append(touch.id)
            fresh.append(touch)
        }
        // In person order: each insert appends to the person's journey rollup (M0031), locking that row on PostgreSQL;
        // batches that lock the same people in the same order cannot deadlock.
        fresh.sort { $0.personID < $1.personID }  // UUID order is uuidString order, without formatting one
        try await BulkInsert.insert(fresh, using: RowSpecs.touchpoints, ignoringConflictsOn: "event_id", on: database)
        // A concurrent batch may have stored one of the new event ids first: report the stored id.
        let newEvents = Set(fresh.compactMap(\.eventID))
        let freshIDs = Set(fresh.map(\.id))
        let stored = try await storedEventIDs(newEvents, on: database)
        var lost = 0
        for (index, item) in items.enumerated() {
            if let eventID = item.input.eventID, let id = stored[eventID], id != ids[index],
               !storedBefore.contains(eventID) {
                if let mine = ids[index], freshIDs.contains(mine) { lost += 1 }
                ids[index] = id
            }
        }
        let created = fresh.count - lost
        try await LeadHandoff.recordSalesActions(fresh, on: database)  // a logged call stops the SLA clock
        // May qualify an MQL. A sender's clock a little ahead of ours must not hide its touches until the next pass,
        // and a stored time may read back a millisecond later than it was written (SQLite keeps seconds as REAL).
        let newest = min(fresh.map(\.occurredAt).max() ?? now, now.addingTimeInterval(3_600))
        try await LiveScoring.rescore(Set(fresh.map(\.personID)), now: max(now, newest).addingTimeInterval(1),
                                      on: database)
        return Result(ids: ids, created: created, duplicates: items.count - created - suppressed, suppressed: suppressed)
    }

    static func storedEventIDs(_ eventIDs: Set<String>, on database: any Database) async throws -> [String: UUID] {
        try await IDLookup.ids(in: TouchpointModel.schema, by: "event_id", eventIDs, on: database)
    }

    /// Which of `ids` exist in the model's table.
    public static func existingIDs<M: Model>(_ model: M.Type, _ ids: Set<UUID>, on database: any Database)
        async throws -> Set<UUID> where M.IDValue == UUID {
        try await IDLookup.existing(ids, in: M.schema, on: database)
    }
}

/// Finds the campaigns touchpoints refer to, by id, external id or UTM tags.
public enum CampaignResolver {
    /// A campaign's id and channel.
    public struct Match: Sendable, Hashable {
        public var id: UUID
        public var channel: Channel
    }

    public static func resolve(_ references: [CampaignReference], on database: any Database) async throws
        -> [CampaignReference: Match] {
        var ids = Set<UUID>(), externals = Set<String>(), utmCampaigns = Set<String>()
        for reference in Set(references) {
            switch reference {
            case let .id(id): ids.insert(id)
            case let .externalID(external): externals.insert(external)
            case let .utm(tags): if let campaign = tags.campaign { utmCampaigns.insert(campaign) }
            }
        }
        var rows: [CampaignModel] = []
        if !ids.isEmpty { rows += try await CampaignModel.query(on: database).filter(\.$id ~~ Array(ids)).all() }
        if !externals.isEmpty {
            rows += try await CampaignModel.query(on: database).filter(\.$externalID ~~ Array(externals)).all()
        }
        if !utmCampaigns.isEmpty {
            rows += try await CampaignModel.query(on: database).filter(\.$utmCampaign ~~ Array(utmCampaigns))
                .sort(\.$id).all()
        }
        var result: [CampaignReference: Match] = [:]
        for reference in Set(references) {
            let row = rows.first { row in
                switch reference {
                case let .id(id): row.id == id
                case let .externalID(external): row.externalID == external
                case let .utm(tags):
                    row.utmCampaign == tags.campaign && (tags.source == nil || row.utmSource == tags.source)
                        && (tags.medium == nil || row.utmMedium == tags.medium)
                }
            }
            if let row, let id = row.id, let channel = Channel(rawValue: row.channel) {
                result[reference] = Match(id: id, channel: channel)
            }
        }
        return result
    }

    static func field(of reference: CampaignReference) -> String {
        switch reference {
        case .id: "campaignId"
        case .externalID: "campaignExternalId"
        case .utm: "utm.campaign"
        }
    }

    static func missing(_ reference: CampaignReference) -> String {
        switch reference {
        case let .id(id): "no campaign with id \(id)"
        case let .externalID(external): "no campaign with external id '\(external)'"
        case let .utm(tags): "no campaign with utm_campaign '\(tags.campaign ?? "")'"
        }
    }
}
