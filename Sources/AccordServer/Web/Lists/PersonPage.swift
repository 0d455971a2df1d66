import AccordCore
import AccordStore
import FluentKit
import Foundation
import Vapor

/// `GET /persons/{personId}`: a person, their recent touchpoints, and why they score what they score under
/// the active lead definition.
struct PersonPage: RouteCollection {
    struct Touch: Encodable {
        var when: String
        var kind: String
        var channel: String
    }

    struct Page: Encodable {
        var shell: Shell
        var email: String
        var name: String
        var title: String
        var account: String
        var definition: String?
        var fit: Int
        var grade: String
        var engagement: String
        var isMQL: Bool
        var fitRules: [ScoreExplanation.FitContribution]
        var engagementRules: [Contribution]
        var touches: [Touch]
    }

    struct Contribution: Encodable {
        var ruleID: String
        var touches: Int
        var points: String
        var capped: Bool
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("persons", ":personId", use: Self.render).webPage().requires(.read, .persons)
    }

    @Sendable static func render(_ request: Request) async throws -> View {
        let raw = request.parameters.get("personId") ?? ""
        guard let id = UUID(uuidString: raw),
              let person = try await PersonModel.query(on: request.db).filter(\.$id == id)
                .scoped(request.rowScope, by: .account(column: "account_id")).with(\.$account).first() else {
            throw AccordError.notFound(entity: "person", id: raw)
        }
        let touches = try await TouchpointModel.query(on: request.db).filter(\.$person.$id == id)
            .sort(\.$occurredAt, .descending).all()
        let account = person.account
        let active = try await DefinitionService.active(on: request.db)
        let score = active?.1.score(person.scoringProfile(account: account),
                                    touches: touches.compactMap(\.scoringTouch), asOf: Date())
        return try await request.view.render("person", Page(
            shell: Shell(title: person.email, request: request), email: person.email,
            name: [person.firstName, person.lastName].compactMap { $0 }.joined(separator: " "),
            title: person.title ?? "", account: account?.name ?? "no account (free-mail address or unmatched)",
            definition: active.map { "version \($0.0.version), \($0.0.name)" }, fit: score?.fit ?? 0,
            grade: score?.grade.rawValue ?? "-", engagement: String(format: "%.1f", score?.engagement ?? 0),
            isMQL: score?.isMQL ?? false, fitRules: score?.fitRules ?? [],
            engagementRules: (score?.engagementRules ?? []).map { (rule: ScoreExplanation.EngagementContribution) in
                Contribution(ruleID: rule.ruleID, touches: rule.touches, points: String(format: "%.1f", rule.points),
                             capped: rule.capped)
            },
            touches: touches.prefix(20).map {
                Touch(when: ISOTimestamp.format($0.occurredAt), kind: $0.kind, channel: $0.channel)
            }))
    }
}
