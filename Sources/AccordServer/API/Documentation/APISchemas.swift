import AccordCore
import OpenAPIKit30

/// Shared schemas of the API document, and helpers to describe responses with them.
enum APISchemas {
    static let components: OpenAPI.ComponentDictionary<JSONSchema> = [
        "Problem": .object(
            properties: [
                "error": .object(properties: [
                    "code": .string(description: "Stable machine-readable code, e.g. validation_failed"),
                    "message": .string,
                    "fields": .array(items: .object(properties: ["field": .string, "problem": .string])),
                ]),
            ]
        ),
        "Health": .object(properties: [
            "status": .string(allowedValues: "ok", "unavailable"),
            "database": .string(allowedValues: "ok", "unreachable"),
            "version": .string,
        ]),
    ]

    /// A reference to a shared schema.
    static func ref(_ name: String) -> JSONSchema {
        .reference(.component(named: name))
    }

    /// A JSON response with the given schema.
    static func json(_ description: String, _ schema: JSONSchema) -> Either<JSONReference<OpenAPI.Response>, OpenAPI.Response> {
        .response(description: description, content: [.json: .init(schema: schema)])
    }

    /// JSON, or the same rows as CSV when asked with `format=csv`.
    static func jsonOrCSV(_ description: String, _ schema: JSONSchema) -> Either<JSONReference<OpenAPI.Response>, OpenAPI.Response> {
        .response(description: description, content: [.json: .init(schema: schema), .csv: .init(schema: .string)])
    }

    /// A list response: `{"items": [...], "nextCursor": "…" | null}`.
    static func list(of item: JSONSchema) -> JSONSchema {
        .object(properties: ["items": .array(items: item), "nextCursor": .string(nullable: true)])
    }

    /// A required JSON request body.
    static func body(_ schema: JSONSchema) -> Either<JSONReference<OpenAPI.Request>, OpenAPI.Request> {
        .b(OpenAPI.Request(content: [.json: .init(schema: schema)], required: true))
    }

    /// The same object with nothing required and every field nullable: the body of a PATCH.
    static func patch(_ schema: JSONSchema) -> JSONSchema {
        guard case let .object(core, object) = schema.value else { return schema }
        let properties = object.properties.mapValues { $0.optionalSchemaObject().nullableSchemaObject() }
        return .object(core.optionalContext(), .init(properties: properties, additionalProperties: .init(false)))
    }

    /// `limit` and `cursor` of every list.
    static let pagingParameters: OpenAPI.Parameter.Array = [
        .b(OpenAPI.Parameter(name: "limit", context: .query(required: false),
                             schema: .integer(maximum: (500, exclusive: false), minimum: (1, exclusive: false)),
                             description: "Items per page (default 50, at most 500)")),
        .b(OpenAPI.Parameter(name: "cursor", context: .query(required: false), schema: .string,
                             description: "The nextCursor of the previous page")),
    ]

    /// Money: integer minor units and an ISO 4217 code.
    static let money: JSONSchema = .object(properties: [
        "amountMinor": .integer(format: .int64, minimum: (0, exclusive: false)),
        "currency": .string(pattern: "^[A-Z]{3}$"),
    ])

    /// A UUID, optionally nullable or optional.
    static func uuid(required: Bool = true, nullable: Bool = false) -> JSONSchema {
        .string(format: .other("uuid"), required: required, nullable: nullable)
    }

    /// A vocabulary's values.
    static func choice<V: Vocabulary>(_ type: V.Type, required: Bool = true, nullable: Bool = false) -> JSONSchema {
        // A nullable choice lists null among its values: validators read `enum` before `nullable`.
        .string(required: required, nullable: nullable,
                allowedValues: V.allCases.map { AnyCodable($0.rawValue) } + (nullable ? [AnyCodable(nil as String?)] : []))
    }

    /// A query date as the API reads it: empty (the default), a day (2026-03-01) or an ISO 8601 time.
    static let dayOrTime: JSONSchema = .string(pattern: #"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2}))?$"#)

    /// The problem response for an error status.
    static func problem(_ description: String) -> Either<JSONReference<OpenAPI.Response>, OpenAPI.Response> {
        json(description, ref("Problem"))
    }
}
