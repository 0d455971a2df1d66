import AccordCore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
@testable import AccordStore

/// Salesforce campaigns, members, opportunities and contact roles, HubSpot deals and monthly costs: linked to what
/// they name, idempotent, and refused (with the file to import first) when what they name is missing.
@Suite struct CRMRecordImportTests {
    static let actor = CSVImportTests.actor

    static func run(_ name: String, _ text: String, _ options: CSVImporter.Options = .init(), _ database: any Database)
        async throws -> CSVImporter.Report {
        try await CSVImporter.run(file: try CSVImportTests.file(name, text), options: options, actor: actor, on: database)
    }

    static let campaigns = """
        Id,Name,Type,StartDate,EndDate,Supplier__c
        701A,Spring Summit,Conference,2025-03-01,2025-03-03,EventCo
        701B,Product Webinar,Webinar,2025-04-10,,
        701C,Ads,Roadshow,,,

        """
    static let members = """
        Id,CampaignId,LeadId,ContactId,Email,Status,FirstRespondedDate,CreatedDate
        00vA,701A,,003A,,Attended,2025-03-02T10:00:00Z,2025-02-20T10:00:00Z
        00vB,701B,,,lee@globex.example,Registered,,2025-04-01T09:00:00Z
        00vC,701B,,003A,,Sent,,2025-04-01T09:00:00Z

        """
    static let opportunities = """
        Opportunity ID,Opportunity Name,Account ID,Amount,Opportunity Currency,Stage,Closed,Won,Close Date,Created Date
        006A,Acme expansion,001A,"125,000.00",EUR,Closed Won,true,true,2025-06-30,2025-04-01
        006B,Globex pilot,001B,9500,USD,Negotiation,false,false,2025-09-30,2025-05-01

        """
    static let roles = """
        Id,OpportunityId,ContactId,Role,IsPrimary
        00KA,006A,003A,Decision Maker,true
        00KB,006A,003B,Evaluator,false

        """

    @Test("Salesforce campaigns, members, opportunities and contact roles: linked, idempotent, missing references refused")
    func salesforce() async throws {
        try await withStore { store in try await Self.checkSalesforce(store.database) }
    }

    static func checkSalesforce(_ database: any Database) async throws {
        _ = try await run("accounts.csv", CSVImportTests.accounts, .init(), database)
        _ = try await run("contacts.csv", CSVImportTests.contacts, .init(), database)
        // an unknown campaign type stops the file, named with the value
        let refused = try await run("campaigns.csv", campaigns, .init(), database)
        #expect(!refused.written && refused.unknownValues == ["Roadshow": 1] && refused.problems.map(\.column) == ["Type"])
        var mapped = CSVImporter.Options()
        mapped.mapping = ImportMapping(channels: ["roadshow": .event], statuses: ["sent": TouchpointKind?.none])
        let first = try await run("campaigns.csv", campaigns, mapped, database)
        #expect(first.object == .campaigns && first.created == 3 && first.written)
        let summit = try #require(try await CampaignModel.query(on: database).filter(\.$externalID == "salesforce:701A").first())
        #expect(summit.channel == "event" && summit.supplier == "EventCo" && summit.startsAt == CalendarDate.parse("2025-03-01"))
        // members: one by contact id, one by email; "Sent" mapped to no touch
        let joined = try await run("members.csv", members, mapped, database)
        #expect(joined.object == .campaignMembers && joined.created == 2 && joined.skipped == 1 && joined.rejected == 0)
        let touches = try await TouchpointModel.query(on: database).sort(\.$occurredAt).all()
        #expect(touches.map(\.kind) == ["attended", "registered"] && touches.map(\.channel) == ["event", "webinar"])
        #expect(touches[0].eventID == "salesforce:00vA" && touches[0].occurredAt == ISOTimestamp.parse("2025-03-02T10:00:00Z"))
        // the same file again changes nothing; a member whose status moved updates its touch
        let again = try await run("members.csv", members, mapped, database)
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 2)
        let moved = try await run("members2.csv", members.replacingOccurrences(of: "Registered,,", with: "Attended,2025-04-10T15:00:00Z,"), mapped, database)
        #expect(moved.updated == 1 && moved.created == 0)
        #expect(try await TouchpointModel.query(on: database).count() == 2)
        let attended = try await TouchpointModel.query(on: database).filter(\.$eventID == "salesforce:00vB").first()
        #expect(attended?.kind == "attended" && attended?.occurredAt == ISOTimestamp.parse("2025-04-10T15:00:00Z"))
        // a member of a campaign Accord does not have: the file is refused and says what to import first
        let stray = try await run("stray.csv", "Id,CampaignId,ContactId,Status,CreatedDate\n00vZ,701Z,003A,Attended,2025-05-01\n", .init(), database)
        #expect(!stray.written && stray.problems.first?.column == "CampaignId" && stray.problems.first?.problem.contains("import the campaign file first") == true)
        // opportunities with labels as headers, then their contact roles
        let deals = try await run("opportunities.csv", opportunities, .init(), database)
        #expect(deals.object == .opportunities && deals.created == 2 && deals.rejected == 0)
        let won = try #require(try await OpportunityModel.query(on: database).filter(\.$externalID == "salesforce:006A").with(\.$account).first())
        #expect(won.status == "won" && won.amountMinor == 12_500_000 && won.currency == "EUR" && won.account.name == "Acme GmbH")
        #expect(won.closedAt == CalendarDate.parse("2025-06-30") && won.stage == "Closed Won")
        let open = try #require(try await OpportunityModel.query(on: database).filter(\.$externalID == "salesforce:006B").first())
        #expect(open.status == "open" && open.closedAt == nil && open.amountMinor == 950_000 && open.currency == "USD")
        let people = try await run("roles.csv", roles, .init(), database)
        #expect(people.object == .contactRoles && people.created == 2)
        let decider = try #require(try await ContactRoleModel.query(on: database).filter(\.$role == "Decision Maker").with(\.$person).first())
        #expect(decider.isPrimary && decider.person.email == "kim.park@acme.example")
        for (name, text) in [("opportunities.csv", opportunities), ("roles.csv", roles)] {
            let repeated = try await run(name, text, .init(), database)
            #expect(repeated.created == 0 && repeated.updated == 0 && repeated.unchanged == 2, "\(name)")
        }
        // a deal closing: its row changes, the record follows
        let closed = try await run("opportunities2.csv", opportunities.replacingOccurrences(of: "Negotiation,false,false", with: "Closed Lost,true,false"), .init(), database)
        #expect(closed.updated == 1)
        #expect(try await OpportunityModel.query(on: database).filter(\.$externalID == "salesforce:006B").first()?.status == "lost")
    }

    @Test("HubSpot deals with their associated contacts; monthly costs by campaign id or name, ambiguity refused")
    func dealsAndCosts() async throws {
        try await withStore { store in try await Self.checkDealsAndCosts(store.database) }
    }

    static func checkDealsAndCosts(_ database: any Database) async throws {
        _ = try await run("companies.csv", "Record ID,Company name,Company Domain Name\n77,Acme,acme.example\n", .init(), database)
        _ = try await run("contacts.csv", "Record ID,Email,Associated Company ID\n1,ann@acme.example,77\n2,bob@acme.example,77\n", .init(), database)
        let deals = """
            Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Associated Company ID,Associated Contact IDs
            9001,Acme platform,closedwon,48000,2025-05-31,2025-02-01,77,1;2
            9002,Acme add-on,appointmentscheduled,1200.50,2025-12-31,2025-06-01,77,

            """
        // no currency column: the mapping must say which
        await #expect(throws: ImportSetupError.self) { try await run("deals.csv", deals, .init(), database) }
        var options = CSVImporter.Options()
        options.mapping = ImportMapping(currency: "GBP")
        let report = try await run("deals.csv", deals, options, database)
        #expect(report.object == .deals && report.created == 2)
        let platform = try #require(try await OpportunityModel.query(on: database).filter(\.$externalID == "hubspot:9001").with(\.$contactRoles).first())
        #expect(platform.status == "won" && platform.amountMinor == 4_800_000 && platform.currency == "GBP" && platform.contactRoles.count == 2)
        let again = try await run("deals.csv", deals, options, database)
        #expect(again.unchanged == 2 && again.created == 0)
        #expect(try await ContactRoleModel.query(on: database).count() == 2)
        // costs: Salesforce ids, a name, and a name two campaigns share
        _ = try await run("campaigns.csv", "Id,Name,Type\n701A,Summit,Conference\n701B,Ads,Banner Ads\n701C,Ads,Banner Ads\n", .init(), database)
        let costs = """
            Campaign ID,Campaign Name,Month,Amount,Currency
            701A,,2025-03,"12,000.00",EUR
            ,Summit,04/2025,500,EUR
            701A,,2025-03-15,"12,500.00",EUR

            """
        let written = try await run("costs.csv", costs, .init(), database)
        #expect(written.object == .campaignCosts && written.created == 2 && written.updated == 1 && written.rejected == 0)
        let march = try await CampaignCostModel.query(on: database).filter(\.$month == "2025-03").all()
        #expect(march.map(\.amountMinor) == [1_250_000])
        let ambiguous = try await run("costs2.csv", "campaign,month,amount,currency\nAds,2025-03,100,EUR\n", .init(), database)
        #expect(!ambiguous.written && ambiguous.problems.first?.problem.contains("2 campaigns are named 'Ads'") == true)
        let repeated = try await run("costs.csv", costs, .init(), database)
        // the file sets March twice, so importing it again re-applies both rows and ends where it was
        #expect(repeated.created == 0 && repeated.updated == 2 && repeated.unchanged == 1)
        #expect(try await CampaignCostModel.query(on: database).filter(\.$month == "2025-03").all().map(\.amountMinor) == [1_250_000])
    }

    @Test("a suppression list imports (addresses hashed, domains as they are); suppressed people are not imported")
    func suppressionList() async throws {
        try await withStore { store in try await Self.checkSuppressionList(store.database) }
    }

    static func checkSuppressionList(_ database: any Database) async throws {
        do {
            _ = try await run("contacts.csv", "Record ID,Email\n1,keep@acme.example\n", .init(), database)
            var options = CSVImporter.Options(object: .suppressions)
            let list = "Email Address,domain,reason\nKeep@Acme.example,,unsubscribed\n,rival.example,competitor\nnot-an-email,,\n"
            let refused = try await run("suppressions.csv", list, options, database)
            #expect(!refused.written && refused.problems.map(\.column) == ["Email Address"])
            options.skipInvalid = true
            options.rejectsPath = NSTemporaryDirectory() + "suppression-rejects-\(UUID().uuidString).csv"
            let report = try await run("suppressions.csv", list, options, database)
            #expect(report.written && report.created == 2 && report.rejected == 1)
            #expect(Suppressions.hash(try EmailAddress("Jane.Doe@example.org")) == "7f73355bf032dcbb8e5a3f51f1e4a8ba92ef1344de2d95382634cf91da6d6181")  // hashlib.sha256
            let entries = try await SuppressionModel.query(on: database).all()
            #expect(Set(entries.map(\.kind)) == ["email", "domain"] && !entries.contains { $0.value.contains("keep@") })
            #expect(try await PersonModel.query(on: database).filter(\.$email == "keep@acme.example").first()?.optedOut == true)
            let again = try await run("suppressions.csv", list, options, database)
            #expect(again.created == 0 && again.unchanged == 2)
            // people at a suppressed address or domain are left out of a contact import, and counted
            let people = try await run("contacts2.csv", "Record ID,Email\n2,new@rival.example\n3,new@acme.example\n4,a@sub.rival.example\n", .init(), database)
            #expect(people.created == 1 && people.suppressed == 2 && people.written)
            #expect(try await PersonModel.query(on: database).filter(\.$email ~~ ["new@rival.example", "a@sub.rival.example"]).count() == 0)
        }
    }
}
