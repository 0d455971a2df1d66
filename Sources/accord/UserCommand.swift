import AccordCore
import AccordServer
import AccordStore
import ArgumentParser
import Foundation

/// `accord user add|list|deactivate`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the people who sign in to Accord.",
        subcommands: [Add.self, List.self, Deactivate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input (a fresh install's first admin too).")

        @ArgumentParser.Option(help: "Email address to sign in with.") var email: String
        @ArgumentParser.Option(help: "The person's name.") var name: String
        @ArgumentParser.Option(help: "rep, sales_manager, marketer, marketing_manager or admin.") var role: String
        @ArgumentParser.Option(help: "Team name (created when missing).") var team: String?
        @ArgumentParser.Option(help: "The manager's email.") var manager: String?
        @ArgumentParser.Flag(help: "Read the password from standard input (required).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        }

        func run() async throws {
            let password = (readLine(strippingNewline: true) ?? "")
            try await CommandEnvironment.withStore { store in
                let user = try await UserDirectory.add(email: email, name: name, role: role, team: team,
                                                       manager: manager, password: password, on: store.database)
                print("Added \(user.email) (\(user.role)), id \(user.id!.uuidString.lowercased())")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with role, team and state.")

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                for user in try await UserDirectory.list(on: store.database) {
                    let state = user.isActive ? (user.isAway ? "away" : "active") : "deactivated"
                    print([user.email, user.role, user.team?.name ?? "-", state].joined(separator: "\t"))
                }
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a user, revoke their tokens, and optionally hand their open leads and accounts on.")

        @ArgumentParser.Argument(help: "The user's email.") var email: String
        @ArgumentParser.Option(name: .customLong("reassign-to"), help: "Who takes over their open leads and accounts.")
        var reassignTo: String?

        func run() async throws {
            try await CommandEnvironment.withStore { store in
                let moved = try await UserDirectory.deactivate(email: email, reassignTo: reassignTo, on: store.database)
                print("Deactivated \(email)" + (reassignTo.map {
                    "; \(moved.leads) open leads and \(moved.accounts) accounts now belong to \($0)"
                } ?? ""))
            }
        }
    }
}
