import Foundation

/// What a line of a lead's story is about.
public enum StoryKind: String, Vocabulary {
    case touchpoint, score, stage, routing, sla, notification, feedback, objection, dispute, change
}

/// One line of a lead's story: when, what, who and why.
public struct StoryEntry: Sendable, Hashable {
    public var at: Date
    public var kind: StoryKind
    public var title: String
    public var detail: String?
    /// Who did it (a person's name, `system`, or a client), when someone did.
    public var actor: String?

    public init(at: Date, kind: StoryKind, title: String, detail: String? = nil, actor: String? = nil) {
        self.at = at
        self.kind = kind
        self.title = title
        self.detail = detail
        self.actor = actor
    }
}

/// A lead's whole story, assembled from its parts: touchpoints, score changes, routing, SLA steps, notifications,
/// feedback, disputes and stage changes.
public enum LeadStory {
    /// The entries in time order; entries at the same instant keep the order they were given in (so a
    /// touchpoint comes before the score change it caused).
    public static func assemble(_ entries: [StoryEntry]) -> [StoryEntry] {
        entries.enumerated().sorted { lhs, rhs in
            lhs.element.at == rhs.element.at ? lhs.offset < rhs.offset : lhs.element.at < rhs.element.at
        }.map(\.element)
    }

    /// The score changes of a person, replayed touch by touch under `definition` up to `until`: one entry per
    /// instant at which a scoring touch changed the engagement, naming the rules that fired and the points
    /// each added, and saying when the person crossed the MQL threshold. The first entry also states the fit
    /// and the fit rules that fired. Replaying is exact: the same pure scorer as live scoring, on the same
    /// touches; decay between touches shows in each step's starting value.
    public static func scoreChanges(definition: LeadDefinition, version: Int, profile: ScoringProfile, touches: [ScoringTouch],
                                    until: Date) -> [StoryEntry] {
        let scorer = LeadScorer(definition)
        let sorted = touches.filter { $0.occurredAt <= until }.sorted { $0.occurredAt < $1.occurredAt }
        let rules = definition.engagementRules
        var entries: [StoryEntry] = []
        var wasMQL = false
        var index = 0
        while index < sorted.count {
            let at = sorted[index].occurredAt
            var fired: [String: Int] = [:]
            while index < sorted.count && sorted[index].occurredAt == at {
                let touch = sorted[index]
                if let rule = rules.first(where: { ($0.kind == nil || $0.kind == touch.kind)
                    && ($0.channel == nil || $0.channel == touch.channel) }) {
                    fired[rule.id, default: 0] += 1
                }
                index += 1
            }
            guard !fired.isEmpty else { continue }
            let before = scorer.score(profile, touches: sorted, asOf: at.addingTimeInterval(-0.001))
            let after = scorer.score(profile, touches: sorted, asOf: at)
            var parts: [String] = []
            for rule in rules where fired[rule.id] != nil {
                let old = before.engagementRules.first { $0.ruleID == rule.id }?.points ?? 0
                let new = after.engagementRules.first { $0.ruleID == rule.id }
                let added = (new?.points ?? 0) - old
                let times = fired[rule.id]! > 1 ? " ×\(fired[rule.id]!)" : ""
                parts.append("\(rule.id)\(times) \(signed(added))\(new?.capped == true ? " (at its cap of \(points(rule.cap ?? 0)))" : "")")
            }
            if entries.isEmpty {
                let fitRules = after.fitRules.map { "\($0.ruleID) \($0.points >= 0 ? "+" : "")\($0.points)" }
                parts.append("fit \(after.fit) (grade \(after.grade.rawValue))"
                             + (fitRules.isEmpty ? "" : ": " + fitRules.joined(separator: ", ")))
            }
            var title = "Engagement \(points(before.engagement)) → \(points(after.engagement))"
            if after.isMQL && !wasMQL {
                title += ": crossed the MQL threshold (fit \(after.fit) ≥ \(definition.minimumFit), engagement "
                    + "\(points(after.engagement)) ≥ \(points(definition.minimumEngagement)))"
            }
            wasMQL = after.isMQL
            entries.append(StoryEntry(at: at, kind: .score, title: title,
                                      detail: "Definition v\(version): " + parts.joined(separator: "; ")))
        }
        return entries
    }

    static func points(_ value: Double) -> String { String(format: "%.1f", value) }

    static func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + points(value) }
}
