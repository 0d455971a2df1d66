import Foundation

/// One person of an account, as account-level qualification sees them.
public struct BuyingGroupMember: Sendable, Equatable {
    public var personID: UUID
    public var fit: Int
    public var engagement: Double

    public init(personID: UUID, fit: Int, engagement: Double) {
        self.personID = personID
        self.fit = fit
        self.engagement = engagement
    }
}

/// An account that qualifies as a buying group: the lead goes to `leadPersonID`, the others are listed on it.
public struct BuyingGroupQualification: Sendable, Equatable {
    public var engagement: Double
    public var leadPersonID: UUID
    /// The other engaged people, most engaged first.
    public var others: [UUID]
}

extension LeadScorer {
    /// The account's engagement: the sum over its people, each adding at most the definition's per-person cap;
    /// nil when the definition does not qualify accounts.
    public func accountEngagement(_ members: [BuyingGroupMember]) -> Double? {
        guard let level = definition.accountLevel else { return nil }
        return members.reduce(0) { $0 + min(max($1.engagement, 0), level.perPersonCap) }
    }

    /// Whether the account qualifies as a buying group, and for whom: the most engaged person whose fit meets the
    /// definition's minimum (ties broken by id, so the answer is the same on every run). An account with
    /// enough engagement but nobody who fits does not qualify.
    public func buyingGroup(_ members: [BuyingGroupMember]) -> BuyingGroupQualification? {
        guard let level = definition.accountLevel, let total = accountEngagement(members),
              total >= level.minimumEngagement else { return nil }
        let engaged = members.filter { $0.engagement > 0 }.sorted {
            $0.engagement != $1.engagement ? $0.engagement > $1.engagement : $0.personID < $1.personID
        }
        guard let lead = engaged.first(where: { $0.fit >= definition.minimumFit }) else { return nil }
        return BuyingGroupQualification(engagement: total, leadPersonID: lead.personID,
                                        others: engaged.map(\.personID).filter { $0 != lead.personID })
    }
}
