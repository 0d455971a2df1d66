import Foundation

/// A field of a request: absent (leave unchanged), explicitly null (clear it), or a value.
public enum FieldValue<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// The value, when there is one.
    public var value: Value? {
        if case let .value(value) = self { return value }
        return nil
    }

    /// Whether the request mentioned the field at all.
    public var isPresent: Bool {
        if case .absent = self { return false }
        return true
    }
}

/// Reads typed fields out of a JSON object, collecting every problem by path instead of stopping
/// at the first. Required fields are checked for creation; for a `PATCH` nothing is required.
public struct FieldReader: Sendable {
    private let object: [String: JSONValue]
    /// False when the value was not an object: then only that one problem is reported.
    private let isObject: Bool
    private let prefix: String
    private var read: Set<String> = []
    /// Every problem found so far.
    public private(set) var report = ValidationReport()

    /// Starts reading `value`, which must be an object; `prefix` is the path of the object (`[3]`, `items[0]`).
    public init(_ value: JSONValue, prefix: String = "") {
        self.prefix = prefix
        if case let .object(object) = value {
            self.object = object
            self.isObject = true
        } else {
            self.object = [:]
            self.isObject = false
            report.add(prefix.isEmpty ? "body" : prefix, "must be a JSON object, not \(value.typeName)")
        }
    }

    /// The path of a field for messages.
    public func path(_ key: String) -> String {
        Self.path(prefix, key)
    }

    /// Joins a prefix (`[17]`, `line 18: `, `utm`) and a key into a field path.
    public static func path(_ prefix: String, _ key: String) -> String {
        if prefix.isEmpty { return key }
        if prefix.hasSuffix(": ") { return prefix + key }
        return prefix.hasSuffix("]") && key.hasPrefix("[") ? prefix + key : prefix + "." + key
    }

    /// Records a problem with a field.
    public mutating func problem(_ key: String, _ text: String) {
        guard isObject else { return }
        report.add(path(key), text)
    }

    /// Records a problem whose path is already complete (from a nested reader).
    mutating func reportProblem(_ error: FieldError) {
        report.add(error.field, error.problem)
    }

    /// The raw value of a field, marking it as known.
    public mutating func raw(_ key: String) -> JSONValue? {
        read.insert(key)
        return object[key]
    }

    /// Reads a field with `parse`, reporting a missing required field and a parse failure.
    public mutating func field<T: Sendable>(_ key: String, required: Bool,
                                            _ parse: (JSONValue) -> Result<T, FieldError>) -> FieldValue<T> {
        switch present(key, required: required) {
        case .absent: return .absent
        case .null: return .null
        case let .value(value):
            switch parse(value) {
            case let .success(parsed): return .value(parsed)
            case let .failure(error):
                problem(key, error.problem)
                return .absent
            }
        }
    }

    /// The raw value of a field, reporting a required one that is missing or null.
    private mutating func present(_ key: String, required: Bool) -> FieldValue<JSONValue> {
        switch raw(key) {
        case nil:
            if required { problem(key, "is required") }
            return .absent
        case .null?:
            if required { problem(key, "is required") }
            return .null
        case let value?:
            return .value(value)
        }
    }

    /// A string, trimmed; an empty string counts as missing for a required field.
    public mutating func string(_ key: String, required: Bool = false, maxLength: Int = 500) -> FieldValue<String> {
        let result = field(key, required: required) { value -> Result<String, FieldError> in
            guard case let .string(text) = value else { return .failure(Self.mismatch("a string", value)) }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            // PostgreSQL stores no NUL character (SQLite would, silently truncating some readers): refused everywhere.
            guard !text.unicodeScalars.contains("\u{0}") else {
                return .failure(FieldError(field: "", problem: "must not contain the NUL character"))
            }
            // Counted as JSON Schema counts (code points, before trimming), so the API document's maxLength holds.
            guard text.unicodeScalars.count <= maxLength else {
                return .failure(FieldError(field: "", problem: "must be at most \(maxLength) characters"))
            }
            return .success(trimmed)
        }
        if case .value("") = result {
            if required {
                problem(key, "must not be empty")
                return .absent
            }
            return .null
        }
        return result
    }

    /// An integer within `range`.
    public mutating func integer(_ key: String, required: Bool = false,
                                 in range: ClosedRange<Int64> = Int64.min...Int64.max) -> FieldValue<Int64> {
        field(key, required: required) { value in
            guard case let .integer(number) = value else { return .failure(Self.mismatch("an integer", value)) }
            guard range.contains(number) else { return .failure(Self.outOfRange(range)) }
            return .success(number)
        }
    }

    /// A number (integer or decimal) within `range`.
    public mutating func number(_ key: String, required: Bool = false,
                                in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        -> FieldValue<Double> {
        field(key, required: required) { value in
            let number: Double
            switch value {
            case let .integer(integer): number = Double(integer)
            case let .number(double): number = double
            default: return .failure(Self.mismatch("a number", value))
            }
            guard range.contains(number) else {
                return .failure(FieldError(field: "", problem: "must be between \(range.lowerBound) and \(range.upperBound)"))
            }
            return .success(number)
        }
    }

    /// `true` or `false`.
    public mutating func bool(_ key: String, required: Bool = false) -> FieldValue<Bool> {
        field(key, required: required) { value in
            guard case let .bool(flag) = value else { return .failure(Self.mismatch("true or false", value)) }
            return .success(flag)
        }
    }

    /// A value of a closed vocabulary, with the allowed values in the message.
    public mutating func vocabulary<V: Vocabulary>(_ key: String, _ type: V.Type, required: Bool = false) -> FieldValue<V> {
        field(key, required: required) { value in
            guard case let .string(text) = value else { return .failure(Self.mismatch("a string", value)) }
            return Result(catching: { () throws(FieldError) -> V in try V.parse(text) })
        }
    }

    /// An ISO 8601 time.
    public mutating func time(_ key: String, required: Bool = false) -> FieldValue<Date> {
        field(key, required: required) { value in
            guard case let .string(text) = value, let date = ISOTimestamp.parse(text) else {
                return .failure(FieldError(field: "", problem: "must be an ISO 8601 time such as 2026-03-01T09:30:00Z"))
            }
            return .success(date)
        }
    }

    /// A calendar date `YYYY-MM-DD`, as the start of that day in UTC.
    public mutating func date(_ key: String, required: Bool = false) -> FieldValue<Date> {
        field(key, required: required) { value in
            guard case let .string(text) = value, let date = CalendarDate.parse(text) else {
                return .failure(FieldError(field: "", problem: "must be a date such as 2026-03-01"))
            }
            return .success(date)
        }
    }

    /// A UUID.
    public mutating func id(_ key: String, required: Bool = false) -> FieldValue<UUID> {
        field(key, required: required) { value in
            guard case let .string(text) = value, let id = UUID(uuidString: text) else {
                return .failure(FieldError(field: "", problem: "must be a UUID"))
            }
            return .success(id)
        }
    }

    /// A normalized email address.
    public mutating func email(_ key: String, required: Bool = false) -> FieldValue<EmailAddress> {
        field(key, required: required) { value in
            guard case let .string(text) = value else { return .failure(Self.mismatch("a string", value)) }
            return Result(catching: { () throws(FieldError) -> EmailAddress in try EmailAddress(text) })
        }
    }

    /// Money `{"amountMinor": …, "currency": "EUR"}`, never negative unless allowed.
    public mutating func money(_ key: String, required: Bool = false, allowNegative: Bool = false) -> FieldValue<Money> {
        switch present(key, required: required) {
        case .absent: return .absent
        case .null: return .null
        case let .value(value):
            var nested = FieldReader(value, prefix: path(key))
            let amount = nested.integer("amountMinor", required: true,
                                        in: allowNegative ? Int64.min...Int64.max : 0...Int64.max).value
            let currency = nested.string("currency", required: true, maxLength: 3).value
            if let currency, !CurrencyCode.isValid(currency) {
                nested.problem("currency", "must be an ISO 4217 code of three upper-case letters, such as EUR")
            }
            nested.rejectUnknownFields(entity: "money")
            report.merge(nested.report, prefix: "")
            guard nested.report.problems.isEmpty, let amount, let currency else { return .absent }
            return .value(Money(amountMinor: amount, currency: currency))
        }
    }

    /// Takes the problems of a reader of a nested object (which reports them under its own prefix).
    public mutating func absorb(_ nested: FieldReader) {
        report.merge(nested.report, prefix: "")
    }

    /// Reports every field that was not read: a typo, or a field the caller may not set.
    public mutating func rejectUnknownFields(entity: String) {
        for key in object.keys.sorted() where !read.contains(key) {
            problem(key, "is not a field of \(entity)")
        }
    }

    static func mismatch(_ expected: String, _ value: JSONValue) -> FieldError {
        FieldError(field: "", problem: "must be \(expected), not \(value.typeName)")
    }

    static func outOfRange(_ range: ClosedRange<Int64>) -> FieldError {
        if range.upperBound == Int64.max { return FieldError(field: "", problem: "must be at least \(range.lowerBound)") }
        return FieldError(field: "", problem: "must be between \(range.lowerBound) and \(range.upperBound)")
    }
}
