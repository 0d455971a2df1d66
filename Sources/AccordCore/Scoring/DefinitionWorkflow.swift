import Foundation

/// Where a lead definition version stands.
public enum DefinitionState: String, Vocabulary {
    case draft, proposed, active, retired
}

/// The two-party agreement on a lead definition: managers of either side draft and propose; a proposed
/// version becomes active only when a sales manager and a marketing manager have both approved it; either
/// may reject it with a reason, which returns it to draft and clears the approvals. Activating one retires
/// the one active before it (the caller retires it in the same transaction).
public struct DefinitionWorkflow: Sendable, Equatable {
    public var state: DefinitionState
    /// The sides that approved the current proposal.
    public var approvals: Set<Side>
    public var rejectionReason: String?

    public init(state: DefinitionState = .draft, approvals: Set<Side> = [], rejectionReason: String? = nil) {
        self.state = state
        self.approvals = approvals
        self.rejectionReason = rejectionReason
    }

    /// The side a role approves for, or a refusal for roles that do not take part.
    static func side(of role: UserRole) throws(AccordError) -> Side {
        switch role {
        case .salesManager: return .sales
        case .marketingManager: return .marketing
        default: throw .forbidden("Only sales managers and marketing managers draft, propose and approve definitions.")
        }
    }

    /// Whether a role may edit a draft (managers of either side, and admins).
    public static func mayEdit(_ role: UserRole) -> Bool {
        [.salesManager, .marketingManager, .admin].contains(role)
    }

    /// Proposes a draft for approval.
    public func propose(by role: UserRole) throws(AccordError) -> DefinitionWorkflow {
        if role != .admin { _ = try Self.side(of: role) }
        guard state == .draft else { throw refusal("propose", "only a draft can be proposed") }
        return DefinitionWorkflow(state: .proposed)
    }

    /// Records an approval; the version becomes active when both sides have approved.
    public func approve(by role: UserRole) throws(AccordError) -> DefinitionWorkflow {
        let side = try Self.side(of: role)
        guard state == .proposed else { throw refusal("approve", "only a proposed version can be approved") }
        guard !approvals.contains(side) else {
            throw .conflict("The \(side.rawValue) side has approved this version already; the other side must approve.")
        }
        let approved = approvals.union([side])
        return DefinitionWorkflow(state: approved == [.sales, .marketing] ? .active : .proposed, approvals: approved)
    }

    /// Rejects a proposal with a reason: back to draft, approvals cleared.
    public func reject(by role: UserRole, reason: String) throws(AccordError) -> DefinitionWorkflow {
        _ = try Self.side(of: role)
        guard state == .proposed else { throw refusal("reject", "only a proposed version can be rejected") }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .validation([FieldError(field: "reason", problem: "is required")]) }
        return DefinitionWorkflow(state: .draft, approvals: [], rejectionReason: trimmed)
    }

    /// The state of the version that was active when another became active.
    public func retire() throws(AccordError) -> DefinitionWorkflow {
        guard state == .active else { throw refusal("retire", "only the active version is retired") }
        return DefinitionWorkflow(state: .retired, approvals: approvals)
    }

    private func refusal(_ action: String, _ reason: String) -> AccordError {
        .invalidTransition(from: state.rawValue, to: action, reason: reason)
    }
}
