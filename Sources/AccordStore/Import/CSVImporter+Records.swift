import AccordCore
import FluentKit
import Foundation

/// Campaigns, campaign members, opportunities, contact roles and monthly costs: each matched on its id (an
/// `accord:<uuid>` or the CRM's), written only where a value differs, so importing the same file again changes
/// nothing. Records a row names (a campaign, a person, an account, a deal) must exist: the row is rejected with
/// the file to import first.
extension CSVImporter.Run {
    /// Sets a field when the value differs; says whether it did.
    func set<T: Equatable>(_ current: inout T, _ value: T) -> Bool {
        guard current != value else { return false }
        current = value
        return true
    }

    /// Dates compare to the millisecond (SQLite keeps them as seconds in a REAL).
    func set(_ current: inout Date, _ value: Date) -> Bool {
        guard abs(current.timeIntervalSince(value)) >= 0.001 else { return false }
        current = value
        return true
    }

    func set(_ current: inout Date?, _ value: Date?) -> Bool {
        switch (current, value) {
        case (nil, nil): return false
        case var (now?, new?):
            guard set(&now, new) else { return false }
            current = now
            return true
        default:
            current = value
            return true
        }
    }

    /// Gives a record the row's CRM id when it has none, writes it when new or changed, counts it, and remembers it
    /// for later rows of the chunk.
    func store<M: Model & ExternallyIdentified>(_ model: M, found: Bool, changed: Bool, externalID: String?,
                                                byID: inout [UUID: M], byExternal: inout [String: M],
                                                on database: any Database) async throws where M.IDValue == UUID {
        var changed = changed
        if model.externalID == nil, let externalID {
            model.externalID = externalID
            changed = true
        }
        if !found { try await model.create(on: database) } else if changed { try await model.update(on: database) }
        count(existing: found, changed: changed)
        byID[model.id!] = model
        if let external = model.externalID { byExternal[external] = model }
    }

    /// Models named by `accord:<uuid>` (their id) or by their external id.
    func existing<M: Model>(_ type: M.Type, accordIDs: [UUID], externalIDs: [String], externalID: KeyPath<M, OptionalFieldProperty<M, String>>,
                            on database: any Database) async throws -> (byID: [UUID: M], byExternal: [String: M]) where M.IDValue == UUID {
        var byID: [UUID: M] = [:], byExternal: [String: M] = [:]
        if !accordIDs.isEmpty {
            for model in try await M.query(on: database).filter(\M._$id ~~ accordIDs).all() { byID[model.id!] = model }
        }
        if !externalIDs.isEmpty {
            for model in try await M.query(on: database).filter(externalID ~~ externalIDs).all() {
                if let key = model[keyPath: externalID].value ?? nil { byExternal[key] = model }
            }
        }
        return (byID, byExternal)
    }

    func writeCampaigns(_ campaigns: [ImportedCampaign], on database: any Database) async throws {
        var (byID, byExternal) = try await existing(CampaignModel.self, accordIDs: campaigns.compactMap(\.accordID),
                                                    externalIDs: campaigns.compactMap(\.externalID), externalID: \.$externalID, on: database)
        for campaign in campaigns {
            let found = campaign.accordID.flatMap { byID[$0] } ?? campaign.externalID.flatMap { byExternal[$0] }
            let model = found ?? CampaignModel(id: campaign.accordID, name: campaign.name, channel: campaign.channel.rawValue)
            var changed = set(&model.name, campaign.name)
            changed = set(&model.channel, campaign.channel.rawValue) || changed
            changed = assign(&model.supplier, campaign.supplier) || changed
            changed = (campaign.startsAt != nil && set(&model.startsAt, campaign.startsAt)) || changed
            changed = (campaign.endsAt != nil && set(&model.endsAt, campaign.endsAt)) || changed
            changed = assign(&model.utmSource, campaign.utmSource) || changed
            changed = assign(&model.utmMedium, campaign.utmMedium) || changed
            changed = assign(&model.utmCampaign, campaign.utmCampaign) || changed
            try await store(model, found: found != nil, changed: changed, externalID: campaign.externalID, byID: &byID,
                            byExternal: &byExternal, on: database)
        }
    }

    /// Campaign models by the references rows use.
    func campaigns(_ references: some Sequence<String>, on database: any Database) async throws -> [String: CampaignModel] {
        let ids = try await ImportReferences.resolve(references, in: CampaignModel.schema, on: database)
        guard !ids.isEmpty else { return [:] }
        var models: [UUID: CampaignModel] = [:]
        for model in try await CampaignModel.query(on: database).filter(\.$id ~~ Array(Set(ids.values))).all() { models[model.id!] = model }
        return ids.compactMapValues { models[$0] }
    }

    /// The people rows name, by reference and by email.
    func people(_ references: some Sequence<String>, emails: some Sequence<EmailAddress>, on database: any Database)
        async throws -> (byReference: [String: UUID], byEmail: [EmailAddress: UUID]) {
        (try await ImportReferences.resolve(references, in: PersonModel.schema, on: database),
         try await PersonDirectory.existing(Set(emails), on: database))
    }

    /// The column that names a row's person (contact id, lead id or email, whichever the file has).
    var personColumn: ImportField {
        [ImportField.contactExternalID, .leadExternalID, .email].first { reader.plan.columns.values.contains($0) } ?? .email
    }

    func writeMembers(_ rows: [(row: Row, member: ImportedMember)], on database: any Database) async throws {
        let campaigns = try await campaigns(rows.map(\.member.campaign), on: database)
        let (byReference, byEmail) = try await people(rows.flatMap(\.member.people), emails: rows.compactMap(\.member.email),
                                                      on: database)
        var byEvent: [String: TouchpointModel] = [:], byID: [UUID: TouchpointModel] = [:]
        let ids = rows.compactMap(\.member.accordID)
        if !ids.isEmpty {
            for model in try await TouchpointModel.query(on: database).filter(\.$id ~~ ids).all() { byID[model.id!] = model }
        }
        for model in try await TouchpointModel.query(on: database).filter(\.$eventID ~~ rows.map(\.member.eventID)).all() {
            byEvent[model.eventID!] = model
        }
        var fresh: [String: Touchpoint] = [:]  // by event id: a member named twice in the file is written once, the later row winning
        var touched = Set<UUID>()
        var moved: [UUID: TouchpointModel] = [:]  // changed members' touchpoints: one multi-row update after the loop
        for (row, member) in rows where !failed {
            guard let campaign = campaigns[member.campaign] else {
                missing(row, .campaignExternalID, member.campaign, "campaign")
                continue
            }
            guard let person = ImportReferences.person(member.people, email: member.email, byReference: byReference, byEmail: byEmail) else {
                missing(row, personColumn, member.people.first ?? member.email?.value ?? "", "person")
                continue
            }
            guard let kind = member.kind else {
                report.skipped += 1
                continue
            }
            let channel = Channel(rawValue: campaign.channel) ?? .event
            let key = member.accordID.map { "accord:" + $0.uuidString } ?? member.eventID
            if let model = member.accordID.flatMap({ byID[$0] }) ?? byEvent[member.eventID] {
                var changed = set(&model.kind, kind.rawValue)
                changed = set(&model.occurredAt, member.occurredAt) || changed
                changed = set(&model.$person.id, person) || changed
                changed = set(&model.$campaign.id, campaign.id) || changed
                changed = set(&model.channel, channel.rawValue) || changed
                if changed {
                    moved[model.id!] = model
                    touched.insert(person)
                }
                count(existing: true, changed: changed)
            } else {
                if fresh[key] == nil { report.created += 1 } else { report.unchanged += 1 }
                fresh[key] = Touchpoint(id: member.accordID ?? TimeOrderedID.make(), eventID: member.accordID == nil ? member.eventID : nil,
                                        personID: person, campaignID: campaign.id, kind: kind, side: .marketing, channel: channel,
                                        occurredAt: member.occurredAt)
                touched.insert(person)
            }
        }
        guard !failed else { return }
        // In person order, as ingestion does (each insert appends to the person's journey rollup).
        let sorted = fresh.values.sorted { $0.personID < $1.personID }
        try await BulkInsert.insert(sorted, using: RowSpecs.touchpoints, ignoringConflictsOn: "event_id", on: database)
        try await BulkUpdate.update(TouchpointModel.schema, columns: ["kind", "occurred_at", "person_id", "campaign_id", "channel"],
                                    rows: moved.values.map { touch in
            [.uuid(touch.id), .text(touch.kind), .date(touch.occurredAt), .uuid(touch.$person.id), .uuid(touch.$campaign.id),
             .text(touch.channel)]
        }, on: database)
        // New touches count toward the people's scores as any arriving touch does (and may qualify them).
        try await LiveScoring.rescore(touched, now: now, on: database)
    }

    func writeOpportunities(_ rows: [(row: Row, deal: ImportedOpportunity)], on database: any Database) async throws {
        let accounts = try await ImportReferences.resolve(rows.map(\.deal.account), in: AccountModel.schema, on: database)
        let people = try await ImportReferences.resolve(rows.flatMap(\.deal.contacts), in: PersonModel.schema, on: database)
        var (byID, byExternal) = try await existing(OpportunityModel.self, accordIDs: rows.compactMap(\.deal.accordID),
                                                    externalIDs: rows.compactMap(\.deal.externalID), externalID: \.$externalID, on: database)
        var roles: [(UUID, UUID)] = []
        for (row, deal) in rows where !failed {
            guard let account = accounts[deal.account] else {
                missing(row, .accountExternalID, deal.account, "account")
                continue
            }
            if let unknown = deal.contacts.first(where: { people[$0] == nil }) {
                missing(row, .contactIDs, unknown, "contact")
                continue
            }
            let found = deal.accordID.flatMap { byID[$0] } ?? deal.externalID.flatMap { byExternal[$0] }
            let model = found ?? OpportunityModel(id: deal.accordID, accountID: account, name: deal.name, amountMinor: deal.amountMinor,
                                                  currency: deal.currency, stage: deal.stage, status: deal.status.rawValue,
                                                  openedAt: deal.openedAt, closedAt: deal.closedAt)
            var changed = set(&model.name, deal.name)
            changed = set(&model.$account.id, account) || changed
            changed = set(&model.amountMinor, deal.amountMinor) || changed
            changed = set(&model.currency, deal.currency) || changed
            changed = set(&model.stage, deal.stage) || changed
            changed = set(&model.status, deal.status.rawValue) || changed
            changed = set(&model.openedAt, deal.openedAt) || changed
            changed = set(&model.closedAt, deal.closedAt) || changed
            try await store(model, found: found != nil, changed: changed, externalID: deal.externalID, byID: &byID,
                            byExternal: &byExternal, on: database)
            roles += deal.contacts.compactMap { people[$0] }.map { (model.id!, $0) }
        }
        guard !failed, !roles.isEmpty else { return }
        // A deal's associated contacts (HubSpot) become contact roles without a role name; existing roles are kept.
        var present = Set<String>()
        for role in try await ContactRoleModel.query(on: database).filter(\.$opportunity.$id ~~ Array(Set(roles.map(\.0)))).all() {
            present.insert("\(role.$opportunity.id)/\(role.$person.id)")
        }
        for (opportunity, person) in roles where present.insert("\(opportunity)/\(person)").inserted {
            try await ContactRoleModel(opportunityID: opportunity, personID: person).create(on: database)
        }
    }

    func writeContactRoles(_ rows: [(row: Row, role: ImportedContactRole)], on database: any Database) async throws {
        let deals = try await ImportReferences.resolve(rows.map(\.role.opportunity), in: OpportunityModel.schema, on: database)
        let (byReference, byEmail) = try await people(rows.flatMap(\.role.people), emails: rows.compactMap(\.role.email), on: database)
        var existing: [String: ContactRoleModel] = [:]
        let dealIDs = Array(Set(deals.values))
        if !dealIDs.isEmpty {
            for role in try await ContactRoleModel.query(on: database).filter(\.$opportunity.$id ~~ dealIDs).all() {
                existing["\(role.$opportunity.id)/\(role.$person.id)"] = role
            }
        }
        for (row, role) in rows where !failed {
            guard let deal = deals[role.opportunity] else {
                missing(row, .opportunityExternalID, role.opportunity, "opportunity")
                continue
            }
            guard let person = ImportReferences.person(role.people, email: role.email, byReference: byReference, byEmail: byEmail) else {
                missing(row, personColumn, role.people.first ?? role.email?.value ?? "", "person")
                continue
            }
            let key = "\(deal)/\(person)"
            let found = existing[key]
            let model = found ?? ContactRoleModel(opportunityID: deal, personID: person, role: role.role, isPrimary: role.isPrimary)
            var changed = assign(&model.role, role.role)
            changed = set(&model.isPrimary, role.isPrimary) || changed
            if found == nil { try await model.create(on: database) } else if changed { try await model.update(on: database) }
            count(existing: found != nil, changed: changed)
            existing[key] = model
        }
    }

    func writeCosts(_ rows: [(row: Row, cost: ImportedCost)], on database: any Database) async throws {
        let campaigns = try await ImportReferences.resolve(rows.compactMap(\.cost.campaign), in: CampaignModel.schema, on: database)
        var byName: [String: [UUID]] = [:]
        let names = Array(Set(rows.compactMap(\.cost.campaignName)))
        if !names.isEmpty {
            for model in try await CampaignModel.query(on: database).filter(\.$name ~~ names).all() { byName[model.name, default: []].append(model.id!) }
        }
        var existing: [String: CampaignCostModel] = [:]
        let ids = Array(Set(campaigns.values).union(byName.values.joined()))
        if !ids.isEmpty {
            for cost in try await CampaignCostModel.query(on: database).filter(\.$campaign.$id ~~ ids).all() {
                existing["\(cost.$campaign.id)/\(cost.month)"] = cost
            }
        }
        for (row, cost) in rows where !failed {
            let campaign: UUID
            if let reference = cost.campaign {
                guard let id = campaigns[reference] else {
                    missing(row, .campaignExternalID, reference, "campaign")
                    continue
                }
                campaign = id
            } else {
                let name = cost.campaignName ?? ""
                let matches = byName[name] ?? []
                guard matches.count == 1 else {
                    reject(row.number, row.fields, [FieldError(field: reader.plan.column(.campaignName), problem: matches.isEmpty
                            ? "no campaign is named '\(name)'; import the campaigns file first"
                            : "\(matches.count) campaigns are named '\(name)'; name the campaign by its id")])
                    continue
                }
                campaign = matches[0]
            }
            let key = "\(campaign)/\(cost.month)"
            let found = existing[key]
            let model = found ?? CampaignCostModel(campaignID: campaign, month: cost.month, amountMinor: cost.amountMinor, currency: cost.currency)
            var changed = set(&model.amountMinor, cost.amountMinor)
            changed = set(&model.currency, cost.currency) || changed
            if found == nil { try await model.create(on: database) } else if changed { try await model.update(on: database) }
            count(existing: found != nil, changed: changed)
            existing[key] = model
        }
    }
}
