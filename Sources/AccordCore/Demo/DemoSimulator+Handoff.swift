import Foundation

/// A team's calendar and policy, as the simulation applies them.
struct HandoffTerms {
    var calendar: BusinessCalendar
    var policy: SLAPolicy
}

extension DemoSimulator {
    /// Two office calendars with their public holidays, the standard SLA policy, territory rules for both
    /// sales teams and a catch-all, and marketing's monthly MQL targets.
    mutating func makeAgreement(dach: Team, west: Team, start: Date) {
        let years = Set([-400.0, 0, 400].map { CalendarDate.format(asOf.addingTimeInterval($0 * Self.day)).prefix(4) })
        func holidays(_ fixed: [(String, String)]) -> [Holiday] {
            years.sorted().flatMap { year in fixed.map { Holiday(date: "\(year)-\($0.0)", name: $0.1) } }
        }
        let berlin = NamedCalendar(
            id: id(at: start), name: "Berlin office",
            calendar: .officeHours(TimeZone(identifier: "Europe/Berlin")!, holidays: holidays([
                ("01-01", "Neujahr"), ("05-01", "Tag der Arbeit"), ("10-03", "Tag der Deutschen Einheit"),
                ("12-25", "1. Weihnachtstag"), ("12-26", "2. Weihnachtstag"),
            ])), isDefault: true)
        let londonHours = [WorkingHours(start: 8 * 60 + 30, end: 17 * 60 + 30)]
        let london = NamedCalendar(
            id: id(at: start), name: "London office",
            calendar: BusinessCalendar(timeZone: TimeZone(identifier: "Europe/London")!,
                                       week: Array(repeating: londonHours, count: 5) + [[], []],
                                       holidays: holidays([("01-01", "New Year's Day"), ("12-25", "Christmas Day"),
                                                           ("12-26", "Boxing Day")])),
            isDefault: false)
        company.calendars = [berlin, london]
        let standard = NamedSLAPolicy(id: id(at: start), name: "Standard", policy: SLAPolicy(
            responseMinutes: Dictionary(uniqueKeysWithValues: Self.slaHours.map { ($0.key, Int($0.value * 60)) }),
            shelfLifeDays: Int(Self.shelfLifeHours / 24)), isDefault: true)
        company.slaPolicies = [standard]
        for index in company.teams.indices where company.teams[index].side == .sales {
            company.teams[index].calendarID = company.teams[index].id == dach.id ? berlin.id : london.id
            company.teams[index].slaPolicyID = standard.id
        }
        agreements[dach.id] = HandoffTerms(calendar: berlin.calendar, policy: standard.policy)
        agreements[west.id] = HandoffTerms(calendar: london.calendar, policy: standard.policy)
        company.routingRules = [
            RoutingRule(id: id(at: start), name: "DACH", position: 10, teamID: dach.id, countries: ["DE", "AT", "CH"]),
            RoutingRule(id: id(at: start), name: "West", position: 20, teamID: west.id,
                        countries: ["GB", "FR", "NL", "US", "ES", "SE", "IT"]),
            RoutingRule(id: id(at: start), name: "Everything else", position: 30, teamID: west.id),
        ]
        router = Router(rules: company.routingRules, people: company.users.map { user in
            RoutingCandidate(id: user.id, name: user.name, role: user.role, teamID: user.teamID, weight: user.routingWeight)
        }, teamNames: Dictionary(uniqueKeysWithValues: company.teams.map { ($0.id, $0.name) }))
        for offset in -3...1 {
            let month = CalendarDate.month(of: asOf.addingTimeInterval(Double(offset) * 30.5 * Self.day))
            for team in [dach, west] {
                company.mqlTargets.append(MQLTarget(id: id(at: start), teamID: team.id, month: month,
                                                    mqlVolume: count(team.id == dach.id ? 30 : 40), acceptanceRate: 0.7))
            }
        }
    }

    /// Routes a lead the way the server does and starts its SLA clock on the chosen team's calendar.
    mutating func hand(_ lead: inout Lead, account: Account?) {
        let target = account.map { account in
            RoutingTarget(accountName: account.name, accountOwnerID: account.ownerID, country: account.country,
                          industry: account.industry, employeeCount: account.employeeCount)
        } ?? RoutingTarget()
        let decision = router.route(target, states: &company.routingStates)
        lead.ownerID = decision.ownerID ?? reps[0].id
        lead.teamID = decision.teamID
        lead.routingMethod = decision.method
        lead.routingReason = decision.explanation
        let terms = terms(for: decision.teamID)
        lead.qualifiedAt = lead.createdAt
        lead.slaDueAt = terms.policy.dueTime(for: lead.priority, qualifiedAt: lead.createdAt, on: terms.calendar)
        lead.expiresAt = terms.policy.expiry(qualifiedAt: lead.createdAt)
    }

    func terms(for teamID: UUID?) -> HandoffTerms {
        teamID.flatMap { agreements[$0] } ?? agreements.values.first!
    }

    /// Records the owner's first action and its speed.
    func act(on lead: inout Lead, at moment: Date) {
        lead.firstActionAt = moment
        lead.speedToLead = SpeedToLead(qualifiedAt: lead.createdAt, firstActionAt: moment, dueAt: lead.slaDueAt,
                                       calendar: terms(for: lead.teamID).calendar)
    }

    /// The last day's MQLs that nobody has answered yet: a web form each, routed like any other, so the
    /// queue has fresh work (some already overdue) whenever the demo is loaded.
    mutating func makeFreshInflow() {
        let withLead = Set(company.leads.map(\.personID))
        let candidates = company.persons.indices.filter { !withLead.contains(company.persons[$0].id) }
        let websiteCampaigns = campaignsByChannel[.website] ?? []
        for _ in 0..<min(candidates.count, count(14, minimum: 4)) {
            let index = random.pick(candidates)
            let person = company.persons[index]
            guard !company.leads.contains(where: { $0.personID == person.id }) else { continue }
            let account = company.accounts[trueAccount[index]]
            let fit = fit(of: person, at: account)
            let created = asOf.addingTimeInterval(-random.uniform(0.2...30) * Self.hour)
            let campaign = websiteCampaigns.isEmpty ? nil : company.campaigns[random.pick(websiteCampaigns)].id
            company.touchpoints.append(Touchpoint(id: id(at: created), personID: person.id, campaignID: campaign,
                                                  kind: .formSubmitted, side: .marketing, channel: .website,
                                                  occurredAt: created))
            var lead = Lead(id: id(at: created), personID: person.id, accountID: person.accountID, ownerID: nil,
                            campaignID: campaign, lifecycle: LeadLifecycleState(stage: .mql, stageChangedAt: created),
                            priority: [.d, .c, .b, .a][fit.criteria], fitScore: fit.score,
                            engagementScore: Self.mqlThreshold + random.uniform(0...30), slaDueAt: nil, firstActionAt: nil,
                            routingReason: nil, createdAt: created)
            hand(&lead, account: person.accountID == nil ? nil : account)
            company.leads.append(lead)
        }
    }
}
