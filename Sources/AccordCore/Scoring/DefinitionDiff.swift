import Foundation

/// A readable difference between two lead definitions, line by line, for people deciding whether to approve.
public enum DefinitionDiff {
    public struct Line: Sendable, Equatable, Codable {
        public enum Change: String, Sendable, Codable { case added, removed, changed }
        public var change: Change
        /// Where: `fit rule industry`, `engagement half-life`, `MQL minimum fit`.
        public var subject: String
        public var before: String?
        public var after: String?
    }

    public static func between(_ old: LeadDefinition, _ new: LeadDefinition) -> [Line] {
        var lines: [Line] = []
        func compare(_ subject: String, _ before: String, _ after: String) {
            if before != after { lines.append(Line(change: .changed, subject: subject, before: before, after: after)) }
        }
        func rules<Rule>(_ kind: String, _ old: [Rule], _ new: [Rule], id: (Rule) -> String, text: (Rule) -> String) {
            let oldByID = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
            let newByID = Dictionary(new.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
            for rule in old where newByID[id(rule)] == nil {
                lines.append(Line(change: .removed, subject: "\(kind) \(id(rule))", before: text(rule), after: nil))
            }
            for rule in new {
                if let previous = oldByID[id(rule)] {
                    compare("\(kind) \(id(rule))", text(previous), text(rule))
                } else {
                    lines.append(Line(change: .added, subject: "\(kind) \(id(rule))", before: nil, after: text(rule)))
                }
            }
        }
        rules("fit rule", old.fitRules, new.fitRules, id: \.id, text: describe)
        compare("fit grades", "A ≥ \(old.grades.a), B ≥ \(old.grades.b), C ≥ \(old.grades.c)",
                "A ≥ \(new.grades.a), B ≥ \(new.grades.b), C ≥ \(new.grades.c)")
        rules("engagement rule", old.engagementRules, new.engagementRules, id: \.id, text: describe)
        compare("engagement half-life", "\(format(old.halfLifeDays)) days", "\(format(new.halfLifeDays)) days")
        compare("MQL minimum fit", "\(old.minimumFit)", "\(new.minimumFit)")
        compare("MQL minimum engagement", format(old.minimumEngagement), format(new.minimumEngagement))
        func buyingGroup(_ level: LeadDefinition.AccountLevel?) -> String {
            level.map { "account engagement ≥ \(format($0.minimumEngagement)), at most \(format($0.perPersonCap)) per person" }
                ?? "off"
        }
        compare("buying groups", buyingGroup(old.accountLevel), buyingGroup(new.accountLevel))
        for grade in FitGrade.allCases {
            compare("priority of grade \(grade.rawValue)", old.priorityByGrade[grade.rawValue]?.rawValue ?? "-",
                    new.priorityByGrade[grade.rawValue]?.rawValue ?? "-")
        }
        return lines
    }

    static func describe(_ rule: LeadDefinition.FitRule) -> String {
        let value: String = switch rule.value {
        case let .string(text)?: "\"\(text)\""
        case let .integer(number)?: "\(number)"
        case let .number(number)?: format(number)
        case let .array(items)?: "[" + items.map { if case let .string(t) = $0 { t } else { "\($0.double.map(format) ?? "?")" } }
            .joined(separator: ", ") + "]"
        default: ""
        }
        return "\(rule.field.rawValue) \(rule.op.rawValue)\(value.isEmpty ? "" : " " + value): \(rule.points > 0 ? "+" : "")\(rule.points)"
    }

    static func describe(_ rule: LeadDefinition.EngagementRule) -> String {
        "\(rule.kind?.rawValue ?? "any kind") in \(rule.channel?.rawValue ?? "any channel"): \(format(rule.points)) each"
            + (rule.cap.map { ", at most \(format($0))" } ?? "")
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}
