import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// Rows round-trip through the models, and the schema enforces what it promises.
@Suite struct ModelTests {
    @Test("a person's email is unique: a second row with the same normalized email is refused")
    func emailIsUnique() async throws {
        try await withStore { store in
            // setup
            let email = try EmailAddress(" Ana@Example.com ").value
            try await PersonModel(email: email, firstName: "Ana").create(on: store.database)
            // act / check
            await #expect(throws: (any Error).self) {
                try await PersonModel(email: try EmailAddress("ana@example.com").value).create(on: store.database)
            }
            let count = try await PersonModel.query(on: store.database).count()
            #expect(count == 1)
        }
    }

    @Test("money keeps 64-bit minor units exactly")
    func moneyIsExact() async throws {
        try await withStore { store in
            // setup
            let account = AccountModel(name: "Acme", domain: "acme.example")
            try await account.create(on: store.database)
            let amount: Int64 = 9_007_199_254_740_993  // beyond a double's exact range
            let opportunity = OpportunityModel(accountID: try account.requireID(), name: "Big deal",
                                               amountMinor: amount, currency: "EUR", stage: "Negotiation",
                                               status: "open", openedAt: Date(timeIntervalSince1970: 1_700_000_000))
            try await opportunity.create(on: store.database)
            // act
            let read = try await OpportunityModel.find(opportunity.id, on: store.database)
            // check
            #expect(read?.amountMinor == amount)
            #expect(read?.currency == "EUR")
        }
    }

    @Test("a lead keeps its lifecycle fields, and a campaign its monthly costs")
    func leadAndCostsRoundTrip() async throws {
        try await withStore { store in
            // setup
            let person = PersonModel(email: "bo@acme.example")
            try await person.create(on: store.database)
            let campaign = CampaignModel(name: "Spring webinar", channel: Channel.webinar.rawValue, supplier: "ON24")
            try await campaign.create(on: store.database)
            let campaignID = try campaign.requireID()
            try await CampaignCostModel(campaignID: campaignID, month: "2026-03", amountMinor: 500_000, currency: "EUR")
                .create(on: store.database)
            try await CampaignCostModel(campaignID: campaignID, month: "2026-04", amountMinor: 250_000, currency: "EUR")
                .create(on: store.database)
            let due = Date(timeIntervalSince1970: 1_700_003_600)
            let lead = LeadModel(personID: try person.requireID(), stage: .mql,
                                 stageChangedAt: Date(timeIntervalSince1970: 1_700_000_000), fitScore: 40,
                                 engagementScore: 12.5)
            lead.$campaign.id = campaignID
            lead.slaDueAt = due
            lead.priority = LeadPriority.b.rawValue
            try await lead.create(on: store.database)
            // act
            let read = try await LeadModel.find(lead.id, on: store.database)
            let costs = try await CampaignCostModel.query(on: store.database)
                .filter(\.$campaign.$id == campaignID).sort(\.$month).all()
            // check
            #expect(read?.stage == "mql")
            #expect(read?.slaDueAt == due)
            #expect(read?.engagementScore == 12.5)
            #expect(read?.$campaign.id == campaignID)
            #expect(costs.map(\.month) == ["2026-03", "2026-04"])
            #expect(costs.map(\.amountMinor).reduce(0, +) == 750_000)
        }
    }

    @Test("a campaign has at most one cost row per month")
    func oneCostPerMonth() async throws {
        try await withStore { store in
            let campaign = CampaignModel(name: "Trade fair", channel: "event")
            try await campaign.create(on: store.database)
            let id = try campaign.requireID()
            try await CampaignCostModel(campaignID: id, month: "2026-05", amountMinor: 1, currency: "EUR")
                .create(on: store.database)
            await #expect(throws: (any Error).self) {
                try await CampaignCostModel(campaignID: id, month: "2026-05", amountMinor: 2, currency: "EUR")
                    .create(on: store.database)
            }
        }
    }

    @Test("a touchpoint's event id is stored once")
    func eventIDIsUnique() async throws {
        try await withStore { store in
            let person = PersonModel(email: "cy@acme.example")
            try await person.create(on: store.database)
            let at = Date(timeIntervalSince1970: 1_700_000_000)
            let first = TouchpointModel(eventID: "evt-1", personID: try person.requireID(), kind: "attended",
                                        side: "marketing", channel: "webinar", occurredAt: at)
            try await first.create(on: store.database)
            await #expect(throws: (any Error).self) {
                try await TouchpointModel(eventID: "evt-1", personID: try person.requireID(), kind: "attended",
                                          side: "marketing", channel: "webinar", occurredAt: at)
                    .create(on: store.database)
            }
            // Touchpoints without an event id are not deduplicated.
            for _ in 0..<2 {
                try await TouchpointModel(personID: try person.requireID(), kind: "visited", side: "marketing",
                                          channel: "website", occurredAt: at).create(on: store.database)
            }
            let count = try await TouchpointModel.query(on: store.database).count()
            #expect(count == 3)
        }
    }
}
