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
