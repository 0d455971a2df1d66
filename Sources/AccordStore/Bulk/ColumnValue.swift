import Foundation

/// One typed column value of a bulk insert. Typed, so the SQLite path can hand SQLite its native values
/// without going through `Encodable` for each of millions of cells.
public enum ColumnValue: Sendable {
    case uuid(UUID?)
    case text(String?)
    case integer(Int?)
    case double(Double?)
    case bool(Bool?)
    case date(Date?)

    /// The value as a SQLKit bind, for databases without a faster path.
    var bind: any Encodable & Sendable {
        switch self {
        case let .uuid(value): value
        case let .text(value): value
        case let .integer(value): value
        case let .double(value): value
        case let .bool(value): value
        case let .date(value): value
        }
    }
}
