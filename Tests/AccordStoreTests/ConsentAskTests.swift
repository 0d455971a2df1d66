import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing

/// A check that finds many protected accounts asks their owners at once: a request, a due-time job, a webhook and
/// an audit event per account, one message per owner.
@Suite struct ConsentAskTests {
    @Test("1,200 accounts of three owners: 1,200 requests, jobs, webhooks and audit events; three messages; asked once")
    func many() async throws {
        try await withStore { store in
            let database = store.database
            let now = try #require(ISOTimestamp.parse("2026-11-24T12:00:00Z"))
            let owners = (0..<3).map { UserModel(email: "owner\($0)@accord.example", name: "Owner \($0)", role: "sales_rep") }
            for owner in owners { try await owner.create(on: database) }
            let accounts = (0..<1_200).map { AccountModel(name: "Account \($0)", ownerID: owners[$0 % 3].id) }
            try await BulkInsert.models(accounts, on: database)
            let campaign = CampaignModel(name: "Spring launch", channel: "email")
            try await campaign.create(on: database)
            let endpoint = WebhookEndpointModel()
            endpoint.url = "http://127.0.0.1:9/hook"
            endpoint.events = #"["consent.requested"]"#
            endpoint.secret = "whsec_test"
            endpoint.isActive = true
            try await endpoint.create(on: database)
            let asking = Dictionary(uniqueKeysWithValues: accounts.enumerated().map { index, account in
                (account.id!, Consents.Owner(userID: owners[index % 3].id!, teamID: nil))
            })
            let actor = AuditActor(userID: nil, label: "Mia Marketer")
            let first = try await database.writeTransaction { database in
                try await Consents.askAll(campaign: campaign, owners: asking, by: actor, policy: .standard, at: now, on: database)
            }
            #expect(first.asked == 1_200 && first.rows.count == 1_200)
            #expect(first.rows.map(\.$account.id) == accounts.map { $0.id! }.sorted())
            #expect(try await ConsentRequestModel.query(on: database).filter(\.$state == "pending").count() == 1_200)
            let jobs = try await JobModel.query(on: database).filter(\.$kind == Consents.jobKind).all()
            #expect(jobs.count == 1_200 && Set(jobs.compactMap(\.uniqueKey)).count == 1_200)
            #expect(jobs.allSatisfy { abs($0.runAt.timeIntervalSince(now) - 48 * 3_600) < 1 })
            #expect(try await WebhookDeliveryModel.query(on: database).filter(\.$eventType == "consent.requested").count() == 1_200)
            #expect(try await AuditEventModel.query(on: database).filter(\.$action == "consent:request").count() == 1_200)
            let told = try await NotificationModel.query(on: database).filter(\.$kind == "consent.requested").all()
            #expect(told.count == 3 && Set(told.map(\.$user.id)) == Set(owners.map { $0.id! }))
            #expect(told.allSatisfy { $0.title == "Consent asked: Spring launch → 400 of your accounts" && $0.body.contains("and 390 more") },
                    "\(told.map(\.title))")
            #expect(try await JobModel.query(on: database).filter(\.$kind == Mailbox.jobKind).count() == 3)
            // asked again while the requests are open: nothing new
            let again = try await database.writeTransaction { database in
                try await Consents.askAll(campaign: campaign, owners: asking, by: actor, policy: .standard,
                                          at: now.addingTimeInterval(60), on: database)
            }
            #expect(again.asked == 0 && again.rows.map(\.id) == first.rows.map(\.id))
            #expect(try await ConsentRequestModel.query(on: database).count() == 1_200)
            #expect(try await NotificationModel.query(on: database).filter(\.$kind == "consent.requested").count() == 3)
        }
    }
}
