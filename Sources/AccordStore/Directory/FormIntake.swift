import AccordCore
import FluentKit
import Foundation
import SQLKit

/// A web form post becomes a person (found or created by normalized email, matched to an account), a
/// `form_submitted` touchpoint on the campaign the visit came from (the form's, else the one its UTM tags name,
/// created when new), and a fresh score, which may qualify the person and route a lead.
public enum FormIntake {
    public static let rateTable = "form_rate_limits"
    /// Posts one address may make per window (every form together), unless configured.
    public static let postsPerWindow = 20
    public static let window: TimeInterval = 600

    public enum Outcome: Sendable, Equatable {
        case stored(personID: UUID, touchpointID: UUID, leadID: UUID?, campaignID: UUID?)
        /// The honeypot was filled, or the address is suppressed: answered like a success, nothing stored.
        case ignored
    }

    /// Counts a post from `address` and refuses it past the limit (call in its own transaction, so refused posts count).
    public static func countPost(from address: String, now: Date, limit: Int = postsPerWindow, on database: any Database)
        async throws {
        let sql = try Catalog.sqlDatabase(database)
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try await sql.delete(from: rateTable).where("window_start", .lessThan, now.addingTimeInterval(-window)).run()
        try await sql.insert(into: rateTable).columns("id", "address", "window_start", "count")
            .values(SQLBind(UUID()), SQLBind(address), SQLBind(start), SQLBind(1))
            .onConflict(with: ["address", "window_start"]) { $0.set(SQLIdentifier("count"), to: SQLRaw("\(rateTable).count + 1")) }
            .run()
        // As BIGINT: PostgreSQL sums bigints into NUMERIC.
        let row = try await sql.select().column(SQLRaw("CAST(SUM(\"count\") AS BIGINT)"), as: "posts").from(rateTable)
            .where("address", .equal, address).where("window_start", .greaterThan, now.addingTimeInterval(-window)).first()
        let posts = try row?.decode(column: "posts", as: Int?.self) ?? 0
        if posts > limit {
            throw AccordError.rateLimited(retryAfterSeconds: Int(60 - now.timeIntervalSince(start).rounded(.down)))
        }
    }

    /// Stores a post (call inside a write transaction).
    public static func submit(_ submission: FormSubmission, to form: FormModel, now: Date = Date(),
                              on database: any Database) async throws -> Outcome {
        if try await !Suppressions.suppressed([submission.email], on: database).isEmpty { return .ignored }
        let campaign = try await campaign(for: submission.attribution, form: form, now: now, on: database)
        let personID = try await PersonDirectory.resolve([submission.email], createdAt: now, on: database)[submission.email]!
        // The visitor's details fill what Accord does not know yet (never overwrite what sales has corrected).
        if let person = try await PersonModel.find(personID, on: database) {
            if person.firstName == nil { person.firstName = submission.firstName }
            if person.lastName == nil { person.lastName = submission.lastName }
            if person.title == nil { person.title = submission.title }
            if person.source == "touchpoints" { person.source = "form:" + form.key }
            if person.hasChanges { try await person.save(on: database) }
        }
        let input = TouchpointInput(eventID: nil, person: .id(personID), campaign: campaign.map { .id($0.id) },
                                    kind: .formSubmitted, side: .marketing, channel: campaign?.channel ?? submission.attribution.channel,
                                    occurredAt: now)
        let result = try await TouchpointIngestion.ingestInTransaction([.init(path: "", input: input)], now: now, on: database)
        guard let touchpointID = result.ids.first ?? nil else { return .ignored }
        let lead = try await LeadModel.query(on: database).filter(\.$person.$id == personID).sort(\.$createdAt, .descending).first()
        return .stored(personID: personID, touchpointID: touchpointID, leadID: lead?.id, campaignID: campaign?.id)
    }

    /// The form's campaign; else the campaign the UTM tags name (created with the channel they mean when new); else none.
    static func campaign(for attribution: FormAttribution, form: FormModel, now: Date, on database: any Database)
        async throws -> CampaignResolver.Match? {
        if let id = form.$campaign.id, let model = try await CampaignModel.find(id, on: database) {
            return CampaignResolver.Match(id: id, channel: Channel(rawValue: model.channel) ?? attribution.channel)
        }
        guard let name = attribution.campaign else { return nil }
        let tags = UTMTags(source: attribution.source, medium: attribution.medium, campaign: name)
        if let match = try await CampaignResolver.resolve([.utm(tags)], on: database)[.utm(tags)] { return match }
        if let match = try await CampaignResolver.resolve([.utm(UTMTags(campaign: name))], on: database)[.utm(UTMTags(campaign: name))] {
            return match
        }
        let model = CampaignModel(name: name, channel: attribution.channel.rawValue)
        (model.utmSource, model.utmMedium, model.utmCampaign, model.startsAt) = (attribution.source, attribution.medium, name, now)
        try await model.create(on: database)
        return CampaignResolver.Match(id: model.id!, channel: attribution.channel)
    }
}
