import Foundation

extension LeadDefinition {
    /// Reads and checks a definition, reporting every problem by JSON path: unknown fields, operators that
    /// do not apply to a field's type, values of the wrong shape, invalid patterns, and thresholds that can
    /// never be met.
    public static func parse(_ json: JSONValue) throws(AccordError) -> LeadDefinition {
        var reader = FieldReader(json)
        var report = ValidationReport()

        var fitRules: [FitRule] = []
        var grades = Grades(a: 80, b: 60, c: 30)
        if let fit = reader.raw("fit") {
            var fitReader = FieldReader(fit, prefix: "fit")
            fitRules = readFitRules(fitReader.raw("rules"), report: &report)
            if let raw = fitReader.raw("grades") {
                var gradeReader = FieldReader(raw, prefix: "fit.grades")
                let a = gradeReader.integer("A", required: true).value, b = gradeReader.integer("B", required: true).value
                let c = gradeReader.integer("C", required: true).value
                gradeReader.rejectUnknownFields(entity: "grades")
                report.merge(gradeReader.report, prefix: "")
                if let a, let b, let c {
                    grades = Grades(a: Int(a), b: Int(b), c: Int(c))
                    if !(a >= b && b >= c) { report.add("fit.grades", "must not rise from A to C (A ≥ B ≥ C)") }
                }
            }
            fitReader.rejectUnknownFields(entity: "fit")
            report.merge(fitReader.report, prefix: "")
        } else {
            report.add("fit", "is required")
        }

        var engagementRules: [EngagementRule] = []
        var halfLife = 30.0
        if let engagement = reader.raw("engagement") {
            var engagementReader = FieldReader(engagement, prefix: "engagement")
            halfLife = engagementReader.number("halfLifeDays", required: true, in: 0.5...3650).value ?? halfLife
            engagementRules = readEngagementRules(engagementReader.raw("rules"), report: &report)
            engagementReader.rejectUnknownFields(entity: "engagement")
            report.merge(engagementReader.report, prefix: "")
        } else {
            report.add("engagement", "is required")
        }

        var minimumFit = 0, minimumEngagement = 0.0
        var priorities: [String: LeadPriority] = ["A": .a, "B": .b, "C": .c, "D": .d]
        var accountLevel: AccountLevel?
        if let mql = reader.raw("mql") {
            var mqlReader = FieldReader(mql, prefix: "mql")
            minimumFit = Int(mqlReader.integer("minimumFit", required: true, in: -100_000...100_000).value ?? 0)
            minimumEngagement = mqlReader.number("minimumEngagement", required: true, in: 0...1_000_000).value ?? 0
            if let raw = mqlReader.raw("priorityByGrade") {
                var priorityReader = FieldReader(raw, prefix: "mql.priorityByGrade")
                for grade in FitGrade.allCases {
                    if let priority = priorityReader.vocabulary(grade.rawValue, LeadPriority.self, required: true).value {
                        priorities[grade.rawValue] = priority
                    }
                }
                priorityReader.rejectUnknownFields(entity: "priorityByGrade")
                report.merge(priorityReader.report, prefix: "")
            }
            if let raw = mqlReader.raw("account") {
                var accountReader = FieldReader(raw, prefix: "mql.account")
                let minimum = accountReader.number("minimumEngagement", required: true, in: 0...1_000_000).value
                let cap = accountReader.number("perPersonCap", required: true, in: 0.000_001...1_000_000).value
                accountReader.rejectUnknownFields(entity: "account level")
                report.merge(accountReader.report, prefix: "")
                if let minimum, let cap { accountLevel = AccountLevel(minimumEngagement: minimum, perPersonCap: cap) }
            }
            mqlReader.rejectUnknownFields(entity: "mql")
            report.merge(mqlReader.report, prefix: "")
        } else {
            report.add("mql", "is required")
        }
        reader.rejectUnknownFields(entity: "lead definition")
        report.merge(reader.report, prefix: "")

        let definition = LeadDefinition(fitRules: fitRules, grades: grades, engagementRules: engagementRules,
                                        halfLifeDays: halfLife, minimumFit: minimumFit,
                                        minimumEngagement: minimumEngagement, priorityByGrade: priorities,
                                        accountLevel: accountLevel)
        if report.problems.isEmpty {
            if minimumFit > definition.maximumFit {
                report.add("mql.minimumFit", "\(minimumFit) can never be met: the fit rules give at most \(definition.maximumFit)")
            }
            if engagementRules.isEmpty, minimumEngagement > 0 {
                report.add("mql.minimumEngagement", "can never be met: there are no engagement rules")
            } else if let most = definition.maximumEngagement, minimumEngagement > most {
                report.add("mql.minimumEngagement",
                           "\(minimumEngagement) can never be met: the capped engagement rules give at most \(most)")
            }
        }
        try report.throwIfInvalid()
        return definition
    }

    private static func list(_ raw: JSONValue?, path: String, report: inout ValidationReport) -> [JSONValue] {
        guard let raw else { return [] }
        guard case let .array(items) = raw else {
            report.add(path, "must be an array of rules")
            return []
        }
        return items
    }

    private static func readFitRules(_ raw: JSONValue?, report: inout ValidationReport) -> [FitRule] {
        var rules: [FitRule] = []
        var ids = Set<String>()
        for (index, item) in list(raw, path: "fit.rules", report: &report).enumerated() {
            var rule = FieldReader(item, prefix: "fit.rules[\(index)]")
            let id = rule.string("id", maxLength: 80).value ?? "fit-\(index + 1)"
            if !ids.insert(id).inserted { rule.problem("id", "'\(id)' is used by another rule") }
            let description = rule.string("description", maxLength: 300).value
            let fieldName = rule.string("field", required: true, maxLength: 80).value
            let field = fieldName.flatMap(ScoringField.init(rawValue:))
            if let fieldName, field == nil {
                rule.problem("field", "'\(fieldName)' is not a field; fields: "
                    + ScoringField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let op = rule.vocabulary("operator", RuleOperator.self, required: true).value
            let value = rule.raw("value")
            let points = rule.integer("points", required: true, in: -1000...1000).value
            if let field, let op {
                if !op.applies(to: field.kind) {
                    rule.problem("operator", "'\(op.rawValue)' does not apply to \(field.rawValue) (\(describe(field.kind)))")
                } else if let problem = checkValue(value, op: op, kind: field.kind) {
                    rule.problem("value", problem)
                }
            }
            rule.rejectUnknownFields(entity: "fit rule")
            report.merge(rule.report, prefix: "")
            if let field, let op, let points, rule.report.problems.isEmpty {
                rules.append(FitRule(id: id, description: description, field: field, op: op,
                                     value: op == .exists ? nil : value, points: Int(points)))
            }
        }
        return rules
    }

    private static func readEngagementRules(_ raw: JSONValue?, report: inout ValidationReport) -> [EngagementRule] {
        var rules: [EngagementRule] = []
        var ids = Set<String>()
        for (index, item) in list(raw, path: "engagement.rules", report: &report).enumerated() {
            var rule = FieldReader(item, prefix: "engagement.rules[\(index)]")
            let id = rule.string("id", maxLength: 80).value ?? "engagement-\(index + 1)"
            if !ids.insert(id).inserted { rule.problem("id", "'\(id)' is used by another rule") }
            let kind = rule.vocabulary("kind", TouchpointKind.self).value
            let channel = rule.vocabulary("channel", Channel.self).value
            let points = rule.number("points", required: true, in: -1000...1000).value
            let cap = rule.number("cap", in: 0...1_000_000).value
            rule.rejectUnknownFields(entity: "engagement rule")
            report.merge(rule.report, prefix: "")
            if let points, rule.report.problems.isEmpty {
                rules.append(EngagementRule(id: id, kind: kind, channel: channel, points: points, cap: cap))
            }
        }
        return rules
    }

    private static func describe(_ kind: ScoringField.Kind) -> String {
        switch kind {
        case .text: "text"
        case .number: "a number"
        case let .choice(values): "one of " + values.joined(separator: ", ")
        }
    }

    /// The value's shape for the operator, or a problem.
    static func checkValue(_ value: JSONValue?, op: RuleOperator, kind: ScoringField.Kind) -> String? {
        func scalar(_ value: JSONValue) -> Bool {
            switch (kind, value) {
            case (.number, .integer), (.number, .number): return true
            case (.text, .string): return true
            case let (.choice(allowed), .string(text)): return allowed.contains(text)
            default: return false
            }
        }
        let expected: String = switch kind {
        case .number: "a number"
        case .text: "a string"
        case let .choice(allowed): "one of " + allowed.joined(separator: ", ")
        }
        switch op {
        case .exists:
            return value == nil || value == .null ? nil : "must be left out for 'exists'"
        case .in:
            guard case let .array(items)? = value, !items.isEmpty else { return "must be a non-empty list" }
            return items.allSatisfy(scalar) ? nil : "every item must be \(expected)"
        case .between:
            guard case let .array(items)? = value, items.count == 2, items.allSatisfy(scalar),
                  let low = items[0].double, let high = items[1].double else { return "must be [lowest, highest]" }
            return low <= high ? nil : "the lowest must not exceed the highest"
        case .matches:
            guard case let .string(pattern)? = value else { return "must be a regular expression" }
            return (try? NSRegularExpression(pattern: pattern)) == nil ? "'\(pattern)' is not a valid regular expression" : nil
        case .equals, .contains, .gte, .lte:
            guard let value, scalar(value) else { return "must be \(expected)" }
            return nil
        }
    }
}

extension JSONValue {
    /// The value as a number, when it is one.
    var double: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .number(value): value
        default: nil
        }
    }
}
