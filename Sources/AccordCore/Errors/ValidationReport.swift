/// Collects every problem of one request, so a caller is told all of them at once and not only the first.
public struct ValidationReport: Sendable {
    /// The problems found so far, in the order they were found.
    public private(set) var problems: [FieldError] = []

    public init() {}

    /// A report holding these problems.
    public init(problems: [FieldError]) {
        self.problems = problems
    }

    /// Records a problem with a field.
    public mutating func add(_ field: String, _ problem: String) {
        problems.append(FieldError(field: field, problem: problem))
    }

    /// Records a problem when `condition` is false.
    public mutating func require(_ condition: Bool, _ field: String, _ problem: @autoclosure () -> String) {
        if !condition { add(field, problem()) }
    }

    /// Runs a parser for one field, recording its error instead of throwing; returns nil when it failed.
    public mutating func check<T>(_ field: String, _ parse: () throws(FieldError) -> T) -> T? {
        do {
            return try parse()
        } catch {
            add(field, error.problem)
            return nil
        }
    }

    /// Adds the problems of a nested value, prefixing their paths (`items[3].email`); an empty prefix
    /// keeps the paths as they are.
    public mutating func merge(_ other: ValidationReport, prefix: String) {
        for problem in other.problems {
            let path = prefix.isEmpty || problem.field.hasPrefix("[") ? prefix + problem.field
                                                                      : prefix + "." + problem.field
            add(path, problem.problem)
        }
    }

    /// Throws `AccordError.validation` with every problem, when there is any.
    public func throwIfInvalid() throws(AccordError) {
        if !problems.isEmpty { throw AccordError.validation(problems) }
    }
}
