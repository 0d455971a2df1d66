import AccordCore

extension LeadModel {
    /// The lifecycle fields as Core's value, for `LeadLifecycle.apply`.
    public var lifecycleState: LeadLifecycleState {
        LeadLifecycleState(stage: LeadStage(rawValue: stage) ?? .new, stageChangedAt: stageChangedAt,
                           rejectionReason: rejectionReason, rejectionNote: rejectionNote, recycleReason: recycleReason,
                           recycleNote: recycleNote, lossReason: lossReason, opportunityID: $opportunity.id)
    }

    /// Writes a lifecycle result back onto the row.
    /// Accepting or rejecting an MQL is sales' decision on it (`decidedAt`); a lead back at `mql` (an overturned
    /// rejection) waits for a new one.
    public func apply(_ state: LeadLifecycleState) {
        if stage == LeadStage.mql.rawValue && (state.stage == .sal || state.stage == .rejected) {
            decidedAt = state.stageChangedAt
        } else if state.stage == .mql {
            decidedAt = nil
        }
        stage = state.stage.rawValue
        stageChangedAt = state.stageChangedAt
        rejectionReason = state.rejectionReason
        rejectionNote = state.rejectionNote
        recycleReason = state.recycleReason
        recycleNote = state.recycleNote
        lossReason = state.lossReason
        $opportunity.id = state.opportunityID
    }
}
