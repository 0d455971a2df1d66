import Foundation

/// `?limit=` and `?cursor=` of a list request, checked: limit 1–500 (default 50); the cursor is opaque
/// to clients and is the last id of the previous page.
public struct PageQuery: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 500

    public var limit: Int
    /// Items after this id (ids are time-ordered), or from the start when nil.
    public var after: UUID?

    public init(limit: Int = PageQuery.defaultLimit, after: UUID? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Parses the query parameters, reporting both problems at once.
    public static func parse(limit: String?, cursor: String?, into report: inout ValidationReport) -> PageQuery {
        var page = PageQuery()
        if let limit {
            if let value = Int(limit), (1...maximumLimit).contains(value) {
                page.limit = value
            } else {
                report.add("limit", "must be a whole number from 1 to \(maximumLimit)")
            }
        }
        if let cursor, !cursor.isEmpty {
            if let id = decodeCursor(cursor) {
                page.after = id
            } else {
                report.add("cursor", "is not a cursor this server gave out")
            }
        }
        return page
    }

    /// The cursor that continues after `id`.
    public static func encodeCursor(after id: UUID) -> String {
        Data(id.uuidString.lowercased().utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> UUID? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        return UUID(uuidString: text)
    }
}
