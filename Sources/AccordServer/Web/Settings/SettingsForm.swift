import AccordCore
import Foundation

/// One field of a settings form and how its text becomes the API's JSON: the page posts plain form fields,
/// they are turned into the same body the API takes, and the same Core readers validate it, so a page and
/// the API can never disagree about what is valid.
struct FormField: Encodable {
    enum Kind: String, Encodable {
        case text, integer, number, select, checkbox, list, holidays, percent
    }

    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    /// The API field, dotted for nested objects (`hours.monday`, `responseHours.A`).
    var name: String
    var label: String
    var kind: Kind
    var hint: String?
    var value = ""
    var checked = false
    var options: [Option] = []
    var problem: String?

    init(_ name: String, _ label: String, _ kind: Kind, hint: String? = nil, options: [(String, String)] = []) {
        self.name = name
        self.label = label
        self.kind = kind
        self.hint = hint
        self.options = options.map { Option(value: $0.0, label: $0.1, selected: false) }
    }

    var isTextarea: Bool { kind == .holidays }
    var isSelect: Bool { kind == .select }
    var isCheckbox: Bool { kind == .checkbox }

    /// The field filled from a record as the API shows it.
    func filled(from record: JSONValue?) -> FormField {
        var field = self
        let value = record.flatMap { Self.lookup($0, field.name) }
        switch (kind, value) {
        case (_, nil), (_, .null?): break
        case let (.checkbox, .bool(flag)?): field.checked = flag
        case let (.list, .array(items)?):
            field.value = items.compactMap { if case let .string(text) = $0 { text } else { nil } }.joined(separator: ", ")
        case let (.holidays, .array(items)?):
            field.value = items.compactMap { item -> String? in
                guard case let .object(fields) = item, case let .string(date)? = fields["date"] else { return nil }
                if case let .string(name)? = fields["name"] { return "\(date) \(name)" }
                return date
            }.joined(separator: "\n")
        case let (.percent, .number(share)?): field.value = Self.trimmed(share * 100)
        case let (.percent, .integer(share)?): field.value = String(share * 100)
        case let (_, .string(text)?): field.value = text
        case let (_, .integer(number)?): field.value = String(number)
        case let (_, .number(number)?): field.value = Self.trimmed(number)
        default: break
        }
        field.options = field.options.map { Option(value: $0.value, label: $0.label, selected: $0.value == field.value) }
        return field
    }

    /// The field refilled from what was posted (to show a form again with its problems).
    func refilled(from form: [String: String], problems: [FieldError]) -> FormField {
        var field = self
        if kind == .checkbox { field.checked = form[name] != nil } else { field.value = form[name] ?? "" }
        field.options = field.options.map { Option(value: $0.value, label: $0.label, selected: $0.value == field.value) }
        let matching = problems.filter { $0.field == name || $0.field.hasPrefix(name + "[") || $0.field.hasPrefix(name + ".") }
        field.problem = matching.isEmpty ? nil : matching.map { problem in
            problem.field == name ? problem.problem : "\(problem.field.dropFirst(name.count)): \(problem.problem)"
        }.joined(separator: "; ")
        return field
    }

    /// What the posted text means in JSON; text that is not a number stays text, so the reader names the problem.
    func json(from form: [String: String]) -> JSONValue? {
        let text = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .checkbox: return .bool(form[name] != nil)
        case .text, .select: return text.isEmpty ? .null : .string(text)
        case .integer: return text.isEmpty ? .null : Int64(text).map(JSONValue.integer) ?? .string(text)
        case .number: return text.isEmpty ? .null : Double(text).map(JSONValue.number) ?? .string(text)
        case .percent:
            return text.isEmpty ? .null : Double(text.replacingOccurrences(of: "%", with: "")).map { .number($0 / 100) }
                ?? .string(text)
        case .list:
            return .array(text.split(whereSeparator: { $0 == "," || $0 == "\n" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(JSONValue.string))
        case .holidays:
            return .array(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map { line in
                    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                    var holiday: [String: JSONValue] = ["date": .string(parts[0])]
                    if parts.count > 1 { holiday["name"] = .string(parts[1].trimmingCharacters(in: .whitespaces)) }
                    return .object(holiday)
                })
        }
    }

    /// The API body of a whole form: dotted names become nested objects.
    static func body(_ fields: [FormField], from form: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for field in fields {
            guard let value = field.json(from: form) else { continue }
            let path = field.name.split(separator: ".").map(String.init)
            if path.count == 2 {
                var nested: [String: JSONValue] = if case let .object(existing)? = object[path[0]] { existing } else { [:] }
                nested[path[1]] = value
                object[path[0]] = .object(nested)
            } else {
                object[field.name] = value
            }
        }
        return .object(object)
    }

    static func lookup(_ value: JSONValue, _ path: String) -> JSONValue? {
        var current: JSONValue? = value
        for key in path.split(separator: ".") {
            guard case let .object(fields)? = current else { return nil }
            current = fields[String(key)]
        }
        return current
    }

    static func trimmed(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(format: "%g", number)
    }
}
