import AccordCore
import FluentKit
import Foundation

/// Time to decision for requests (submission to marketing's accept or decline) and for reviews (the reviewer asked
/// for the current version to their decision), decided in a period: overall, by the person who decided and by their
/// team, nearest-rank median and 90th percentile in hours, and how many reviews cleared by silence.
public enum Turnarounds {
    public struct Group: Sendable, Equatable {
        public var name: String
        public var figures: Turnaround
    }

    public struct Figures: Sendable, Equatable {
        public var overall: Turnaround
        public var byPerson: [Group]
        public var byTeam: [Group]
    }

    public struct Report: Sendable, Equatable {
        public var from: Date
        public var to: Date
        public var requests: Figures
        public var reviews: Figures
    }

    struct Decision {
        var user: UUID?
        var label: String
        var seconds: Double
        var silent: Bool
    }

    public static func report(from: Date, to: Date, on database: any Database) async throws -> Report {
        let requests = try await RequestModel.query(on: database).filter(\.$decidedAt >= from).filter(\.$decidedAt < to).all()
            .compactMap { row -> Decision? in
                guard let decided = row.decidedAt else { return nil }
                return Decision(user: row.decidedByID, label: row.decidedByLabel ?? "unknown",
                                seconds: max(0, decided.timeIntervalSince(row.submittedAt)), silent: false)
            }
        let reviews = try await AssetReviewModel.query(on: database).filter(\.$decidedAt >= from).filter(\.$decidedAt < to).all()
            .compactMap { row -> Decision? in
                guard let decided = row.decidedAt else { return nil }
                return Decision(user: row.$reviewer.id, label: "", seconds: max(0, decided.timeIntervalSince(row.requestedAt)),
                                silent: row.reviewState == .approvedOnSilence)
            }
        let ids = Set((requests + reviews).compactMap(\.user))
        var users: [UUID: UserModel] = [:]
        for user in try await UserModel.query(on: database).filter(\.$id ~~ Array(ids)).all() { users[user.id!] = user }
        var teams: [UUID: String] = [:]
        for team in try await TeamModel.query(on: database).all() { teams[team.id!] = team.name }
        func figures(_ decisions: [Decision]) -> Figures {
            func turnaround(_ group: [Decision]) -> Turnaround {
                Turnaround(seconds: group.map(\.seconds), silent: group.filter(\.silent).count)
            }
            let person = Dictionary(grouping: decisions) { decision in
                decision.user.flatMap { users[$0]?.name } ?? decision.label
            }
            let team = Dictionary(grouping: decisions) { decision in
                decision.user.flatMap { users[$0]?.$team.id }.flatMap { teams[$0] } ?? "no team"
            }
            func groups(_ grouped: [String: [Decision]]) -> [Group] {
                grouped.map { Group(name: $0.key, figures: turnaround($0.value)) }
                    .sorted { ($0.figures.count, $1.name) > ($1.figures.count, $0.name) }
            }
            return Figures(overall: turnaround(decisions), byPerson: groups(person), byTeam: groups(team))
        }
        return Report(from: from, to: to, requests: figures(requests), reviews: figures(reviews))
    }
}
