import AccordCore
import FluentKit
import Foundation

/// The demo's contact pressure over the last six weeks, made through the same services as the API: two of the first
/// rep's accounts flagged key; each week three marketing sends to one newsletter audience checked and confirmed (the caps and the quiet periods
/// block some people, protected accounts ask their owners); owners grant most consent requests within hours, deny
/// some with a reason and leave a few unanswered (the newest still waiting, older ones settled by the no-answer
/// policy when the jobs run). Deterministic for a seed.
enum DemoPressure {
    static func write(_ company: DemoCompany, asOf: Date, seed: UInt64, on database: any Database) async throws {
        var random = SeededGenerator(seed: seed ^ 0x9E55_0BE5)
        let sends = company.campaigns.filter { [.email, .webinar, .content].contains($0.channel) }
        guard !sends.isEmpty, !company.persons.isEmpty, let marketer = company.users.first(where: { $0.role == .marketer })
        else { return }
        let actor = AuditActor(userID: marketer.id, label: marketer.email)
        let users = Dictionary(uniqueKeysWithValues: company.users.map { ($0.id, $0) })
        if let rep = company.users.first(where: { $0.role == .rep }) {
            for account in company.accounts.filter({ $0.ownerID == rep.id }).prefix(2) {
                guard let model = try await AccountModel.find(account.id, on: database) else { continue }
                model.keyAccount = true
                try await model.save(on: database)
                try await AuditTrail.record(AuditActor(userID: rep.id, label: rep.email), entity: "account", id: account.id,
                                            action: "account:protect",
                                            changes: ["keyAccount": .init(before: .bool(false), after: .bool(true))],
                                            reason: "Board-level talks this quarter", at: asOf.addingTimeInterval(-45 * 86_400),
                                            on: database)
            }
        }
        let campaigns = try await CampaignModel.query(on: database).filter(\.$id ~~ sends.map(\.id)).all()
        let reasons = ["Renewal talks are delicate this month", "Their CFO asked us to keep mail to a minimum",
                       "We are in the final legal review"]
        // a newsletter audience: the same people written to again and again, as happens
        var pool = company.persons
        pool.shuffle(using: &random)
        pool = Array(pool.prefix(100))
        for week in 0..<6 {
            for slot in 0..<3 {
                let at = asOf.addingTimeInterval(-Double(6 - week) * 7 * 86_400 + Double(slot) * 2 * 86_400 + 10 * 3_600)
                let campaign = campaigns[Int(random.next() % UInt64(campaigns.count))]
                var audience: [PressureTarget] = []
                pool.shuffle(using: &random)
                for person in pool.prefix(75) {
                    audience.append(random.next() % 2 == 0 ? .id(person.id) : (try? EmailAddress(person.email)).map(PressureTarget.email) ?? .id(person.id))
                }
                let outcome = try await PressureChecks.checkInTransaction(campaign: campaign, targets: audience, by: actor,
                                                                          at: at, on: database)
                if let reservation = outcome.reservationID {
                    _ = try await PressureChecks.confirmInTransaction(reservation, by: actor, at: at.addingTimeInterval(300),
                                                                      on: database)
                }
            }
        }
        // the owners answer: most grant within hours, some deny, the newest wait; one older goes unanswered
        let policy = try await PressurePolicyModel.policy(on: database).consent
        let requests = try await ConsentRequestModel.query(on: database).filter(\.$state == ConsentState.pending.rawValue)
            .sort(\.$requestedAt).all()
        for (index, request) in requests.enumerated() where index % 7 != 6 {
            let answeredAt = request.requestedAt.addingTimeInterval(Double(1 + random.next() % 20) * 3_600)
            guard answeredAt < asOf, answeredAt < request.dueAt, let ownerID = request.ownerID, let owner = users[ownerID]
            else { continue }
            let deny = index % 5 == 4
            try await Consents.answer(request, deny ? .deny : .grant, reason: deny ? reasons[index % reasons.count]
                                        : "Fine: nothing sensitive in this campaign", by: AuditActor(userID: owner.id, label: owner.email),
                                      policy: policy, at: answeredAt, on: database)
        }
    }
}
