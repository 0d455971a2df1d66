import Foundation

extension DemoSimulator {
    static let engagementPoints: [TouchpointKind: Double] = [
        .sent: 0, .opened: 1, .clicked: 3, .visited: 1, .downloaded: 8, .registered: 5, .attended: 15,
        .formSubmitted: 20, .replied: 10, .call: 0, .email: 0, .meeting: 0,
    ]
    static let mqlThreshold = 60.0
    static let touchesPerChannelMean = 3.9

    static func kinds(for channel: Channel) -> [(TouchpointKind, Double)] {
        switch channel {
        case .event, .webinar: [(.registered, 1), (.attended, 1.2)]
        case .email: [(.opened, 3), (.clicked, 1.2)]
        case .paidSearch, .paidSocial: [(.clicked, 2), (.visited, 1)]
        case .content: [(.downloaded, 1), (.visited, 1)]
        case .website: [(.visited, 4), (.formSubmitted, 0.4)]
        case .organicSearch: [(.visited, 1)]
        case .partner: [(.registered, 1), (.visited, 1), (.replied, 0.3)]
        case .directMail: [(.replied, 0.3), (.visited, 1)]
        case .referral, .fieldSales: [(.visited, 1)]
        }
    }

    static func window(_ phase: DemoTruth.Phase) -> ClosedRange<Double> {
        switch phase {
        case .early: 0.0...0.45
        case .middle: 0.3...0.75
        case .late: 0.7...1.0
        }
    }

    /// Whether a person meets the hidden good-fit rule, and how many of its three parts they meet.
    func fit(of person: Person, at account: Account) -> (good: Bool, criteria: Int, score: Int) {
        let industry = Self.fitRule.industries.contains(account.industry ?? "")
        let size = (Self.fitRule.minimumEmployees...Self.fitRule.maximumEmployees).contains(account.employeeCount ?? 0)
        let seniority = person.seniority.map(Self.fitRule.seniorities.contains) ?? false
        let criteria = [industry, size, seniority].filter { $0 }.count
        return (criteria == 3, criteria, (industry ? 30 : 0) + (size ? 30 : 0) + (seniority ? 40 : 0))
    }

    mutating func simulateJourney(of index: Int) {
        let person = company.persons[index]
        let account = company.accounts[trueAccount[index]]
        let fit = fit(of: person, at: account)

        // The journey: which channels, how many touches, in phase order.
        let present = Self.channelTruth.filter { random.chance($0.presence) }
        guard !present.isEmpty else { return }
        let span = random.uniform(15...150) * Self.day
        // Some journeys run up to the as-of day, so a few leads are still waiting for an answer.
        let latestStart = asOf.addingTimeInterval(-span)
        let start = latestStart.addingTimeInterval(-random.uniform(0...(365 * Self.day - span)))
        var journey: [Touchpoint] = []
        for truth in present {
            for _ in 0..<(1 + random.poisson(Self.touchesPerChannelMean)) {
                let time = start.addingTimeInterval(span * random.uniform(Self.window(truth.phase)))
                let campaign = campaign(for: truth.channel, at: time)
                journey.append(Touchpoint(id: id(at: time), personID: person.id, campaignID: campaign,
                                          kind: random.weighted(Self.kinds(for: truth.channel)), side: .marketing,
                                          channel: truth.channel, occurredAt: time))
            }
        }
        journey.sort { $0.occurredAt < $1.occurredAt }
        company.touchpoints.append(contentsOf: journey)

        // The MQL: when engagement crosses the threshold.
        var points = 0.0
        guard let crossing = journey.firstIndex(where: { touch in
            points += Self.engagementPoints[touch.kind] ?? 0
            return points >= Self.mqlThreshold
        }) else { return }
        let qualifying = journey[crossing]
        let lastMarketingTouch = journey.last!.occurredAt
        let conversion = company.truth.baseConversion
        let journeyChance = 1 - (1 - conversion) * present.reduce(1.0) { $0 * (1 - $1.lift) }
        simulateLead(person: person, account: account, fit: fit, qualifiedBy: qualifying, engagement: points,
                     journeyChance: journeyChance, lastMarketingTouch: lastMarketingTouch, personIndex: index)
    }

    mutating func campaign(for channel: Channel, at time: Date) -> UUID? {
        guard let indices = campaignsByChannel[channel], !indices.isEmpty else { return nil }
        let active = indices.filter { index in
            let campaign = company.campaigns[index]
            return (campaign.startsAt ?? .distantPast) <= time && time <= (campaign.endsAt ?? .distantFuture)
        }
        return company.campaigns[random.pick(active.isEmpty ? indices : active)].id
    }

    // MARK: The lead's life

    mutating func simulateLead(person: Person, account: Account, fit: (good: Bool, criteria: Int, score: Int),
                               qualifiedBy touch: Touchpoint, engagement: Double, journeyChance: Double,
                               lastMarketingTouch: Date, personIndex: Int) {
        let created = touch.occurredAt
        let priority: LeadPriority = [.d, .c, .b, .a][fit.criteria]
        var lead = Lead(id: id(at: created), personID: person.id, accountID: person.accountID, ownerID: nil,
                        campaignID: touch.campaignID,
                        lifecycle: LeadLifecycleState(stage: .mql, stageChangedAt: created), priority: priority,
                        fitScore: fit.score, engagementScore: engagement, slaDueAt: nil, firstActionAt: nil,
                        routingReason: nil, createdAt: created)
        hand(&lead, account: person.accountID == nil ? nil : account)
        let owner = lead.ownerID!
        defer { company.leads.append(lead) }
        let lifecycle = LeadLifecycle()

        let delayHours = random.logNormal(median: repSpeed[owner] ?? 1, sigma: 0.9)
        let actedAt = created.addingTimeInterval(delayHours * Self.hour)
        let expiresAt = lead.expiresAt!
        if actedAt > expiresAt || actedAt > asOf {
            if expiresAt <= asOf { lead.lifecycle = try! lifecycle.apply(.expire, to: lead.lifecycle, at: expiresAt) }
            return
        }
        act(on: &lead, at: actedAt)
        let late = actedAt > lead.slaDueAt!

        let rejection = fit.good ? company.truth.goodFitRejectionProbability : company.truth.poorFitRejectionProbability
        if random.chance(rejection) {
            let reason = fit.good
                ? random.weighted([("bad_timing", 0.35), ("no_need", 0.25), ("duplicate", 0.15), ("competitor", 0.15),
                                   ("no_budget", 0.1)])
                : random.weighted([("not_target_profile", 0.45), ("no_budget", 0.2), ("no_authority", 0.1),
                                   ("student_or_job_seeker", 0.1), ("contact_data_wrong", 0.1), ("spam", 0.05)])
            lead.lifecycle = try! lifecycle.apply(.reject(reason: reason, note: nil), to: lead.lifecycle, at: actedAt)
            return
        }
        lead.lifecycle = try! lifecycle.apply(.accept, to: lead.lifecycle, at: actedAt)
        addSalesTouches(for: person, from: actedAt)

        let fitFactor = fit.good ? company.truth.goodFitConversionFactor : company.truth.poorFitConversionFactor
        let chance = min(1, journeyChance * fitFactor * (late ? company.truth.lateConversionFactor : 1) * 1.6)
        let qualifiedAt = actedAt.addingTimeInterval(random.uniform(1...7) * Self.day)
        guard qualifiedAt <= asOf else { return }
        if random.chance(chance) {
            lead.lifecycle = try! lifecycle.apply(.qualifyForSales, to: lead.lifecycle, at: qualifiedAt)
            let openedAt = max(lastMarketingTouch, qualifiedAt).addingTimeInterval(random.uniform(2...20) * Self.day)
            guard openedAt <= asOf else { return }
            let opportunity = makeOpportunity(for: person, at: account, owner: owner, good: fit.good, openedAt: openedAt,
                                              personIndex: personIndex)
            lead.lifecycle = try! lifecycle.apply(.convert(opportunityID: opportunity.id), to: lead.lifecycle, at: openedAt)
            switch opportunity.status {
            case .won: lead.lifecycle = try! lifecycle.apply(.win, to: lead.lifecycle, at: opportunity.closedAt!)
            case .lost: lead.lifecycle = try! lifecycle.apply(.lose(reason: "lost to competitor"), to: lead.lifecycle,
                                                              at: opportunity.closedAt!)
            case .open: break
            }
        } else {
            let reason = random.weighted([("no_need", 0.4), ("bad_timing", 0.35), ("no_budget", 0.25)])
            if random.chance(0.4) {
                lead.lifecycle = try! lifecycle.apply(.qualifyForSales, to: lead.lifecycle, at: qualifiedAt)
            }
            let droppedAt = qualifiedAt.addingTimeInterval(random.uniform(5...40) * Self.day)
            guard droppedAt <= asOf else { return }
            lead.lifecycle = try! lifecycle.apply(.disqualify(reason: reason, note: nil), to: lead.lifecycle, at: droppedAt)
        }
    }

    mutating func addSalesTouches(for person: Person, from start: Date) {
        var time = start.addingTimeInterval(random.uniform(0.05...0.5) * Self.hour)
        var kind = TouchpointKind.call
        for _ in 0..<(1 + random.poisson(2)) where time <= asOf {
            company.touchpoints.append(Touchpoint(id: id(at: time), personID: person.id, campaignID: nil, kind: kind,
                                                  side: .sales, channel: .fieldSales, occurredAt: time))
            time = time.addingTimeInterval(random.uniform(1...10) * Self.day)
            kind = random.weighted([(.call, 2), (.email, 2), (.meeting, 1)])
        }
    }

    mutating func makeOpportunity(for person: Person, at account: Account, owner: UUID, good: Bool, openedAt: Date,
                                  personIndex: Int) -> Opportunity {
        let employees = Double(account.employeeCount ?? 100)
        let euros = random.logNormal(median: 18_000 * pow(employees / 300, 0.4), sigma: 0.6)
        let closedAt = openedAt.addingTimeInterval(random.uniform(20...120) * Self.day)
        let closed = closedAt <= asOf
        let won = random.chance(good ? 0.45 : 0.25)
        let status: OpportunityStatus = closed ? (won ? .won : .lost) : .open
        let stage = switch status {
        case .won: "Closed Won"
        case .lost: "Closed Lost"
        case .open: random.pick(["Discovery", "Proposal", "Negotiation"])
        }
        let opportunity = Opportunity(
            id: id(at: openedAt), accountID: account.id,
            name: "\(account.name) – \(random.pick(["Platform", "Analytics", "Expansion", "Pilot", "Renewal"]))",
            amount: Money(amountMinor: Int64((euros / 100).rounded()) * 10_000, currency: "EUR"), stage: stage,
            status: status, ownerID: owner, openedAt: openedAt, closedAt: closed ? closedAt : nil)
        company.opportunities.append(opportunity)
        let primaryRole = [Seniority.cLevel, .vp].contains(person.seniority ?? .individual) ? "decision_maker" : "champion"
        company.contactRoles.append(ContactRole(id: id(at: openedAt), opportunityID: opportunity.id, personID: person.id,
                                                role: primaryRole, isPrimary: true))
        let colleagues = (personsByAccount[trueAccount[personIndex]] ?? []).filter {
            $0 != personIndex && company.persons[$0].accountID != nil
        }
        for colleague in colleagues.prefix(random.poisson(1.0)) {
            company.contactRoles.append(ContactRole(id: id(at: openedAt), opportunityID: opportunity.id,
                                                    personID: company.persons[colleague].id,
                                                    role: random.pick(["influencer", "evaluator", "user"]),
                                                    isPrimary: false))
        }
        return opportunity
    }

    // MARK: Truth

    mutating func finishTruth() {
        let personsByID = Dictionary(uniqueKeysWithValues: company.persons.enumerated().map { ($1.id, $0) })
        func isGoodFit(_ personIndex: Int) -> Bool {
            fit(of: company.persons[personIndex], at: company.accounts[trueAccount[personIndex]]).good
        }
        let goodLeads = company.leads.filter { isGoodFit(personsByID[$0.personID]!) }.count
        let goodPersons = company.persons.indices.filter(isGoodFit).count
        company.truth.goodFitShareOfLeads = company.leads.isEmpty ? 0 : Double(goodLeads) / Double(company.leads.count)
        company.truth.goodFitShareOfPersons = Double(goodPersons) / Double(max(1, company.persons.count))
        company.truth.counts = [
            "teams": company.teams.count, "users": company.users.count, "accounts": company.accounts.count,
            "persons": company.persons.count, "campaigns": company.campaigns.count,
            "campaignCosts": company.campaigns.reduce(0) { $0 + $1.costs.count },
            "touchpoints": company.touchpoints.count, "leads": company.leads.count,
            "opportunities": company.opportunities.count, "contactRoles": company.contactRoles.count,
            "wonOpportunities": company.opportunities.filter { $0.status == .won }.count,
        ]
    }
}
