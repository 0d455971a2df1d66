import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Loads everything that happened to a lead and hands it to Core's `LeadStory`: the person's touchpoints, the score
/// changes they caused (replayed under the lead's definition version), routing, SLA steps, notifications, feedback,
/// objections, disputes and stage changes from the audit trail.
public enum LeadStoryData {
    /// The most touchpoints a story shows (the newest ones); score replay is quadratic in them.
    public static let touchLimit = 500

    public static func story(of lead: LeadModel, now: Date = Date(), on database: any Database) async throws -> [StoryEntry] {
        let leadID = try lead.requireID()
        var entries: [StoryEntry] = []
        let touches = try await TouchpointModel.query(on: database).filter(\.$person.$id == lead.$person.id)
            .filter(\.$occurredAt <= now).sort(\.$occurredAt, .descending).limit(touchLimit).with(\.$campaign).all()
            .reversed()
        let scoring = touches.compactMap { touch -> ScoringTouch? in
            guard touch.side == Side.marketing.rawValue, let kind = TouchpointKind(rawValue: touch.kind),
                  let channel = Channel(rawValue: touch.channel) else { return nil }
            return ScoringTouch(kind: kind, channel: channel, occurredAt: touch.occurredAt)
        }
        for touch in touches {
            let campaign = touch.campaign.map { " · \($0.name)" } ?? ""
            entries.append(StoryEntry(at: touch.occurredAt, kind: .touchpoint,
                                      title: "\(touch.kind.replacingOccurrences(of: "_", with: " ").capitalized)\(campaign)",
                                      detail: "\(touch.side) touch, channel \(touch.channel.replacingOccurrences(of: "_", with: " "))"))
        }
        if let (definition, version) = try await definition(for: lead, on: database),
           let profile = try await LiveScoring.profiles([lead.$person.id], on: Catalog.sqlDatabase(database)).first?.profile {
            entries += LeadStory.scoreChanges(definition: definition, version: version, profile: profile, touches: scoring,
                                              until: now)
        }
        let users = Dictionary(try await UserModel.query(on: database).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let audit = try await AuditEventModel.query(on: database).filter(\.$entityType == "lead").filter(\.$entityID == leadID)
            .sort(\.$occurredAt).all()
        entries += audit.map { entry(for: $0, users: users) }
        entries += recorded(lead, audit: audit, users: users)
        let notes = try await NotificationModel.query(on: database).filter(\.$lead.$id == leadID).sort(\.$createdAt).all()
        entries += notes.map { note in
            StoryEntry(at: note.createdAt, kind: .notification, title: "\(users[note.$user.id] ?? "Someone") was told: \(note.title)",
                       detail: note.body, actor: "system")
        }
        return LeadStory.assemble(entries)
    }

    /// The definition that qualified the lead, else the active one.
    static func definition(for lead: LeadModel, on database: any Database) async throws -> (LeadDefinition, Int)? {
        let model: LeadDefinitionModel? = if let version = lead.definitionVersion {
            try await LeadDefinitionModel.find(version: version, on: database)
        } else {
            try await LeadDefinitionModel.query(on: database).filter(\.$state == "active").first()
        }
        guard let model, let definition = try? model.definition() else { return nil }
        return (definition, model.version)
    }

    /// Lines from the lead's own fields for what its audit trail does not tell (leads written in bulk: the demo,
    /// imports): its qualification and routing, sales' decision, and the stage it is in now.
    static func recorded(_ lead: LeadModel, audit: [AuditEventModel], users: [UUID: String]) -> [StoryEntry] {
        let actions = Set(audit.map(\.action))
        var entries: [StoryEntry] = []
        let note = "from the lead's record"
        if let qualifiedAt = lead.qualifiedAt, actions.isDisjoint(with: ["qualify", "move:qualify"]) {
            let owner = lead.$owner.id.flatMap { users[$0] }
            entries.append(StoryEntry(at: qualifiedAt, kind: .routing,
                                      title: "Became an MQL" + (owner.map { " and was routed to \($0)" } ?? ""),
                                      detail: lead.routingReason ?? note, actor: "system"))
        }
        if let decidedAt = lead.decidedAt, actions.isDisjoint(with: ["move:accept", "move:reject"]) {
            let rejected = lead.stage == LeadStage.rejected.rawValue
            entries.append(StoryEntry(at: decidedAt, kind: .feedback,
                                      title: rejected ? "Rejected by sales: \(lead.rejectionReason ?? "no reason")" : "Accepted by sales",
                                      detail: lead.rejectionNote ?? note, actor: lead.$owner.id.flatMap { users[$0] }))
        }
        let stage = LeadStage(rawValue: lead.stage) ?? .new
        if ![.new, .mql, .sal, .rejected].contains(stage), !actions.contains(where: { $0.hasPrefix("move:") || $0 == "sla:expire" }) {
            entries.append(StoryEntry(at: lead.stageChangedAt, kind: .stage, title: "Moved to \(lead.stage)",
                                      detail: lead.recycleReason ?? lead.lossReason ?? note))
        }
        return entries
    }

    /// An audit event as a story line: what kind of step it was, in words, with who and why.
    static func entry(for event: AuditEventModel, users: [UUID: String]) -> StoryEntry {
        let action = event.action
        let changes = StoredJSON.decode([String: FieldChanges.Change].self, event.changes) ?? [:]
        func after(_ key: String) -> String? {
            guard case let .string(text)? = changes[key]?.after ?? nil else { return nil }
            return text
        }
        let owner = after("ownerId").flatMap(UUID.init(uuidString:)).flatMap { users[$0] }
        let kind: StoryKind
        var title: String
        var detail = event.reason
        switch action {
        case "qualify", "move:qualify":
            detail = detail ?? after("routingReason")
            kind = .routing
            title = "Became an MQL" + (owner.map { " and was routed to \($0)" } ?? "")
        case "route":
            kind = .routing
            title = "Routed again" + (owner.map { " to \($0)" } ?? "")
        case "move:accept", "move:reject":
            kind = .feedback
            title = action == "move:accept" ? "Accepted by sales" : "Rejected by sales" + (event.reason.map { ": \($0)" } ?? "")
        case "objection":
            kind = .objection
            title = "Objection heard: \(after("objection") ?? "")"
        case _ where action.hasPrefix("dispute:"):
            kind = .dispute
            title = switch action.dropFirst("dispute:".count) {
            case "open": "Rejection disputed by marketing"
            case "uphold": "Dispute decided: rejection upheld"
            case "overturn": "Dispute decided: rejection overturned"
            case "remind": "Dispute reminder sent to the manager"
            case "overdue": "Dispute overdue: escalated"
            default: "Dispute: \(action)"
            }
        case _ where action.hasPrefix("sla:"):
            kind = .sla
            title = switch action.dropFirst("sla:".count) {
            case "remind": "SLA reminder"
            case "breach": "SLA missed"
            case "reassign": "Reassigned after the SLA was missed" + (owner.map { " to \($0)" } ?? "")
            case "expire": "Expired untouched: recycled to nurture"
            default: "SLA step: \(action)"
            }
        case _ where action.hasPrefix("move:"):
            kind = .stage
            let stage = after("stage") ?? String(action.dropFirst("move:".count))
            title = "Moved to \(stage)"
        case _ where action.hasPrefix("log:"):
            kind = .feedback
            title = "Logged a \(action.dropFirst("log:".count))"
        default:
            kind = .change
            title = action == "create" ? "Lead created" : "Changed: " + changes.keys.sorted().joined(separator: ", ")
        }
        return StoryEntry(at: event.occurredAt, kind: kind, title: title, detail: detail, actor: event.actorLabel)
    }
}
