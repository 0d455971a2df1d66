import AccordCore

extension PersonModel {
    /// What scoring knows about the person; `account` must be loaded (or nil when there is none).
    public func scoringProfile(account: AccountModel?) -> ScoringProfile {
        ScoringProfile(email: email, title: title, seniority: seniority.flatMap(Seniority.init(rawValue:)),
                       accountName: account?.name, accountDomain: account?.domain, industry: account?.industry,
                       employeeCount: account?.employeeCount, country: account?.country)
    }
}

extension TouchpointModel {
    /// The touch as engagement rules see it; nil for a row with an unknown kind or channel.
    public var scoringTouch: ScoringTouch? {
        guard let kind = TouchpointKind(rawValue: kind), let channel = Channel(rawValue: channel) else { return nil }
        return ScoringTouch(kind: kind, channel: channel, occurredAt: occurredAt)
    }
}
