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

    /// The problem response for an error status.
    static func problem(_ description: String) -> Either<JSONReference<OpenAPI.Response>, OpenAPI.Response> {
        json(description, ref("Problem"))
    }
}
