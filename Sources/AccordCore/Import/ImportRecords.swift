import Foundation

/// A campaign read from a row.
public struct ImportedCampaign: Sendable, Equatable {
    public var accordID: UUID?
    public var externalID: String?
    public var name: String
    public var channel: Channel
    public var supplier: String?
    public var startsAt: Date?
    public var endsAt: Date?
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?
}

/// A campaign member: one touchpoint of a person with a campaign, keyed by an event id so importing it again
/// finds the same touchpoint (a member whose status moved from Registered to Attended updates it).
public struct ImportedMember: Sendable, Equatable {
    /// An `accord:<uuid>` id: the touchpoint itself.
    public var accordID: UUID?
    public var eventID: String
    public var campaign: String
    /// The person by reference, most specific first (contact, then lead), then by email.
    public var people: [String]
    public var email: EmailAddress?
    /// nil: the status is not a touch (such as "Sent" when mapped to null); the row is counted, nothing written.
    public var kind: TouchpointKind?
    public var occurredAt: Date
}

/// An opportunity (Salesforce) or a deal (HubSpot).
public struct ImportedOpportunity: Sendable, Equatable {
    public var accordID: UUID?
    public var externalID: String?
    public var name: String
    public var account: String
    public var amountMinor: Int64
    public var currency: String
    public var stage: String
    public var status: OpportunityStatus
    public var openedAt: Date
    public var closedAt: Date?
    /// People on the deal (HubSpot's associated contacts): each becomes a contact role without a role name.
    public var contacts: [String]
}

/// A person's role on an opportunity.
public struct ImportedContactRole: Sendable, Equatable {
    public var opportunity: String
    public var people: [String]
    public var email: EmailAddress?
    public var role: String?
    public var isPrimary: Bool
}

/// One month's cost of a campaign.
public struct ImportedCost: Sendable, Equatable {
    /// The campaign by reference (`accord:<uuid>` or `<source>:<id>`), else by exact name.
    public var campaign: String?
    public var campaignName: String?
    /// `YYYY-MM`.
    public var month: String
    public var amountMinor: Int64
    public var currency: String
}

/// Amounts as CRMs and spreadsheets write them: `12500`, `12,500.00`, `12.500,00`, `€ 12 500`, `-3.5`. A lone comma
/// followed by exactly three digits is a thousands separator (`12,500`); followed by one or two, a decimal comma.
public enum ImportAmount {
    /// Minor units of `currency` (0, 2 or 3 decimals), or nil when the text is not an amount or has more decimals.
    public static func minor(_ raw: String, currency: String) -> Int64? {
        var text = raw.filter { !$0.isWhitespace && $0 != "\u{00A0}" && $0 != "'" }
        text = String(text.drop { !$0.isNumber && $0 != "-" && $0 != "." && $0 != "," })
        while let last = text.last, !last.isNumber && last != "." && last != "," { text.removeLast() }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }
        let lastDot = text.lastIndex(of: "."), lastComma = text.lastIndex(of: ",")
        let digits = CurrencyCode.minorDigits(currency)
        /// A lone separator is a decimal one unless three digits follow it (in a currency with three decimals, it is).
        func lone(_ separator: Character, _ index: String.Index) -> Character? {
            text.filter { $0 == separator }.count == 1 && (digits == 3 || text.distance(from: index, to: text.endIndex) != 4) ? separator : nil
        }
        let decimal: Character? = switch (lastDot, lastComma) {
        case let (dot?, comma?): dot > comma ? "." : ","
        case let (dot?, nil): lone(".", dot)
        case let (nil, comma?): lone(",", comma)
        case (nil, nil): nil
        }
        let parts = decimal.map { text.split(separator: $0, omittingEmptySubsequences: false) } ?? [Substring(text)]
        guard parts.count <= 2 else { return nil }
        let whole = parts[0].filter(\.isNumber), fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !whole.isEmpty || !fraction.isEmpty, fraction.allSatisfy(\.isNumber), fraction.count <= digits || fraction.dropFirst(digits).allSatisfy({ $0 == "0" }),
              let units = Int64(whole.isEmpty ? "0" : whole) else { return nil }
        let padded = (fraction.prefix(digits) + String(repeating: "0", count: max(0, digits - fraction.count)))
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let (scaled, overflow) = units.multipliedReportingOverflow(by: scale)
        guard !overflow, let minor = Int64(padded.isEmpty ? "0" : String(padded)) else { return nil }
        return (scaled + minor) * (negative ? -1 : 1)
    }
}

extension CurrencyCode {
    /// Decimal places of the currency's minor unit (ISO 4217): 0 for yen and the like, 3 for the dinars, else 2.
    public static func minorDigits(_ code: String) -> Int {
        switch code {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF": 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        default: 2
        }
    }
}

/// Default words for campaign types, member statuses and deal outcomes (overridden by `--mapping`). A value no table
/// knows is a problem with the row, named with the value.
public enum ImportVocabulary {
    /// Salesforce's default campaign Type values, and common words; Accord's channel names read as themselves.
    static let channels: [String: Channel] = [
        "conference": .event, "tradeshow": .event, "event": .event, "webinar": .webinar, "email": .email,
        "advertisement": .paidSocial, "bannerads": .paidSocial, "socialads": .paidSocial, "paidsocial": .paidSocial,
        "searchads": .paidSearch, "paidsearch": .paidSearch, "ppc": .paidSearch, "directmail": .directMail,
        "partners": .partner, "partner": .partner, "referralprogram": .referral, "referral": .referral,
        "publicrelations": .content, "content": .content, "website": .website, "seo": .organicSearch,
        "organicsearch": .organicSearch, "telemarketing": .fieldSales, "fieldsales": .fieldSales,
    ]
    /// Campaign member statuses (Salesforce's defaults Sent and Responded, and the common custom ones).
    static let statuses: [String: TouchpointKind?] = [
        "sent": .sent, "invited": .sent, "opened": .opened, "clicked": .clicked, "responded": .replied, "replied": .replied,
        "visited": .visited, "downloaded": .downloaded, "registered": .registered, "noshow": .registered,
        "attended": .attended, "formsubmitted": .formSubmitted, "meeting": .meeting, "call": .call, "email": .email,
    ]
    /// The salesforce campaign Type `accord export` writes for a channel (one that reads back as the same channel).
    public static func campaignType(_ channel: Channel) -> String {
        switch channel {
        case .event: "Conference"
        case .webinar: "Webinar"
        case .email: "Email"
        case .paidSocial: "Banner Ads"
        case .directMail: "Direct Mail"
        case .partner: "Partners"
        case .referral: "Referral Program"
        case .fieldSales: "Telemarketing"
        default: channel.rawValue
        }
    }

    /// The Salesforce member Status `accord export` writes for a touchpoint kind.
    public static func memberStatus(_ kind: TouchpointKind) -> String {
        switch kind {
        case .replied: "Responded"
        case .formSubmitted: "form_submitted"
        default: kind.rawValue.capitalized
        }
    }
}

extension ImportRowReader {
    func campaign(_ cells: inout RowCells) -> ImportedRecord? {
        let (accordID, externalID) = identity(&cells)
        let name = cells.required(.name)
        let type = cells.fields[.channel]?.value ?? ""
        var channel: Channel?
        if let mapped = mapping.channels[HeaderCatalog.key(type)] ?? ImportVocabulary.channels[HeaderCatalog.key(type)] {
            channel = mapped
        } else if type.isEmpty {
            cells.problem(.channel, "is required (the campaign's channel); map empty types with \"channels\": {\"\": \"event\"} in --mapping")
        } else {
            cells.unknown.append(type)
            cells.problem(.channel, "'\(type)' is not a known campaign type; map it to a channel (\(Channel.allCases.map(\.rawValue).joined(separator: ", "))) under \"channels\" in --mapping")
        }
        let (starts, ends) = (cells.date(.startsAt), cells.date(.endsAt))
        if let starts, let ends, ends < starts { cells.problem(.endsAt, "is before the start date") }
        let campaign = ImportedCampaign(accordID: accordID, externalID: externalID, name: name ?? "", channel: channel ?? .event,
                                        supplier: cells.text(.supplier), startsAt: starts, endsAt: ends,
                                        utmSource: cells.text(.utmSource), utmMedium: cells.text(.utmMedium),
                                        utmCampaign: cells.text(.utmCampaign))
        return channel == nil || name == nil ? nil : .campaign(campaign)
    }

    /// The email column, checked (nil when empty).
    func email(_ cells: inout RowCells) -> EmailAddress? {
        guard let (column, value) = cells.fields[.email] else { return nil }
        do { return try EmailAddress(value) } catch {
            cells.problems.append(FieldError(field: column, problem: error.problem))
            return nil
        }
    }

    /// The people a row names: contact id, then lead id, then email; at least one is required.
    func people(_ cells: inout RowCells) -> ([String], EmailAddress?)? {
        let references = [cells.reference(.contactExternalID), cells.reference(.leadExternalID)].compactMap { $0 }
        let email = email(&cells)
        if references.isEmpty && email == nil && cells.fields[.email] == nil {
            cells.problem(cells.plan.columns.values.contains(.contactExternalID) ? .contactExternalID : .leadExternalID,
                          "is required (a contact id, a lead id or an email names the person)")
            return nil
        }
        return (references, email)
    }

    func member(_ cells: inout RowCells) -> ImportedRecord? {
        let raw = cells.text(.externalID)
        let campaign = cells.reference(.campaignExternalID)
        if campaign == nil { cells.problem(.campaignExternalID, "is required") }
        let people = people(&cells)
        var kind: TouchpointKind??
        if let status = cells.fields[.memberStatus]?.value {
            let key = HeaderCatalog.key(status)
            if let mapped = mapping.statuses[key] ?? ImportVocabulary.statuses[key] {
                kind = .some(mapped)
            } else {
                cells.unknown.append(status)
                cells.problem(.memberStatus, "'\(status)' is not a known member status; map it to a touchpoint kind (or null) under \"statuses\" in --mapping")
            }
        } else if let responded = cells.flag(.responded) {
            kind = .some(responded ? .replied : .sent)
        } else {
            cells.problem(.memberStatus, "is required")
        }
        let occurred = cells.date(.respondedAt) ?? cells.date(.createdAt)
        if occurred == nil && cells.fields[.respondedAt] == nil && cells.fields[.createdAt] == nil {
            cells.problem(.createdAt, "is required (when the person joined or responded)")
        }
        guard let campaign, let (references, email) = people, let kind, let occurred else { return nil }
        let accordID = raw.flatMap(Self.accordID)
        // Without a member id the campaign and the person are the member's identity.
        let eventID = raw.map { Self.externalID($0, plan.source) }
            ?? "\(plan.source.rawValue):member:\(campaign)/\(references.first ?? email!.value)"
        return .member(ImportedMember(accordID: accordID, eventID: eventID, campaign: campaign, people: references, email: email,
                                      kind: kind, occurredAt: occurred))
    }

    func opportunity(_ cells: inout RowCells) -> ImportedRecord? {
        let (accordID, externalID) = identity(&cells)
        let name = cells.required(.name)
        let account = cells.reference(.accountExternalID)
        if account == nil { cells.problem(.accountExternalID, "is required (the deal's account)") }
        let currency = cells.currency()
        let amount = cells.amount(currency) ?? 0
        let stage = cells.text(.dealStage)
        let (closed, won) = (cells.flag(.closed), cells.flag(.won))
        // The mapping's word for the stage, else the flags (Salesforce writes both IsWon and IsClosed), else the
        // stage's name (HubSpot's closedwon / closedlost, "Closed Won"), else open.
        let key = stage.map(HeaderCatalog.key) ?? ""
        let status: OpportunityStatus = if let mapped = mapping.outcomes[key] {
            mapped
        } else if won == true {
            .won
        } else if let closed {
            closed ? .lost : .open
        } else if key.contains("closedwon") || key == "won" {
            .won
        } else if key.contains("closedlost") || key == "lost" {
            .lost
        } else {
            .open
        }
        let opened = cells.date(.createdAt)
        if opened == nil && cells.fields[.createdAt] == nil { cells.problem(.createdAt, "is required (when the deal was created)") }
        var closedAt = cells.date(.closedAt)
        if status == .open {
            closedAt = nil  // an open deal's close date is only expected
        } else if closedAt == nil && cells.fields[.closedAt] == nil {
            cells.problem(.closedAt, "is required for a \(status.rawValue) deal")
        }
        let contacts = (cells.text(.contactIDs, max: 100_000) ?? "").split(whereSeparator: { $0 == ";" || $0 == "," })
            .map { Self.reference(String($0).trimmingWhitespace(), plan.source) }.filter { !$0.hasSuffix(":") }
        guard let name, let account, let currency, let opened else { return nil }
        return .opportunity(ImportedOpportunity(
            accordID: accordID, externalID: externalID, name: name, account: account, amountMinor: amount, currency: currency,
            stage: stage ?? (status == .open ? "Open" : status == .won ? "Closed Won" : "Closed Lost"), status: status,
            openedAt: opened, closedAt: closedAt, contacts: contacts))
    }

    func contactRole(_ cells: inout RowCells) -> ImportedRecord? {
        let opportunity = cells.reference(.opportunityExternalID)
        if opportunity == nil { cells.problem(.opportunityExternalID, "is required") }
        let people = people(&cells)
        let role = cells.text(.role), primary = cells.flag(.primary) ?? false
        guard let opportunity, let (references, email) = people else { return nil }
        return .contactRole(ImportedContactRole(opportunity: opportunity, people: references, email: email, role: role, isPrimary: primary))
    }

    func cost(_ cells: inout RowCells) -> ImportedRecord? {
        let campaign = cells.reference(.campaignExternalID), name = cells.text(.campaignName)
        if campaign == nil && name == nil { cells.problem(.campaignExternalID, "is required (the campaign's id or name)") }
        var month: String?
        if let (column, value) = cells.fields[.month] {
            if CalendarDate.isMonth(value) {
                month = value
            } else if let match = value.wholeMatch(of: /(\d{1,2})[\/.](\d{4})/), let number = Int(match.1), (1...12).contains(number) {
                month = String(format: "%@-%02d", String(match.2), number)
            } else if case let .success(date) = dates.read(value) {
                month = CalendarDate.month(of: date)
            } else {
                cells.problems.append(FieldError(field: column, problem: "'\(value)' is not a month (2025-03, 03/2025 or a date in the month)"))
            }
        } else {
            cells.problem(.month, "is required")
        }
        let currency = cells.currency()
        let amount = cells.amount(currency)
        if amount == nil && cells.fields[.amount] == nil { cells.problem(.amount, "is required") }
        if let amount, amount < 0 { cells.problem(.amount, "must not be negative") }
        guard let month, let currency, let amount, amount >= 0 else { return nil }
        return .cost(ImportedCost(campaign: campaign, campaignName: campaign == nil ? name : nil, month: month, amountMinor: amount,
                                  currency: currency))
    }

    func suppression(_ cells: inout RowCells) -> ImportedRecord? {
        let email = email(&cells), reason = cells.text(.reason, max: 200)
        var domain: String?
        if let (column, value) = cells.fields[.domain] {
            do { domain = try SuppressionInput.domain(value) } catch {
                cells.problems.append(FieldError(field: column, problem: error.problem))
            }
        }
        if cells.fields[.email] == nil && cells.fields[.domain] == nil {
            cells.problem(cells.plan.columns.values.contains(.email) ? .email : .domain, "is required (an email or a domain)")
        }
        guard email != nil || domain != nil else { return nil }
        // A row with both suppresses the address (the domain column of a contact list is not a whole-domain block).
        return .suppression(SuppressionInput(email: email, domain: email == nil ? domain : nil, reason: reason))
    }
}
