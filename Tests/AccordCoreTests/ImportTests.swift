import Foundation
import Testing
@testable import AccordCore

/// Recognising CRM exports by their headers, reading their dates and lifecycle values, and naming every problem.
@Suite struct ImportTests {
    @Test("Salesforce and HubSpot files are told apart by their headers, API names or labels")
    func detection() throws {
        let salesforceLeads = try ImportPlan.make(headers: ["Id", "FirstName", "LastName", "Email", "Company", "Status", "IsConverted"],
                                                  source: nil, object: nil)
        #expect(salesforceLeads.source == .salesforce && salesforceLeads.object == .leads)
        let contacts = try ImportPlan.make(headers: ["Contact ID", "First Name", "Last Name", "Email", "Account ID"], source: nil, object: nil)
        #expect(contacts.source == .salesforce && contacts.object == .contacts)
        let hubspot = try ImportPlan.make(headers: ["Record ID", "First Name", "Email", "Lifecycle Stage", "Notes"], source: nil, object: nil)
        #expect(hubspot.source == .hubspot && hubspot.object == .contacts)
        #expect(hubspot.unrecognized == ["Notes"])
        let names = try ImportPlan.make(headers: ["hs_object_id", "email", "lifecyclestage", "hs_lead_status", "createdate"], source: nil, object: nil)
        #expect(names.source == .hubspot && names.columns.values.contains(.lifecycle))
        let companies = try ImportPlan.make(headers: ["Record ID", "Company name", "Company Domain Name"], source: nil, object: nil)
        #expect(companies.object == .companies)
        #expect(throws: ImportSetupError.self) { try ImportPlan.make(headers: ["Name", "Value"], source: nil, object: nil) }
        #expect(throws: ImportSetupError.self) { try ImportPlan.make(headers: ["Id", "Name"], source: .hubspot, object: .campaigns) }
        #expect(throws: ImportSetupError.self) { try ImportPlan.make(headers: ["Id", "Contact ID", "Email"], source: .salesforce, object: .contacts) }
        let mapped = try ImportPlan.make(headers: ["Id", "Contact ID", "E-Mail-Adresse"], source: .salesforce, object: .contacts,
                                         mapping: ImportMapping(columns: [HeaderCatalog.key("Contact ID"): .ignore, HeaderCatalog.key("E-Mail-Adresse"): .email]))
        #expect(mapped.columns == [0: .externalID, 2: .email])
    }

    @Test("dates: ISO forms, epoch milliseconds, slashes read the only way they can; ambiguous ones refused unless ordered")
    func dates() {
        let reader = ImportDateReader()
        func day(_ text: String, _ reader: ImportDateReader = ImportDateReader()) -> String? {
            if case let .success(date) = reader.read(text) { return ISOTimestamp.format(date) }
            return nil
        }
        #expect(day("2025-03-04") == "2025-03-04T00:00:00.000Z")
        #expect(day("2025-03-04T10:00:00.000Z") == "2025-03-04T10:00:00.000Z")
        #expect(day("2025-03-04T10:00:00.000+0100") == "2025-03-04T09:00:00.000Z")
        #expect(day("2025-03-04 10:05") == "2025-03-04T10:05:00.000Z")
        #expect(day("1741082400000") == "2025-03-04T10:00:00.000Z")
        #expect(day("13/04/2025") == "2025-04-13T00:00:00.000Z")
        #expect(day("4/13/2025 2:30 PM") == "2025-04-13T14:30:00.000Z")
        #expect(day("03/04/2025") == nil)
        if case let .failure(error) = reader.read("03/04/2025") { #expect(error.problem.contains("ambiguous")) }
        #expect(day("03/04/2025", ImportDateReader(order: .dmy)) == "2025-04-03T00:00:00.000Z")
        #expect(day("03/04/2025", ImportDateReader(order: .mdy)) == "2025-03-04T00:00:00.000Z")
        #expect(day("05/05/2025") == "2025-05-05T00:00:00.000Z")
        #expect(day("2025-02-30") == nil)
        #expect(day("yesterday") == nil)
    }

    @Test("lifecycle: HubSpot stages and Salesforce statuses map to lead stages; unknown values are problems, never dropped")
    func lifecycle() throws {
        let plan = try ImportPlan.make(headers: ["Record ID", "Email", "Lifecycle Stage", "Lead Status"], source: .hubspot, object: .contacts)
        let reader = ImportRowReader(plan: plan)
        func stage(_ values: [String]) -> LeadStage?? {
            if case let .record(.person(person)) = reader.read(values) { return .some(person.stage) }
            return nil
        }
        #expect(stage(["1", "a@x.example", "marketingqualifiedlead", ""]) == .some(.mql))
        #expect(stage(["1", "a@x.example", "Sales Qualified Lead", ""]) == .some(.sql))
        #expect(stage(["1", "a@x.example", "subscriber", ""]) == .some(nil))
        #expect(stage(["1", "a@x.example", "lead", "UNQUALIFIED"]) == .some(.rejected))
        guard case let .problems(problems, unknown) = reader.read(["1", "a@x.example", "nurture", ""]) else { Issue.record("accepted"); return }
        #expect(problems.map(\.field) == ["Lifecycle Stage"] && problems[0].problem.contains("'nurture'") && unknown == ["nurture"])
        let mapped = ImportRowReader(plan: plan, lifecycle: LifecycleMap(overrides: ["nurture": .new]))
        if case let .record(.person(person)) = mapped.read(["1", "a@x.example", "Nurture", ""]) { #expect(person.stage == .new) } else {
            Issue.record("the mapping was not used")
        }
        let salesforce = ImportRowReader(plan: try ImportPlan.make(headers: ["Id", "Email", "Status", "IsConverted"], source: .salesforce, object: .leads))
        if case let .record(.person(person)) = salesforce.read(["00Q1", "b@y.example", "Working - Contacted", "true"]) {
            #expect(person.stage == .sql && person.externalID == "salesforce:00Q1")
        } else {
            Issue.record("a converted lead was refused")
        }
    }

    @Test("every problem of a row is named by its column")
    func problems() throws {
        let plan = try ImportPlan.make(headers: ["Id", "Email", "CreatedDate", "HasOptedOutOfEmail"], source: .salesforce, object: .contacts)
        guard case let .problems(problems, _) = ImportRowReader(plan: plan).read(["003", "not-an-email", "03/04/2025", "maybe"]) else {
            Issue.record("accepted"); return
        }
        #expect(Set(problems.map(\.field)) == ["Email", "CreatedDate", "HasOptedOutOfEmail"])
    }

    @Test("mapping files: columns and stages, every bad entry named")
    func mappingFile() throws {
        let mapping = try ImportMapping.parse(Data(#"{"columns": {"Mail": "email"}, "stages": {"Nurture": "new", "other": null}}"#.utf8))
        #expect(mapping.columns["mail"] == .email && mapping.stages["nurture"] == .some(.new) && mapping.stages["other"] == .some(nil))
        let fields = Self.problemFields { try ImportMapping.parse(Data(#"{"columns": {"Mail": "e-mail"}, "stages": {"x": "hot"}, "extra": 1}"#.utf8)) }
        #expect(Set(fields) == ["mapping.columns.Mail", "mapping.stages.x", "mapping.extra"])
    }

    /// The fields a validation error names (empty when the call succeeded or failed otherwise).
    static func problemFields(_ body: () throws -> ImportMapping) -> [String] {
        do {
            _ = try body()
        } catch {
            if case let AccordError.validation(problems)? = error as? AccordError { return problems.map(\.field) }
        }
        return []
    }

    @Test("campaigns, members, opportunities, contact roles, deals and costs are recognised from their headers")
    func objectDetection() throws {
        func object(_ headers: [String]) throws -> (ImportSource, ImportObject) {
            let plan = try ImportPlan.make(headers: headers, source: nil, object: nil, mapping: ImportMapping(currency: "EUR"))
            return (plan.source, plan.object)
        }
        #expect(try object(["Id", "Name", "Type", "StartDate", "EndDate"]) == (.salesforce, .campaigns))
        #expect(try object(["Id", "Name", "Type", "Industry", "Website"]) == (.salesforce, .accounts))
        #expect(try object(["Id", "CampaignId", "LeadId", "ContactId", "Status", "HasResponded"]) == (.salesforce, .campaignMembers))
        #expect(try object(["Opportunity ID", "Opportunity Name", "Account ID", "Amount", "Stage", "Close Date"]) == (.salesforce, .opportunities))
        #expect(try object(["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"]) == (.salesforce, .contactRoles))
        #expect(try object(["Record ID", "Deal Name", "Deal Stage", "Amount", "Associated Company ID"]) == (.hubspot, .deals))
        #expect(try object(["campaign_id", "month", "amount", "currency"]) == (.salesforce, .campaignCosts))
        // amounts need a currency: a column or the mapping's
        #expect(throws: ImportSetupError.self) {
            try ImportPlan.make(headers: ["Id", "Name", "AccountId", "Amount", "StageName", "CreatedDate"], source: nil, object: nil)
        }
        #expect(throws: ImportSetupError.self) { try ImportPlan.make(headers: ["Id", "CampaignId", "Status"], source: .salesforce, object: .campaignMembers) }
    }

    @Test("amounts as CRMs and spreadsheets write them, in the currency's minor units")
    func amounts() {
        #expect(ImportAmount.minor("12500", currency: "EUR") == 1_250_000)
        #expect(ImportAmount.minor("12,500.50", currency: "USD") == 1_250_050)
        #expect(ImportAmount.minor("12.500,50", currency: "EUR") == 1_250_050)
        #expect(ImportAmount.minor("12,500", currency: "EUR") == 1_250_000)
        #expect(ImportAmount.minor("12,5", currency: "EUR") == 1_250)
        #expect(ImportAmount.minor("€ 1 200", currency: "EUR") == 120_000)
        #expect(ImportAmount.minor("$-3.5", currency: "USD") == -350)
        #expect(ImportAmount.minor("1500", currency: "JPY") == 1_500)
        #expect(ImportAmount.minor("1.5", currency: "JPY") == nil)
        #expect(ImportAmount.minor("1.234", currency: "KWD") == 1_234)
        #expect(ImportAmount.minor("12.345", currency: "EUR") == 1_234_500)  // a lone dot before three digits: thousands
        #expect(ImportAmount.minor("1.2.3,4,5", currency: "EUR") == nil)
        #expect(ImportAmount.minor("ten", currency: "EUR") == nil)
        #expect(ExportTable.decimal(Money(amountMinor: -1_250_005, currency: "EUR")) == "-12500.05")
        #expect(ExportTable.decimal(Money(amountMinor: 1_500, currency: "JPY")) == "1500")
    }

    @Test("deal outcomes from flags, stage names or the mapping; member statuses to touch kinds; unknown values named")
    func outcomesAndStatuses() throws {
        let deals = try ImportPlan.make(headers: ["Record ID", "Deal Name", "dealstage", "Associated Company ID", "Create Date", "Close Date", "Amount", "Currency"],
                                        source: nil, object: nil)
        let reader = ImportRowReader(plan: deals, mapping: ImportMapping(outcomes: ["signed": .won]))
        func status(_ stage: String) -> OpportunityStatus? {
            if case let .record(.opportunity(deal)) = reader.read(["9", "Big", stage, "77", "2025-01-01", "2025-02-01", "1,000", "usd"]) {
                return deal.status
            }
            return nil
        }
        #expect(status("closedwon") == .won && status("Closed Lost") == .lost && status("appointmentscheduled") == .open && status("Signed") == .won)
        if case let .record(.opportunity(deal)) = reader.read(["9", "Big", "qualifiedtobuy", "77", "2025-01-01", "2025-02-01", "1,000", "usd"]) {
            #expect(deal.closedAt == nil && deal.amountMinor == 100_000 && deal.currency == "USD" && deal.account == "hubspot:77")
        }
        let members = ImportRowReader(plan: try ImportPlan.make(headers: ["Id", "CampaignId", "ContactId", "Status", "CreatedDate"], source: nil, object: nil),
                                      mapping: ImportMapping(statuses: ["boothvisit": .some(.attended), "sent": TouchpointKind?.none]))
        func kind(_ status: String) -> TouchpointKind?? {
            if case let .record(.member(member)) = members.read(["00v1", "701A", "003A", status, "2025-03-01"]) { return .some(member.kind) }
            return nil
        }
        #expect(kind("Responded") == .some(.replied) && kind("Booth Visit") == .some(.attended) && kind("Sent") == .some(nil))
        guard case let .problems(problems, unknown) = members.read(["00v1", "701A", "003A", "Waitlisted", ""]) else { Issue.record("accepted"); return }
        #expect(unknown == ["Waitlisted"] && Set(problems.map(\.field)) == ["Status", "CreatedDate"])
    }
}
