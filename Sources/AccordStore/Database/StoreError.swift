/// Failures of the persistence layer itself (not of the domain).
public enum StoreError: Error, CustomStringConvertible {
    /// The database does not speak SQL (every supported driver does; this guards a misconfiguration).
    case notSQL
    /// The database URL could not be understood.
    case invalidURL(String)
    /// A stored value that cannot be what its column holds.
    case corrupt(String)

    public var description: String {
        switch self {
        case .notSQL: "the configured database does not support SQL"
        case let .invalidURL(detail): "invalid database URL: \(detail)"
        case let .corrupt(detail): "unexpected stored value: \(detail)"
        }
    }
}
