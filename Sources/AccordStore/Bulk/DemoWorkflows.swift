import AccordCore
import FluentKit
import Foundation

/// The demo's requests to marketing and its collateral in proofing over the last three months, made through the same
/// services as the API (so they carry audit events, inbox messages and jobs): Noah answers within hours, Olivia
/// takes days; some requests wait for information, some declines come with an alternative and one is appealed; a
/// few are still open, one of them overdue. One-pagers approve on silence after a day; one went that way.
/// Deterministic for a seed.
public enum DemoWorkflows {
    static let requestTitles: [(RequestKind, String, String)] = [
        (.event, "Customer dinner for the renewal committee", "Three renewals in the region want to meet our product leads"),
        (.collateral, "One-pager on the data residency options", "Two prospects ask where their data lives before signing"),
        (.campaign, "Webinar for the manufacturing accounts", "Our manufacturing pipeline stalls at the technical evaluation"),
        (.targetList, "List of CFOs at our open opportunities", "We need the economic buyers in the deals closing this quarter"),
        (.event, "Booth at the regional trade fair", "Our top ten accounts exhibit there; a meeting room would help"),
        (.collateral, "Case study of the logistics rollout", "Prospects ask for proof from their own industry"),
        (.other, "Translate the pricing sheet into German", "DACH prospects forward it internally and it gets lost"),
        (.campaign, "Nurture for the lost deals of last year", "Twenty deals lost on timing may be ready now"),
    ]

    public static func write(_ company: DemoCompany, asOf: Date, seed: UInt64, on database: any Database) async throws {
        try await database.writeTransaction { database in
            try await writeInTransaction(company, asOf: asOf, seed: seed, on: database)
            try await DemoPressure.write(company, asOf: asOf, seed: seed, on: database)
        }
    }

    static func writeInTransaction(_ company: DemoCompany, asOf: Date, seed: UInt64, on database: any Database) async throws {
        var random = SeededGenerator(seed: seed ^ 0x5EED_0F_4E0E5)
        let reps = company.users.filter { $0.role == .rep }
        let marketers = company.users.filter { $0.role == .marketer }
        let managers = company.users.filter { $0.role == .salesManager }
        guard !reps.isEmpty, marketers.count >= 2, !managers.isEmpty else { return }
        let models = try await UserModel.query(on: database).all()
        func model(_ user: User) -> UserModel? { models.first { $0.id == user.id } }
        func actor(_ user: User) -> AuditActor { AuditActor(userID: user.id, label: user.email) }
        do {
            // requests: 3 a week for 12 weeks, the newest still open
            for index in 0..<36 {
                let submitted = asOf.addingTimeInterval(-84 * 86_400 * (1 - Double(index) / 36) - Double(random.next() % 28_800))
                let rep = reps[Int(random.next() % UInt64(reps.count))]
                guard let requester = model(rep) else { continue }
                let (kind, title, details) = requestTitles[index % requestTitles.count]
                let input = RequestInput(kind: kind, title: title, details: details,
                                         expectedPipeline: Money(amountMinor: Int64(5 + random.next() % 60) * 1_000_000, currency: "EUR"),
                                         accountIDs: company.accounts.isEmpty ? []
                                            : [company.accounts[Int(random.next() % UInt64(company.accounts.count))].id],
                                         wantedBy: CalendarDate.startOfDay(submitted.addingTimeInterval(Double(14 + random.next() % 30) * 86_400)))
                let request = try await Requests.submit(input, requester: requester, by: actor(rep), at: submitted, on: database)
                let fast = index % 3 != 0  // Noah takes two in three, within hours; Olivia the rest, in days
                let marketer = fast ? marketers[0] : marketers[1]
                var at = submitted.addingTimeInterval(fast ? Double(2 + random.next() % 6) * 3_600 : Double(30 + random.next() % 50) * 3_600)
                // The three newest still wait for marketing (the oldest of them overdue by now); the one before them
                // waits for the requester's information.
                guard at < asOf, index < 33 else { continue }
                if index == 32 {
                    try await Requests.apply(.askInfo(question: "Which budget line would this come from?"), to: request,
                                             by: actor(marketer), at: at, on: database)
                    continue
                }
                if index % 5 == 2 {
                    try await Requests.apply(.askInfo(question: "Which accounts exactly, and who would attend?"), to: request,
                                             by: actor(marketer), at: at, on: database)
                    at = at.addingTimeInterval(Double(4 + random.next() % 20) * 3_600)
                    guard at < asOf else { continue }
                    try await Requests.apply(.provideInfo(answer: "The three renewals named; their CIOs and heads of data"),
                                             to: request, by: actor(rep), at: at, on: database)
                    at = at.addingTimeInterval(Double(1 + random.next() % 8) * 3_600)
                    guard at < asOf else { continue }
                }
                if index % 4 == 3 {
                    try await Requests.apply(.decline(reason: "Not within this quarter's budget", alternative: index % 8 == 3
                                                        ? "A joint webinar with the partner, which they fund" : nil),
                                             to: request, by: actor(marketer), at: at, on: database)
                    if index == 7, let manager = managers.first {
                        at = at.addingTimeInterval(6 * 3_600)
                        try await Requests.apply(.appeal(reason: "A large renewal depends on it"), to: request, by: actor(rep),
                                                 at: at, on: database)
                        try await Requests.apply(.decideAppeal(.overturn, reason: "The renewal is worth it"), to: request,
                                                 by: actor(manager), at: at.addingTimeInterval(5 * 3_600), on: database)
                    }
                } else {
                    try await Requests.apply(.accept(ownerID: marketer.id, deliveryDate: input.wantedBy, note: nil), to: request,
                                             by: actor(marketer), at: at, on: database)
                    if input.wantedBy < asOf {
                        try await Requests.apply(.deliver(note: "Done"), to: request, by: actor(marketer), at: input.wantedBy,
                                                 on: database)
                    }
                }
            }
            // collateral: one-pagers approve on silence after a day
            if try await AssetPolicyModel.find(AssetType.onePager.rawValue, on: database) == nil {
                try await AssetPolicyModel(type: .onePager, policy: AssetPolicy(silencePolicy: .approveOnSilence, graceHours: 24))
                    .create(on: database)
            }
            let types: [AssetType] = [.brochure, .deck, .onePager, .email, .brochure, .onePager, .deck, .email]
            for (index, type) in types.enumerated() {
                let created = asOf.addingTimeInterval(-Double(70 - index * 9) * 86_400)
                let marketer = marketers[index % marketers.count]
                let reviewers = [AssetInput.Reviewer(userID: managers[index % max(1, managers.count)].id, required: true),
                                 AssetInput.Reviewer(userID: reps[index % reps.count].id, required: index % 2 == 0)]
                let asset = try await Proofing.create(
                    AssetInput(title: "\(["Spring", "Partner", "Industry", "Launch"][index % 4]) \(type.rawValue.replacingOccurrences(of: "_", with: " ")) \(index + 1)",
                               type: type, dueAt: created.addingTimeInterval(3 * 86_400), reviewers: reviewers),
                    by: actor(marketer), at: created, on: database)
                _ = try await Proofing.addVersion(asset, filename: "\(type.rawValue)-v1.\(type == .email ? "html" : "pdf")",
                                                  content: sample(type, version: 1), note: "First draft", substantive: false,
                                                  by: actor(marketer), at: created.addingTimeInterval(3_600), on: database)
                guard index < types.count - 2 else { continue }  // the two newest wait for their reviewers
                let lead = reviewers[0]
                if index == 2 { continue }  // the sales manager stays silent: the one-pager goes out on silence
                try await review(asset, lead.userID, .requestChanges, "Prices on page 2 are last year's", version: 1,
                                 at: created.addingTimeInterval(Double(20 + random.next() % 30) * 3_600), on: database)
                _ = try await Proofing.addVersion(asset, filename: "\(type.rawValue)-v2.\(type == .email ? "html" : "pdf")",
                                                  content: sample(type, version: 2), note: "New prices", substantive: false,
                                                  by: actor(marketer), at: created.addingTimeInterval(80 * 3_600), on: database)
                for reviewer in reviewers {
                    try await review(asset, reviewer.userID, .approve, nil, version: 2,
                                     at: created.addingTimeInterval(Double(82 + random.next() % 40) * 3_600), on: database)
                }
            }
        }
    }

    static func review(_ asset: AssetModel, _ user: UUID, _ decision: ReviewDecision, _ comment: String?, version: Int,
                       at: Date, on database: any Database) async throws {
        guard let reviewer = try await UserModel.find(user, on: database), asset.assetState == .inReview else { return }
        _ = try await Proofing.review(asset, ReviewInput(version: version, decision: decision, comment: comment),
                                      by: AuditActor(userID: user, label: reviewer.email), at: at, on: database)
    }

    /// A tiny valid file of the type's usual kind.
    static func sample(_ type: AssetType, version: Int) -> Data {
        if type == .email {
            return Data("<!DOCTYPE html><html><body><h1>Version \(version)</h1><p>Hello from Accord's demo.</p></body></html>\n".utf8)
        }
        return Data("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% version \(version)\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    }
}
