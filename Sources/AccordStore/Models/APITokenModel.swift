import AccordCore
import FluentKit
import Foundation

/// An API token: only a SHA-256 hash of the secret is stored; the secret is shown once at creation.
public final class APITokenModel: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserModel
    @Field(key: "name") public var name: String
    /// Hex SHA-256 of the secret; unique.
    @Field(key: "token_hash") public var tokenHash: String
    /// Comma-separated `TokenScope` raw values.
    @Field(key: "scopes") public var scopes: String
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, userID: UUID, name: String, tokenHash: String, scopes: [TokenScope], expiresAt: Date?) {
        self.id = id ?? TimeOrderedID.make()
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.scopes = scopes.map(\.rawValue).sorted().joined(separator: ",")
        self.expiresAt = expiresAt
    }

    /// The scopes as values.
    public var scopeSet: Set<TokenScope> {
        Set(scopes.split(separator: ",").compactMap { TokenScope(rawValue: String($0)) })
    }
}
