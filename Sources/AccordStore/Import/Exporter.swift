import AccordCore
import FluentKit
import Foundation

/// Reads persons and accounts for `accord export` a thousand at a time in id order (memory stays flat), with each
/// person's account and the stage of their latest lead.
public enum Exporter {
    public static let pageSize = 1_000

    public static func persons(on database: any Database, _ body: ([ExportPerson]) throws -> Void) async throws {
        var after: UUID?
        while true {
            var query = PersonModel.query(on: database).sort(\.$id).limit(pageSize)
            if let after { query = query.filter(\.$id > after) }
            let page = try await query.all()
            guard let last = page.last else { return }
            after = last.id
            let accountIDs = Array(Set(page.compactMap { $0.$account.id }))
            var accounts: [UUID: AccountModel] = [:]
            if !accountIDs.isEmpty {
                for account in try await AccountModel.query(on: database).filter(\.$id ~~ accountIDs).all() { accounts[account.id!] = account }
            }
            var stages: [UUID: LeadStage] = [:]
            for lead in try await LeadModel.query(on: database).filter(\.$person.$id ~~ page.compactMap(\.id)).sort(\.$createdAt)
                .sort(\.$id).all() {
                stages[lead.$person.id] = LeadStage(rawValue: lead.stage)
            }
            try body(page.map { person in
                let account = person.$account.id.flatMap { accounts[$0] }
                return ExportPerson(id: person.id!, email: person.email, firstName: person.firstName, lastName: person.lastName,
                                    title: person.title, externalID: person.externalID, optedOut: person.optedOut, source: person.source,
                                    accountID: person.$account.id, accountExternalID: account?.externalID, accountName: account?.name,
                                    stage: stages[person.id!], createdAt: person.createdAt)
            })
        }
    }

    public static func accounts(on database: any Database, _ body: ([ExportAccount]) throws -> Void) async throws {
        var after: UUID?
        while true {
            var query = AccountModel.query(on: database).sort(\.$id).limit(pageSize)
            if let after { query = query.filter(\.$id > after) }
            let page = try await query.all()
            guard let last = page.last else { return }
            after = last.id
            try body(page.map {
                ExportAccount(id: $0.id!, name: $0.name, domain: $0.domain, industry: $0.industry, employees: $0.employeeCount,
                              country: $0.country, externalID: $0.externalID, createdAt: $0.createdAt)
            })
        }
    }
}

extension Exporter {
    /// Every row of `entity` in `format`'s columns (`ExportTable`), a page at a time: what `accord export` writes.
    public static func rows(_ entity: ExportEntity, _ format: ExportFormat, on database: any Database,
                            _ body: ([String]) throws -> Void) async throws {
        switch entity {
        case .persons, .contacts, .leads:
            try await persons(on: database) { page in
                for person in page where ExportTable.includes(person, entity, format) { try body(ExportTable.cells(person, entity, format)) }
            }
        case .accounts, .companies:
            try await accounts(on: database) { page in for account in page { try body(ExportTable.cells(account, format)) } }
        case .campaigns:
            try await pages(CampaignModel.self, on: database) { page in
                page.map { campaign in
                    ExportTable.cells(ExportCampaign(
                        ref: ExportReference(id: campaign.id!, externalID: campaign.externalID), name: campaign.name,
                        channel: Channel(rawValue: campaign.channel) ?? .event, supplier: campaign.supplier, startsAt: campaign.startsAt,
                        endsAt: campaign.endsAt, utm: UTMTags(source: campaign.utmSource, medium: campaign.utmMedium, campaign: campaign.utmCampaign),
                        createdAt: campaign.createdAt), format)
                }
            } emit: { try body($0) }
        case .campaignMembers:
            try await pages(TouchpointModel.self, filter: { $0.filter(\.$campaign.$id != nil) }, on: database) { page in
                let campaigns = try await references(CampaignModel.self, page.compactMap { $0.$campaign.id }, on: database)
                var people: [UUID: (ExportReference, String)] = [:]
                for person in try await PersonModel.query(on: database).filter(\.$id ~~ Array(Set(page.map { $0.$person.id }))).all() {
                    people[person.id!] = (ExportReference(id: person.id!, externalID: person.externalID), person.email)
                }
                return page.compactMap { touch in
                    guard let campaign = touch.$campaign.id.flatMap({ campaigns[$0] }), let (person, email) = people[touch.$person.id] else { return nil }
                    return ExportTable.cells(ExportMember(id: touch.id!, eventID: touch.eventID, campaign: campaign, person: person, email: email,
                                                          kind: TouchpointKind(rawValue: touch.kind) ?? .visited, side: Side(rawValue: touch.side) ?? .marketing,
                                                          channel: Channel(rawValue: touch.channel) ?? .event, occurredAt: touch.occurredAt), format)
                }
            } emit: { try body($0) }
        case .opportunities, .deals:
            try await pages(OpportunityModel.self, on: database) { page in
                let accounts = try await references(AccountModel.self, page.map { $0.$account.id }, on: database)
                var contacts: [UUID: [UUID]] = [:]
                if format == .hubspot {
                    for role in try await ContactRoleModel.query(on: database).filter(\.$opportunity.$id ~~ page.compactMap(\.id)).sort(\.$id).all() {
                        contacts[role.$opportunity.id, default: []].append(role.$person.id)
                    }
                }
                let people = try await references(PersonModel.self, Array(contacts.values.joined()), on: database)
                return page.compactMap { deal in
                    guard let account = accounts[deal.$account.id] else { return nil }
                    return ExportTable.cells(ExportOpportunity(
                        ref: ExportReference(id: deal.id!, externalID: deal.externalID), account: account, name: deal.name,
                        amount: Money(amountMinor: deal.amountMinor, currency: deal.currency), stage: deal.stage,
                        status: OpportunityStatus(rawValue: deal.status) ?? .open, openedAt: deal.openedAt, closedAt: deal.closedAt,
                        contacts: (contacts[deal.id!] ?? []).compactMap { people[$0] }), format)
                }
            } emit: { try body($0) }
        case .contactRoles:
            try await pages(ContactRoleModel.self, on: database) { page in
                let deals = try await references(OpportunityModel.self, page.map { $0.$opportunity.id }, on: database)
                let people = try await references(PersonModel.self, page.map { $0.$person.id }, on: database)
                return page.compactMap { role in
                    guard let deal = deals[role.$opportunity.id], let person = people[role.$person.id] else { return nil }
                    return ExportTable.cells(ExportContactRole(id: role.id!, opportunity: deal, person: person, role: role.role,
                                                               isPrimary: role.isPrimary), format)
                }
            } emit: { try body($0) }
        case .campaignCosts:
            try await pages(CampaignCostModel.self, on: database) { page in
                let campaigns = try await references(CampaignModel.self, page.map { $0.$campaign.id }, on: database)
                return page.compactMap { cost in
                    campaigns[cost.$campaign.id].map {
                        ExportTable.cells(ExportCost(campaign: $0, month: cost.month,
                                                     amount: Money(amountMinor: cost.amountMinor, currency: cost.currency)), format)
                    }
                }
            } emit: { try body($0) }
        }
    }

    /// A model's rows a page at a time in id order: `cells` turns a page into rows (reading what it names), `emit`
    /// writes them.
    static func pages<M: Model>(_ type: M.Type, filter: (QueryBuilder<M>) -> QueryBuilder<M> = { $0 }, on database: any Database,
                                cells: ([M]) async throws -> [[String]], emit: ([String]) throws -> Void) async throws where M.IDValue == UUID {
        var after: UUID?
        while true {
            var query = filter(M.query(on: database)).sort(\M._$id).limit(pageSize)
            if let after { query = query.filter(\M._$id > after) }
            let page = try await query.all()
            guard let last = page.last else { return }
            after = last.id
            for row in try await cells(page) { try emit(row) }
        }
    }

    /// Accord ids and external ids of the records `ids` name.
    static func references<M: Model & ExternallyIdentified>(_ type: M.Type, _ ids: [UUID], on database: any Database)
        async throws -> [UUID: ExportReference] where M.IDValue == UUID {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var found: [UUID: ExportReference] = [:]
        for start in stride(from: 0, to: unique.count, by: pageSize) {
            for model in try await M.query(on: database).filter(\M._$id ~~ Array(unique[start..<min(start + pageSize, unique.count)])).all() {
                found[model.id!] = ExportReference(id: model.id!, externalID: model.externalID)
            }
        }
        return found
    }
}

/// Models that carry a CRM's id.
protocol ExternallyIdentified: AnyObject {
    var externalID: String? { get set }
}

extension PersonModel: ExternallyIdentified {}
extension AccountModel: ExternallyIdentified {}
extension CampaignModel: ExternallyIdentified {}
extension OpportunityModel: ExternallyIdentified {}
