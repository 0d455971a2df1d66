import Foundation

/// Scores people against one lead definition: pure and deterministic, with every fired rule explained.
/// Build it once per definition (rules are compiled) and score many people with it.
public struct LeadScorer: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
    public let definition: LeadDefinition
    private let matchers: [Matcher]

    /// A fit rule compiled for fast evaluation.
    enum Matcher {
        case equals(ScoringField, String)
        case oneOf(ScoringField, Set<String>)
        case contains(ScoringField, String)
        case matches(ScoringField, NSRegularExpression)
        case atLeast(ScoringField, Double)
        case atMost(ScoringField, Double)
        case between(ScoringField, Double, Double)
        case exists(ScoringField)
    }

    public init(_ definition: LeadDefinition) {
        self.definition = definition
        matchers = definition.fitRules.map(Self.compile)
    }

    static func compile(_ rule: LeadDefinition.FitRule) -> Matcher {
        func text(_ value: JSONValue?) -> String {
            switch value {
            case let .string(text)?: text.lowercased()
            case let .integer(number)?: String(number)
            case let .number(number)?: String(number)
            default: ""
            }
        }
        let field = rule.field
        switch rule.op {
        case .equals: return .equals(field, text(rule.value))
        case .in:
            if case let .array(items)? = rule.value { return .oneOf(field, Set(items.map { text($0) })) }
            return .oneOf(field, [])
        case .contains: return .contains(field, text(rule.value))
        case .matches:
            if case let .string(pattern)? = rule.value,
               let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
                return .matches(field, regex)
            }
            return .exists(field)
        case .gte: return .atLeast(field, rule.value?.double ?? .infinity)
        case .lte: return .atMost(field, rule.value?.double ?? -.infinity)
        case .between:
            if case let .array(items)? = rule.value, items.count == 2 {
                return .between(field, items[0].double ?? .infinity, items[1].double ?? -.infinity)
            }
            return .between(field, .infinity, -.infinity)
        case .exists: return .exists(field)
        }
    }

    /// Whether a compiled rule holds for a profile.
    static func holds(_ matcher: Matcher, _ profile: ScoringProfile) -> Bool {
        func number(_ field: ScoringField) -> Double? {
            field == .accountEmployeeCount ? profile.employeeCount.map(Double.init) : nil
        }
        switch matcher {
        case let .equals(field, value): return profile.text(field) == value
        case let .oneOf(field, values): return profile.text(field).map(values.contains) ?? false
        case let .contains(field, value): return profile.text(field)?.contains(value) ?? false
        case let .matches(field, regex):
            guard let text = profile.text(field) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        case let .atLeast(field, bound): return number(field).map { $0 >= bound } ?? false
        case let .atMost(field, bound): return number(field).map { $0 <= bound } ?? false
        case let .between(field, low, high): return number(field).map { $0 >= low && $0 <= high } ?? false
        case let .exists(field): return profile.text(field).map { !$0.isEmpty } ?? false
        }
    }

    /// Fit points and the rules that fired.
    public func fit(_ profile: ScoringProfile) -> (points: Int, fired: [ScoreExplanation.FitContribution]) {
        var points = 0
        var fired: [ScoreExplanation.FitContribution] = []
        for (rule, matcher) in zip(definition.fitRules, matchers) where Self.holds(matcher, profile) {
            points += rule.points
            fired.append(.init(ruleID: rule.id, description: rule.description, points: rule.points))
        }
        return (points, fired)
    }

    /// The grade fit points earn.
    public func grade(_ points: Int) -> FitGrade {
        let grades = definition.grades
        return points >= grades.a ? .a : points >= grades.b ? .b : points >= grades.c ? .c : .d
    }

    /// Engagement as of a time: each touch counts for the first rule that matches it, halved every
    /// `halfLifeDays`; touches after `asOf` do not count; a rule adds at most its cap.
    public func engagement(_ touches: [ScoringTouch], asOf: Date)
        -> (points: Double, contributions: [ScoreExplanation.EngagementContribution]) {
        let rules = definition.engagementRules
        var sums = [Double](repeating: 0, count: rules.count)
        var counts = [Int](repeating: 0, count: rules.count)
        let decayPerSecond = log(2) / (definition.halfLifeDays * 86_400)
        for touch in touches where touch.occurredAt <= asOf {
            guard let index = rules.firstIndex(where: { rule in
                (rule.kind == nil || rule.kind == touch.kind) && (rule.channel == nil || rule.channel == touch.channel)
            }) else { continue }
            sums[index] += rules[index].points * exp(-decayPerSecond * asOf.timeIntervalSince(touch.occurredAt))
            counts[index] += 1
        }
        var total = 0.0
        var contributions: [ScoreExplanation.EngagementContribution] = []
        for (index, rule) in rules.enumerated() where counts[index] > 0 {
            let capped = rule.cap.map { sums[index] > $0 } ?? false
            let points = capped ? rule.cap! : sums[index]
            total += points
            contributions.append(.init(ruleID: rule.id, touches: counts[index], points: points, capped: capped))
        }
        return (total, contributions)
    }

    /// The whole score of a person as of a time, explained.
    public func score(_ profile: ScoringProfile, touches: [ScoringTouch], asOf: Date) -> ScoreExplanation {
        let fit = fit(profile)
        let engagement = engagement(touches, asOf: asOf)
        let grade = grade(fit.points)
        return ScoreExplanation(
            fit: fit.points, grade: grade, engagement: engagement.points,
            isMQL: fit.points >= definition.minimumFit && engagement.points >= definition.minimumEngagement,
            priority: definition.priorityByGrade[grade.rawValue] ?? .d, fitRules: fit.fired,
            engagementRules: engagement.contributions)
    }
}
