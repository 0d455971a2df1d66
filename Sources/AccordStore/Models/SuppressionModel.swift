import AccordCore
import FluentKit
import Foundation

/// One suppression list entry: an email (kept only as its SHA-256, so the list holds no address) or a domain.
public final class SuppressionModel: Model, @unchecked Sendable {
    public static let schema = "suppressions"

    @ID(key: .id) public var id: UUID?
    /// `email` or `domain` (Core's `SuppressionKind`).
    @Field(key: "kind") public var kind: String
    /// The hex SHA-256 of the normalized email, or the domain.
    @Field(key: "value") public var value: String
    /// A masked address (`j***@acme.example`) to recognise an entry by; none for erased persons.
    @OptionalField(key: "hint") public var hint: String?
    @OptionalField(key: "reason") public var reason: String?
    /// `api`, `import` or `erasure`.
    @Field(key: "source") public var source: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(id: UUID? = nil, kind: String, value: String, hint: String?, reason: String?, source: String, createdBy: String,
                createdAt: Date) {
        self.id = id ?? TimeOrderedID.make()
        self.kind = kind
        self.value = value
        self.hint = hint
        self.reason = reason
        self.source = source
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
