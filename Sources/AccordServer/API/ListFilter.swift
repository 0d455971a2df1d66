import AccordCore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// A query parameter that narrows a list: documented in the API and applied to the query from one definition.
struct ListFilter<Model: FluentKit.Model>: Sendable {
    let name: String
    let description: String
    let schema: JSONSchema
    let apply: @Sendable (QueryBuilder<Model>, String, inout ValidationReport) -> Void

    /// The documented query parameters of a list: paging, then these filters.
    static func parameters(_ filters: [Self]) -> OpenAPI.Parameter.Array {
        APISchemas.pagingParameters + filters.map { filter in
            .b(OpenAPI.Parameter(name: filter.name, context: .query(required: false), schema: filter.schema,
                                 description: filter.description))
        }
    }

    /// Equality on a text column.
    static func text(_ name: String, column: String, _ description: String, lowercase: Bool = false) -> Self {
        Self(name: name, description: description, schema: .string) { query, value, report in
            guard !value.unicodeScalars.contains("\u{0}") else { return report.add(name, "must not contain the NUL character") }
            query.filter(FieldKey(stringLiteral: column), .equal, lowercase ? value.lowercased() : value)
        }
    }

    /// Equality on an id column.
    static func id(_ name: String, column: String, _ description: String) -> Self {
        Self(name: name, description: description, schema: .string(format: .other("uuid"))) { query, value, report in
            guard let id = UUID(uuidString: value) else { return report.add(name, "must be a UUID") }
            query.filter(FieldKey(stringLiteral: column), .equal, id)
        }
    }

    /// One or more values of a vocabulary, comma-separated (`?stage=mql,sal`).
    static func choice<V: Vocabulary>(_ name: String, column: String, _ type: V.Type, _ description: String) -> Self {
        Self(name: name, description: description + " (comma-separated: " + V.allCases.map(\.rawValue).joined(separator: ", ") + ")",
             schema: .string) { query, value, report in
            var values: [String] = []
            for part in value.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
                do {
                    values.append(try V.parse(part).rawValue)
                } catch let error as FieldError {
                    report.add(name, error.problem)
                } catch {
                    report.add(name, "is invalid")
                }
            }
            query.filter(.path([FieldKey(stringLiteral: column)], schema: Model.schema), .subset(inverse: false),
                         DatabaseQuery.Value.array(values.map { DatabaseQuery.Value.bind($0) }))
        }
    }

    /// A lower (`after`) or upper (`before`) bound on a time column.
    static func time(_ name: String, column: String, after: Bool, _ description: String) -> Self {
        Self(name: name, description: description, schema: .string(format: .dateTime)) { query, value, report in
            guard let time = ISOTimestamp.parse(value) else {
                return report.add(name, "must be an ISO 8601 time such as 2026-03-01T00:00:00Z")
            }
            query.filter(FieldKey(stringLiteral: column), after ? .greaterThanOrEqual : .lessThan, time)
        }
    }

    /// A true/false column.
    static func flag(_ name: String, column: String, _ description: String) -> Self {
        Self(name: name, description: description, schema: .boolean) { query, value, report in
            switch value {
            case "true": query.filter(FieldKey(stringLiteral: column), .equal, true)
            case "false": query.filter(FieldKey(stringLiteral: column), .equal, false)
            default: report.add(name, "must be true or false")
            }
        }
    }
}

extension Request {
    /// Reads `limit`, `cursor` and the filters of a list, applying the filters to `query`. Every problem is
    /// reported at once, an unknown parameter included (a typo must not silently widen the list).
    func listPage<Model>(filters: [ListFilter<Model>], on query: QueryBuilder<Model>, entity: String) throws
        -> PageQuery {
        var report = ValidationReport()
        let page = PageQuery.parse(limit: try? self.query.get(String.self, at: "limit"),
                                   cursor: try? self.query.get(String.self, at: "cursor"), into: &report)
        let known = Set(filters.map(\.name) + ["limit", "cursor"])
        for name in url.queryParameterNames where !known.contains(name) {
            report.add(name, "is not a filter of \(entity); filters: \(filters.map(\.name).joined(separator: ", "))")
        }
        for filter in filters {
            if let value = try? self.query.get(String.self, at: filter.name) { filter.apply(query, value, &report) }
        }
        try report.throwIfInvalid()
        return page
    }
}
