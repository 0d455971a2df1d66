import AccordCore
import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// How a kind of record belongs to a sales owner, for row scopes.
public enum Ownership: Sendable {
    /// Visible to everyone who may read the kind at all (campaigns).
    case none
    /// The row's own owner column (`owner_id` of leads, accounts, opportunities).
    case owner(column: String)
    /// The row's owner, or, while it has none, the team it was routed to (leads: a manager sees their
    /// team's unassigned leads).
    case ownerOrTeam(owner: String, team: String)
    /// Through the account it belongs to (persons: `account_id`).
    case account(column: String)
    /// Through the person it is about (touchpoints: `person_id`).
    case person(column: String)
}

extension QueryBuilder {
    /// Narrows the query to the rows `scope` covers; a row outside it is, to the caller, not there.
    @discardableResult
    public func scoped(_ scope: RowScope, by ownership: Ownership) -> Self {
        guard let owners = RowScopeFilter.owners(scope) else { return self }
        switch ownership {
        case .none:
            return self
        case let .owner(column):
            return filter(.sql(embed: "\(ident: column) IN (\(owners))"))
        case let .ownerOrTeam(owner, team):
            guard case let .team(teamID) = scope else { return filter(.sql(embed: "\(ident: owner) IN (\(owners))")) }
            return filter(.sql(embed: """
                (\(ident: owner) IN (\(owners)) OR (\(ident: owner) IS NULL AND \(ident: team) = \(bind: teamID)))
                """))
        case let .account(column):
            return filter(.sql(embed: "\(ident: column) IN (\(RowScopeFilter.accounts(owners)))"))
        case let .person(column):
            return filter(.sql(embed: """
                \(ident: column) IN (SELECT \(ident: "id") FROM \(ident: "persons") \
                WHERE \(ident: "account_id") IN (\(RowScopeFilter.accounts(owners))))
                """))
        }
    }
}

enum RowScopeFilter {
    /// A subquery (or a single bound id) of the owners a scope covers; nil for every row.
    static func owners(_ scope: RowScope) -> SQLQueryString? {
        switch scope {
        case .all: nil
        case let .owner(user): "\(bind: user)"
        case let .team(team):
            "SELECT \(ident: "id") FROM \(ident: "users") WHERE \(ident: "team_id") = \(bind: team)"
        }
    }

    static func accounts(_ owners: SQLQueryString) -> SQLQueryString {
        "SELECT \(ident: "id") FROM \(ident: "accounts") WHERE \(ident: "owner_id") IN (\(owners))"
    }
}
