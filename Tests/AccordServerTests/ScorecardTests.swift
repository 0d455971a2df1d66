import AccordCore
import AccordStore
import FluentKit
import Foundation
import Testing
import Vapor

@testable import AccordServer

/// The shared scorecard through the API, the page, the CSV export and the weekly digest, on both databases.
@Suite struct ScorecardTests {
    static func time(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    /// A lead qualified at `at`, answered after `hours` (in time when `met`), owned by `owner`.
    static func lead(_ app: Application, owner: UUID, at: String, hours: Double, met: Bool, stage: LeadStage = .sal) async throws {
        let person = try await app.create("/api/v1/persons", #"{"email": "p-\#(UUID().uuidString.prefix(8))@lead.example"}"#)
        let qualified = time(at)
        let lead = LeadModel(personID: UUID(uuidString: person)!, ownerID: owner, stage: stage, stageChangedAt: qualified)
        lead.qualifiedAt = qualified
        lead.slaDueAt = qualified.addingTimeInterval(4 * 3_600)
        lead.firstActionAt = qualified.addingTimeInterval(hours * 3_600)
        lead.decidedAt = lead.firstActionAt
        lead.speedToLeadSeconds = Int(hours * 3_600)
        lead.speedToLeadBusinessSeconds = Int(hours * 3_600)
        lead.slaMet = met
        try await lead.create(on: app.db)
    }

    static func figure(_ json: JSONValue, _ id: String) -> JSONValue? {
        guard case let .array(figures)? = json["figures"] else { return nil }
        return figures.first { $0["id"]?.stringValue == id }
    }

    @Test("nearest-rank percentiles computed in SQL, SLA figures, the week before, a rep's own scorecard, CSV and bad input")
    func handMade() async throws {
        try await withAccordApp { app in
            let ana = try await app.makeUser(role: .rep, team: "Sales A")
            let ben = try await app.makeUser(role: .rep, team: "Sales A")
            // Week 2026-W11 (Monday 9 March): Ana answers after 1, 10 and 2 hours, Ben after 5.
            try await Self.lead(app, owner: ana.id, at: "2026-03-10T09:00:00Z", hours: 1, met: true)
            try await Self.lead(app, owner: ana.id, at: "2026-03-11T09:00:00Z", hours: 10, met: false)
            try await Self.lead(app, owner: ana.id, at: "2026-03-12T09:00:00Z", hours: 2, met: true, stage: .rejected)
            try await Self.lead(app, owner: ben.id, at: "2026-03-13T09:00:00Z", hours: 5, met: false)
            // the week before: one lead of Ben's
            try await Self.lead(app, owner: ben.id, at: "2026-03-03T09:00:00Z", hours: 3, met: true)
            let answer = try await app.send(.GET, "/api/v1/scorecard?period=week&at=2026-03-11&by=rep")
            #expect(answer.status == .ok, "\(answer.json)")
            let timing = answer.headers.first(name: "Server-Timing") ?? ""
            #expect(timing.hasPrefix("leads;dur=") && timing.contains(", percentiles;dur=") && timing.contains(", scorecard;dur="),
                    "the scorecard says where its time went: \(timing)")
            let json = answer.json
            #expect(json["period"]?["label"]?.stringValue == "2026-W11" && json["previousPeriod"]?["label"]?.stringValue == "2026-W10")
            // all four: 1, 2, 5, 10 hours → median rank 2 = 2 h, 90th percentile rank 4 = 10 h
            #expect(Self.figure(json, "speedToLeadMedianHours")?["value"] == .integer(2), "\(json)")
            #expect(Self.figure(json, "speedToLeadP90Hours")?["value"] == .integer(10))
            #expect(Self.figure(json, "speedToLeadMedianHours")?["previous"] == .integer(3))
            #expect(Self.figure(json, "slaCompliance")?["value"] == .number(0.5))
            #expect(Self.figure(json, "mqls")?["value"] == .integer(4) && Self.figure(json, "mqls")?["trend"]?.stringValue == "better")
            #expect(Self.figure(json, "acceptanceRate")?["value"] == .number(0.75))
            #expect(json["revenueAtRisk"]?["breachedLeads"] == .integer(2))
            guard case let .array(groups)? = json["groups"] else { Issue.record("no groups"); return }
            #expect(groups.count == 2)
            let anaRow = try #require(groups.first { $0["key"]?.stringValue?.lowercased() == ana.id.uuidString.lowercased() })
            // Ana alone: 1, 2, 10 → median 2 h, 90th percentile 10 h; the same rule as Core's NearestRank
            #expect(Self.figure(anaRow, "speedToLeadMedianHours")?["value"] == .integer(2))
            #expect(NearestRank.percentile(90, of: [1, 10, 2]) == 10 && NearestRank.percentile(50, of: [1, 10, 2]) == 2)
            #expect(Self.figure(anaRow, "mqlTarget") == nil, "targets are the team's")
            guard case let .array(heat)? = json["heatmap"] else { Issue.record("no heatmap"); return }
            #expect(heat.count == 2)
            // A rep's scorecard is their own leads.
            let own = try await app.send(.GET, "/api/v1/scorecard?period=week&at=2026-03-11&by=rep", token: ana.token)
            #expect(own.status == .ok && Self.figure(own.json, "mqls")?["value"] == .integer(3))
            guard case let .array(ownGroups)? = own.json["groups"] else { Issue.record("no groups"); return }
            #expect(ownGroups.count == 1 && ownGroups[0]["key"]?.stringValue?.lowercased() == ana.id.uuidString.lowercased())
            // Bad input names every field; nothing else is a parameter.
            let bad = try await app.send(.GET, "/api/v1/scorecard?period=year&by=region&at=soon&format=xml&colour=red")
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.problemFields) == ["period", "by", "at", "format", "colour"], "\(bad.json)")
            let empty = try await app.send(.GET, "/api/v1/scorecard?by=")
            #expect(empty.status == .unprocessableEntity && empty.problemFields == ["by"], "\(empty.json)")
            #expect(try await app.send(.GET, "/api/v1/scorecard", token: nil).status == .unauthorized)
            // CSV
            let csv = try await app.send(.GET, "/api/v1/scorecard?period=week&at=2026-03-11&by=rep&format=csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.text.hasPrefix("period,previous_period,key,label,figure,side,unit,value,previous,change,currency\n"))
            #expect(csv.text.contains("2026-W11,2026-W10,total,Everyone,speedToLeadP90Hours,sales,hours,10,3,7,"))
        }
    }

    @Test("the demo: revenue at risk is clearly positive (slow reps convert less); the page draws its charts; the digest goes out")
    func demo() async throws {
        try await withAccordApp { app in
            let asOf = Self.time("2026-11-20T12:00:00Z")
            let company = DemoCompany.generate(scale: 0.5, seed: 42, asOf: asOf)
            try await DemoWriter.write(company, to: app.db, intoEmpty: false)
            try await DemoWorkflows.write(company, asOf: asOf, seed: 42, on: app.db)
            let card = try await ScorecardData.load(.init(kind: .quarter, at: Self.time("2026-09-15T12:00:00Z"), dimension: .rep,
                                                          timeZone: .gmt, now: asOf), on: app.db)
            let risk = card.risk
            let onTime = try #require(risk.onTimeConversion), late = try #require(risk.lateConversion)
            #expect(onTime > late * 1.3, "on time \(onTime), late \(late)")
            let amount = try #require(card.total.current.atRiskMinor)
            #expect(card.total.current.breached > 10 && amount > 1_000_000, "breached \(card.total.current.breached), \(amount)")
            #expect(abs(amount - Double(card.total.current.breached) * (onTime - late) * risk.averageWonDealMinor!) < 1)
            // the slow reps (the demo's Clara and Grace) answer in time less often than the rest
            let compliance = Dictionary(uniqueKeysWithValues: card.groups.map { ($0.label, $0.current.value(.slaCompliance) ?? 0) })
            let slow = ["Clara Wolf", "Grace Lee"].compactMap { compliance[$0] }
            let others = compliance.filter { !["Clara Wolf", "Grace Lee"].contains($0.key) }.values
            #expect(slow.count == 2 && slow.max()! < others.min()!, "\(compliance)")
            // The page: every chart with a title and a text alternative.
            let manager = try await FeedbackPagesTests.member(app, "sales_manager", team: nil)
            let page = try await manager.browser.request(.GET, "/scorecard?period=quarter&at=2026-09-15")
            let html = page.body.string
            #expect(page.status == .ok)
            for chart in ["funnel", "volume", "compliance", "by-group", "heatmap"] {
                #expect(html.contains("<title id=\"\(chart)-title\">") && html.contains("<desc id=\"\(chart)-desc\">"), "\(chart)")
            }
            #expect(html.contains("Revenue at risk from stale leads") && html.contains(RevenueAtRisk.method.prefix(40)))
            #expect(html.contains("id=\"figure-speedToLeadMedianHours\""))
            // The digest: every active user's inbox and email, one webhook.
            let admin = try await app.makeUser(role: .admin, scopes: [.admin]).token
            let hook = try await app.send(.POST, "/api/v1/webhooks", #"{"url": "http://127.0.0.1:9/hook", "events": ["scorecard.digest"]}"#,
                                          token: admin)
            #expect(hook.status == .created, "\(hook.json)")
            let users = try await UserModel.query(on: app.db).filter(\.$isActive == true).count()
            try await DigestJob.send(at: Self.time("2026-11-20T13:00:00Z"), timeZone: .gmt, on: app.db)
            let digests = try await NotificationModel.query(on: app.db).filter(\.$kind == DigestJob.jobKind).all()
            #expect(digests.count == users)
            #expect(digests.allSatisfy { $0.title.hasPrefix("Weekly digest 2026-W46") && $0.body.contains("Who is waiting on whom") })
            #expect(digests.contains { $0.body.hasPrefix("Your scorecard") } && digests.contains { $0.body.contains("lead(s) past their SLA") })
            #expect(try await WebhookDeliveryModel.query(on: app.db).filter(\.$eventType == "scorecard.digest").count() == 1)
            #expect(try await JobModel.query(on: app.db).filter(\.$kind == Mailbox.jobKind).count() >= users)
            // The next run is Monday 07:00.
            #expect(DigestJob.nextRun(after: Self.time("2026-11-16T07:00:00Z"), timeZone: .gmt) == Self.time("2026-11-23T07:00:00Z"))
            #expect(DigestJob.nextRun(after: Self.time("2026-11-18T10:00:00Z"), timeZone: .gmt) == Self.time("2026-11-23T07:00:00Z"))
        }
    }
}
