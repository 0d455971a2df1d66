import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord token create|list|revoke`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens (Authorization: Bearer <token>).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; prints only the token on standard output (shown once), details on standard error.")

        @ArgumentParser.Option(help: "The user the token acts for.") var user: String
        @ArgumentParser.Option(help: "A name to recognise it by (the integration).") var name: String
        @ArgumentParser.Option(help: "read, write, ingest or admin; repeat for several (default read).")
        var scope: [String] = []
        @ArgumentParser.Option(name: .customLong("expires-in"), help: "Lifetime such as 90d, 12h or 30m, or never.")
        var expiresIn: String = "90d"

        func validate() throws {
            for value in scope where TokenScope(rawValue: value) == nil {
                throw ValidationError("--scope '\(value)' is not one of read, write, ingest, admin")
            }
            guard expiresIn == "never" || Self.seconds(expiresIn) != nil else {
                throw ValidationError("--expires-in must look like 90d, 12h, 30m or never")
            }
        }

        static func seconds(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let amount = Double(text.dropLast()), amount > 0 else { return nil }
            switch unit {
            case "d": return amount * 86_400
            case "h": return amount * 3_600
            case "m": return amount * 60
            default: return nil
            }
        }

        func run() async throws {
            let scopes = scope.isEmpty ? [TokenScope.read] : scope.compactMap(TokenScope.init(rawValue:))
            let expiry = Self.seconds(expiresIn).map { Date().addingTimeInterval($0) }
            try await CommandEnvironment.withStore { store in
                let (secret, token) = try await TokenService.issue(forEmail: user, name: name, scopes: scopes,
                                                                   expiresAt: expiry, on: store.database)
                FileHandle.standardError.write(Data(("Token \(token.id!.uuidString.lowercased()) for \(user), "
                    + "scopes \(token.scopes), " + (expiry.map { "expires \(ISOTimestamp.format($0))" } ?? "never expires")
                    + ". It is shown only now.\n").utf8))
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                for token in try await TokenService.list(on: store.database) {
                    let state = token.revokedAt != nil ? "revoked"
                        : (token.expiresAt.map { $0 <= Date() } == true ? "expired" : "active")
                    print([token.id!.uuidString.lowercased(), token.user.email, token.name, token.scopes, state,
                           token.expiresAt.map(ISOTimestamp.format) ?? "never",
                           token.lastUsedAt.map(ISOTimestamp.format) ?? "unused"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")

        @ArgumentParser.Argument(help: "The token's id (from token list).") var id: String

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                try await TokenService.revoke(id: id, on: store.database)
                print("Revoked token \(id)")
            }
        }
    }
}
