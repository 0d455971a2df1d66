import Foundation

extension DemoCompany {
    /// Every person of the generated company as a backtest replays them: the same subjects the store loads
    /// from the database after `accord demo`, built in memory.
    public func backtestSubjects() -> [BacktestSubject] {
        let accountsByID = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
        let touchesByPerson = Dictionary(grouping: touchpoints, by: \.personID)
        let opportunitiesByID = Dictionary(uniqueKeysWithValues: opportunities.map { ($0.id, $0) })
        var outcomes: [UUID: PersonOutcome] = [:]
        for lead in leads {
            outcomes[lead.personID, default: PersonOutcome()].add(
                lead: lead.lifecycle.stage, recycleReason: lead.lifecycle.recycleReason,
                opportunityID: lead.lifecycle.opportunityID)
        }
        for role in contactRoles {
            guard let opportunity = opportunitiesByID[role.opportunityID] else { continue }
            outcomes[role.personID, default: PersonOutcome()].record(opportunity)
        }
        for lead in leads {
            if let id = lead.lifecycle.opportunityID, let opportunity = opportunitiesByID[id] {
                outcomes[lead.personID, default: PersonOutcome()].record(opportunity)
            }
        }
        return persons.map { person in
            let account = person.accountID.flatMap { accountsByID[$0] }
            return BacktestSubject(
                personID: person.id, accountID: person.accountID,
                profile: ScoringProfile(email: person.email, title: person.title, seniority: person.seniority,
                                        accountName: account?.name, accountDomain: account?.domain,
                                        industry: account?.industry, employeeCount: account?.employeeCount,
                                        country: account?.country),
                touches: (touchesByPerson[person.id] ?? []).map {
                    ScoringTouch(kind: $0.kind, channel: $0.channel, occurredAt: $0.occurredAt)
                },
                outcome: outcomes[person.id] ?? PersonOutcome())
        }
    }
}

extension PersonOutcome {
    /// Folds in a generated opportunity.
    public mutating func record(_ opportunity: Opportunity) {
        record(opportunityID: opportunity.id, won: opportunity.status == .won, amount: opportunity.amount)
    }

    /// Folds in an opportunity the person was part of: an opportunity, and a won deal when it was won.
    public mutating func record(opportunityID: UUID, won: Bool, amount: Money) {
        opportunity = true
        if won, !wonDeals.contains(where: { $0.id == opportunityID }) {
            wonDeals.append(WonDeal(id: opportunityID, amount: amount))
        }
    }
}
