import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Finds persons by normalized email and creates the missing ones, matched to an account by email
/// domain. Safe under concurrent requests: the unique email index decides, and the loser reads the
/// winner's row, so a duplicate person can never be created.
public enum PersonDirectory {
    /// The ids of the persons with these emails, creating those that do not exist yet.
    public static func resolve(_ emails: Set<EmailAddress>, createdAt: Date, on database: any Database)
        async throws -> [EmailAddress: UUID] {
        guard !emails.isEmpty else { return [:] }
        var found = try await existing(emails, on: database)
        let missing = emails.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found }
        let accounts = try await AccountMatcher.accounts(forEmails: missing, on: database)
        var generator = SystemRandomNumberGenerator()
        let newPersons = missing.sorted { $0.value < $1.value }.map { email in
            Person(id: TimeOrderedID.make(at: createdAt, using: &generator), email: email.value, firstName: nil,
                   lastName: nil, title: nil, seniority: nil, accountID: accounts[email], createdAt: createdAt)
        }
        try await BulkInsert.insert(newPersons, using: RowSpecs.persons, ignoringConflictsOn: "email", on: database)
        for start in stride(from: 0, to: newPersons.count, by: 1_000) {  // where they came from, for data-quality reports
            let ids = newPersons[start..<min(start + 1_000, newPersons.count)].map(\.id)
            try await PersonModel.query(on: database).filter(\.$id ~~ ids).filter(\.$source == nil)
                .set(\.$source, to: "touchpoints").update()
        }
        // Read back: rows another request created first win, and their ids are returned.
        found.merge(try await existing(missing, on: database)) { $1 }
        return found
    }

    /// The ids of existing persons with these emails.
    public static func existing(_ emails: Set<EmailAddress>, on database: any Database) async throws
        -> [EmailAddress: UUID] {
        let emailByValue = Dictionary(emails.map { ($0.value, $0) }, uniquingKeysWith: { first, _ in first })
        let ids = try await IDLookup.ids(in: PersonModel.schema, by: "email", emailByValue.keys, on: database)
        var result: [EmailAddress: UUID] = [:]
        for (value, id) in ids { if let email = emailByValue[value] { result[email] = id } }
        return result
    }
}

/// Matches email addresses to accounts by web domain: the longest account domain that the email's
/// domain equals or is a subdomain of. Free-mail addresses never match.
public enum AccountMatcher {
    public static func accounts(forEmails emails: Set<EmailAddress>, on database: any Database) async throws
        -> [EmailAddress: UUID] {
        var candidatesByEmail: [EmailAddress: [String]] = [:]
        for email in emails {
            guard let domain = FreeMail.accountDomain(of: email) else { continue }
            candidatesByEmail[email] = EmailAddress.suffixes(of: domain)
        }
        let candidates = Array(Set(candidatesByEmail.values.joined()))
        guard !candidates.isEmpty else { return [:] }
        var accountByDomain: [String: UUID] = [:]
        for start in stride(from: 0, to: candidates.count, by: 1000) {
            let chunk = Array(candidates[start..<min(start + 1000, candidates.count)])
            for account in try await AccountModel.query(on: database).filter(\.$domain ~~ chunk).field(\.$id)
                .field(\.$domain).all() {
                if let domain = account.domain, let id = account.id { accountByDomain[domain] = id }
            }
        }
        var result: [EmailAddress: UUID] = [:]
        for (email, suffixes) in candidatesByEmail {
            if let match = suffixes.lazy.compactMap({ accountByDomain[$0] }).first { result[email] = match }
        }
        return result
    }
}
