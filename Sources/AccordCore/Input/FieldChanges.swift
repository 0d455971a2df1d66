/// The fields that differ between two JSON objects: what an audit event records.
public enum FieldChanges {
    /// One changed field.
    public struct Change: Sendable, Hashable, Codable {
        public var before: JSONValue?
        public var after: JSONValue?

        public init(before: JSONValue?, after: JSONValue?) {
            self.before = before
            self.after = after
        }
    }

    /// Changed fields between `before` (nil when created) and `after` (nil when deleted); `ignoring` names
    /// bookkeeping fields such as `updatedAt`.
    public static func diff(before: JSONValue?, after: JSONValue?, ignoring: Set<String> = ["updatedAt", "createdAt"])
        -> [String: Change] {
        let old = fields(of: before), new = fields(of: after)
        var changes: [String: Change] = [:]
        for key in Set(old.keys).union(new.keys) where !ignoring.contains(key) {
            let was: JSONValue? = old[key] == .null ? nil : old[key]
            let now: JSONValue? = new[key] == .null ? nil : new[key]
            if was != now { changes[key] = Change(before: was, after: now) }
        }
        return changes
    }

    private static func fields(of value: JSONValue?) -> [String: JSONValue] {
        if case let .object(fields)? = value { return fields }
        return [:]
    }
}
