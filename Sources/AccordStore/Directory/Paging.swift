import AccordCore
import FluentKit
import Foundation

/// One page of a list and the cursor to the next, or nil at the end.
public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> ListPage<T> {
        ListPage<T>(items: try items.map(transform), nextCursor: nextCursor)
    }
}

extension QueryBuilder where Model.IDValue == UUID {
    /// The page after the request's cursor, in id order (ids are time-ordered: creation order).
    public func page(_ request: PageQuery) async throws -> ListPage<Model> {
        let query = self.copy()
        if let after = request.after { query.filter(.id, .greaterThan, after) }
        let rows = try await query.sort(.id, .ascending).limit(request.limit + 1).all()
        let items = Array(rows.prefix(request.limit))
        let next = rows.count > request.limit ? items.last?.id.map(PageQuery.encodeCursor(after:)) : nil
        return ListPage(items: items, nextCursor: next)
    }
}
