import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import FluentKit
import Foundation

/// `accord privacy export|erase|suppress`: data-subject requests and the suppression list from the command line
/// (the same code as `/api/v1/persons/{id}/export|erase` and `/api/v1/suppressions`).
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "A person's data export and erasure, and the suppression list.",
        subcommands: [Export.self, Erase.self, Suppress.self])

    /// A person by email or id.
    static func person(_ reference: String, on database: any Database) async throws -> PersonModel {
        if let id = UUID(uuidString: reference), let person = try await PersonModel.find(id, on: database) { return person }
        let email: EmailAddress
        do { email = try EmailAddress(reference) } catch {
            throw BadInput(description: "--person must be an email address or a person id, not '\(reference)'")
        }
        guard let person = try await PersonModel.query(on: database).filter(\.$email == email.value).first() else {
            throw BadInput(description: "no person \(email.value)")
        }
        return person
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything Accord holds about one person, as JSON.")
        @ArgumentParser.Option(help: "The person's email or id.") var person: String
        @ArgumentParser.Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                let found = try await PrivacyCommand.person(person, on: store.database)
                let export = try await PersonPrivacy.export(found.id!, on: store.database)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                let data = try encoder.encode(export)
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: data) else { throw BadInput(description: "cannot write \(output)") }
                } else {
                    FileHandle.standardOutput.write(data + Data("\n".utf8))
                }
                try await AuditTrail.record(AuditActor(userID: nil, label: "accord privacy export"), entity: "person", id: found.id!,
                                            action: "export", changes: [:], reason: "data export for a privacy request", on: store.database)
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person: their data deleted, the audit trail about them pseudonymised, their address suppressed.")
        @ArgumentParser.Option(help: "The person's email or id.") var person: String
        @ArgumentParser.Option(help: "Why (recorded in the audit trail), such as the request's reference.") var reason: String

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).count < 3 { throw ValidationError("--reason must say why, in at least 3 characters") }
        }

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                let found = try await PrivacyCommand.person(person, on: store.database)
                let erasure = try await store.database.writeTransaction { database in
                    try await PersonPrivacy.erase(found.id!, reason: reason, by: AuditActor(userID: nil, label: "accord privacy erase"),
                                                  on: database)
                }
                print("Erased: \(erasure.leads) lead(s), \(erasure.touchpoints) touchpoint(s), \(erasure.contactRoles) contact role(s) deleted; "
                      + "\(erasure.auditEventsPseudonymised) audit event(s) kept under pseudonym \(erasure.pseudonym.uuidString.lowercased()); "
                      + "the address is on the suppression list")
            }
        }
    }

    struct Suppress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put an address or a domain on the suppression list (for a file: accord import FILE --object suppressions).")
        @ArgumentParser.Option(help: "An email address.") var email: String?
        @ArgumentParser.Option(help: "A domain (and its subdomains).") var domain: String?
        @ArgumentParser.Option(help: "Why.") var reason: String?

        func run() async throws {
            var body: [String: JSONValue] = [:]
            if let email { body["email"] = .string(email) }
            if let domain { body["domain"] = .string(domain) }
            if let reason { body["reason"] = .string(reason) }
            let input = try SuppressionInput.read(.object(body))
            try await CommandEnvironment.withStore { store in
                let added = try await store.database.writeTransaction { database in
                    try await Suppressions.add([input], source: .api, by: "accord privacy suppress", on: database)[0]
                }
                print(added.created ? "Suppressed \(added.entry.hint ?? added.entry.value)" : "Already suppressed: \(added.entry.hint ?? added.entry.value)")
            }
        }
    }
}
