import AccordCore
import FluentKit
import Foundation

/// Writes a demo company into an empty database: batched multi-row inserts in one transaction, so a
/// failed load leaves nothing behind.
public enum DemoWriter {
    /// Progress of a load: which table, and how many of its rows are written.
    public struct Progress: Sendable {
        public var table: String
        public var written: Int
        public var total: Int
        /// Rows written across all tables, and in all.
        public var allWritten: Int
        public var allTotal: Int
    }

    /// Refuses to load into a database that already holds accounts or persons.
    public static func requireEmpty(_ database: any Database) async throws {
        let accounts = try await AccountModel.query(on: database).count()
        let persons = try await PersonModel.query(on: database).count()
        let users = try await UserModel.query(on: database).count()
        if accounts + persons + users > 0 {
            throw AccordError.conflict("The database already holds data (\(accounts) accounts, \(persons) persons, "
                + "\(users) users); the demo loads only into an empty one. Set ACCORD_DB to another file.")
        }
    }

    /// Writes the company; `intoEmpty: false` lets a test add it beside the user it signed in with.
    public static func write(_ company: DemoCompany, to database: any Database, intoEmpty: Bool = true,
                             progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws {
        if intoEmpty { try await requireEmpty(database) }
        let costs = company.campaigns.flatMap { campaign in
            campaign.costs.enumerated().map { index, cost in
                RowSpecs.CostRow(id: derivedID(campaign.id, index), campaignID: campaign.id, cost: cost,
                                 createdAt: campaign.createdAt)
            }
        }
        let total = company.rowCount
        try await database.writeTransaction { database in
            var done = 0
            func step<Record>(_ records: [Record], _ spec: RowSpec<Record>) async throws {
                let before = done
                try await BulkInsert.insert(records, using: spec, on: database) { written in
                    progress(Progress(table: spec.table, written: written, total: records.count,
                                      allWritten: before + written, allTotal: total))
                }
                done += records.count
            }
            try await step(company.calendars, RowSpecs.calendars)
            try await step(company.slaPolicies, RowSpecs.slaPolicies)
            try await step(company.teams, RowSpecs.teams)
            // Managers before the people who report to them (users reference users).
            try await step(company.users.filter { $0.managerID == nil }, RowSpecs.users)
            try await step(company.users.filter { $0.managerID != nil }, RowSpecs.users)
            try await step(company.accounts, RowSpecs.accounts)
            try await step(company.persons, RowSpecs.persons)
            try await step(company.campaigns, RowSpecs.campaigns)
            try await step(costs, RowSpecs.campaignCosts)
            try await M0031_AddJourneyRollups.bulkLoad(on: database) { _ in try await step(company.touchpoints, RowSpecs.touchpoints) }
            try await step(company.opportunities, RowSpecs.opportunities)
            try await step(company.contactRoles, RowSpecs.contactRoles)
            try await step(company.leads, RowSpecs.leads)
            try await LeadDecisions.backfill(on: database)
            try await step(company.routingRules, RowSpecs.routingRules)
            try await step(company.mqlTargets, RowSpecs.mqlTargets)
            let roundRobin = Dictionary(grouping: company.leads.filter { $0.routingMethod == .roundRobin },
                                        by: { $0.teamID }).mapValues(\.count)
            try await step(company.routingStates.map { team, state in
                RowSpecs.PositionRow(teamID: team, state: state, assigned: roundRobin[team] ?? 0)
            }.sorted { $0.teamID < $1.teamID }, RowSpecs.routingPositions)
            try await DataQuality.backfillDemo(on: database)
        }
    }

    /// A stable id for the n-th child of a record (cost rows have no randomness of their own).
    static func derivedID(_ parent: UUID, _ index: Int) -> UUID {
        var bytes = parent.uuid
        bytes.15 = bytes.15 &+ UInt8(truncatingIfNeeded: index + 1)
        bytes.14 = bytes.14 &+ UInt8(truncatingIfNeeded: (index + 1) >> 8)
        bytes.13 ^= 0x5A
        return UUID(uuid: bytes)
    }
}

extension DemoWriter {
    /// The demo's agreed lead definition: the example (docs/lead-definition.md) as version 1, approved by both
    /// sides and active, and everyone's baseline score under it (no leads: the demo's history has them already).
    public static func activateDefinition(at now: Date, on database: any Database) async throws {
        try await database.writeTransaction { database in
            let model = LeadDefinitionModel(version: 1, name: "Fit and engagement (demo)",
                                            body: LeadDefinition.exampleJSON, createdBy: nil)
            model.workflow = DefinitionWorkflow(state: .active, approvals: [.marketing, .sales], rejectionReason: nil)
            model.activatedAt = now
            try await model.create(on: database)
        }
        try await LiveScoring.rescoreAll(now: now, createLeads: false, on: database)
    }
}
