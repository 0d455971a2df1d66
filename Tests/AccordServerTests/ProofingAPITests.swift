import AccordCore
import AccordServer
import AccordStore
import FluentKit
import Foundation
import Testing
import Vapor

/// Collateral proofing through the API: versions checked by their leading bytes, downloads as attachments, reviews
/// by reviewers only on the current version, a new version resetting what needs it, release, and deadlines with the
/// silence policy recorded as such.
@Suite struct ProofingAPITests {
    static let pdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    struct Cast {
        var marketer: (id: UUID, token: String)
        var salesLead: (id: UUID, token: String)
        var rep: (id: UUID, token: String)
        var outsider: (id: UUID, token: String)
        var salesManager: (id: UUID, token: String)
    }

    static func cast(_ app: Application) async throws -> Cast {
        let salesManager = try await app.makeUser(role: .salesManager, team: "Sales UK")
        let salesLead = try await app.makeUser(role: .salesManager, team: "Sales UK")
        let rep = try await app.makeUser(role: .rep, team: "Sales UK")
        try await UserModel.query(on: app.db).filter(\.$id == salesLead.id).set(\.$manager.$id, to: salesManager.id).update()
        return Cast(marketer: try await app.makeUser(role: .marketer), salesLead: salesLead, rep: rep,
                    outsider: try await app.makeUser(role: .rep, team: "Sales UK"), salesManager: salesManager)
    }

    /// An asset due in `hours` with the sales lead required and the rep optional.
    static func asset(_ app: Application, _ cast: Cast, type: String = "brochure", hours: Double = 48) async throws -> String {
        let due = ISOTimestamp.format(Date().addingTimeInterval(hours * 3_600))
        let made = try await app.send(.POST, "/api/v1/assets", """
            {"title": "Launch brochure", "type": "\(type)", "dueAt": "\(due)",
             "reviewers": [{"userId": "\(cast.salesLead.id)"}, {"userId": "\(cast.rep.id)", "required": false}]}
            """, token: cast.marketer.token)
        #expect(made.status == .created, "\(made.json)")
        return try #require(made.string("id"))
    }

    static func upload(_ app: Application, _ asset: String, filename: String, content: String, declared: String = "application/pdf",
                       substantive: Bool = false, token: String) async throws -> APIResponse {
        let boundary = "accord-test-boundary"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="file"; filename="\(filename)"\r
            Content-Type: \(declared)\r
            \r
            \(content)\r
            --\(boundary)\r
            Content-Disposition: form-data; name="note"\r
            \r
            New prices on page 2\r
            --\(boundary)\r
            Content-Disposition: form-data; name="substantive"\r
            \r
            \(substantive)\r
            --\(boundary)--\r

            """
        return try await app.send(.POST, "/api/v1/assets/\(asset)/versions", body,
                                  contentType: HTTPMediaType(type: "multipart", subType: "form-data",
                                                             parameters: ["boundary": boundary]), token: token)
    }

    static func review(_ app: Application, _ asset: String, _ body: String, _ token: String) async throws -> APIResponse {
        try await app.send(.POST, "/api/v1/assets/\(asset)/reviews", body, token: token)
    }

    static func reviews(_ response: APIResponse) -> [String: String] {
        guard case let .array(items)? = response["reviews"] else { return [:] }
        var result: [String: String] = [:]
        for case let .object(review) in items {
            if case let .string(id)? = review["reviewerId"], case let .string(state)? = review["state"] { result[id] = state }
        }
        return result
    }

    @Test("disguised and oversized uploads are refused and store nothing; a PDF is kept and downloaded as an attachment")
    func uploads() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let id = try await Self.asset(app, cast)
            // a program named .pdf with a PDF content type: refused by its first bytes
            let disguised = try await Self.upload(app, id, filename: "brochure.pdf", content: "MZ\u{90}\u{0}this program", token: cast.marketer.token)
            #expect(disguised.status == .unprocessableEntity && disguised.problemFields == ["file"])
            // a web page posing as a PDF for a deck (decks are PDF or Office)
            let deckID = try await Self.asset(app, cast, type: "deck")
            let page = try await Self.upload(app, deckID, filename: "deck.pdf", content: "<!DOCTYPE html><script>alert(1)</script>", token: cast.marketer.token)
            #expect(page.status == .unprocessableEntity && page.problemFields == ["file"])
            // larger than the limit (20 MB by default)
            let big = try await Self.upload(app, id, filename: "big.pdf", content: "%PDF-" + String(repeating: "a", count: 21 * 1_024 * 1_024), token: cast.marketer.token)
            #expect(big.status == .payloadTooLarge)
            // reps cannot upload; nothing was stored so far
            #expect(try await Self.upload(app, id, filename: "b.pdf", content: Self.pdf, token: cast.rep.token).status == .forbidden)
            #expect(try await AssetVersionModel.query(on: app.db).count() == 0)
            let stored = try await Self.upload(app, id, filename: "../../etc/Launch brochure.pdf", content: Self.pdf, token: cast.marketer.token)
            #expect(stored.status == .created, "\(stored.json)")
            #expect(stored.string("fileType") == "pdf" && stored.string("filename") == "Launch brochure.pdf")
            let download = try #require(stored.string("download"))
            let file = try await app.send(.GET, download, token: cast.rep.token)
            #expect(file.status == .ok)
            #expect(file.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            #expect(file.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(file.headers.first(name: .contentType) == "application/pdf")
            #expect(try await app.send(.GET, "/api/v1/assets/\(id)/versions/9/file", token: cast.rep.token).status == .notFound)
        }
    }

    @Test("only reviewers decide, on the current version; changes need a comment; a new version resets them; release when the required reviews approve")
    func reviews() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let id = try await Self.asset(app, cast)
            #expect(try await Self.review(app, id, #"{"version": 1, "decision": "approve"}"#, cast.salesLead.token).status == .conflict,
                    "no version yet")
            _ = try await Self.upload(app, id, filename: "v1.pdf", content: Self.pdf, token: cast.marketer.token)
            let outsider = try await Self.review(app, id, #"{"version": 1, "decision": "approve"}"#, cast.outsider.token)
            #expect(outsider.status == .forbidden)
            let noComment = try await Self.review(app, id, #"{"version": 1, "decision": "request_changes"}"#, cast.salesLead.token)
            #expect(noComment.status == .unprocessableEntity && noComment.problemFields == ["comment"])
            let changes = try await Self.review(app, id, #"{"version": 1, "decision": "request_changes", "comment": "The price on page 2 is last year's"}"#, cast.salesLead.token)
            #expect(Self.reviews(changes)[cast.salesLead.id.uuidString] == "changes_requested")
            let optional = try await Self.review(app, id, #"{"version": 1, "decision": "approve"}"#, cast.rep.token)
            #expect(optional.string("state") == "in_review", "an optional approval does not release")
            // version 2: the request for changes goes back to pending; the optional approval stays
            _ = try await Self.upload(app, id, filename: "v2.pdf", content: Self.pdf + "%v2", token: cast.marketer.token)
            let after = try await app.send(.GET, "/api/v1/assets/\(id)", token: cast.rep.token)
            #expect(Self.reviews(after)[cast.salesLead.id.uuidString] == "pending")
            #expect(Self.reviews(after)[cast.rep.id.uuidString] == "approved")
            #expect(try await Self.review(app, id, #"{"version": 1, "decision": "approve"}"#, cast.salesLead.token).status == .conflict,
                    "version 1 is not the current one")
            let released = try await Self.review(app, id, #"{"version": 2, "decision": "approve", "comment": "Good to go"}"#, cast.salesLead.token)
            #expect(released.string("state") == "released" && released.string("releasedAt") != nil)
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$entityType == "asset").sort(\.$occurredAt).all().map(\.action)
            #expect(actions.suffix(2) == ["asset:approve", "asset:release"])
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "asset:release").first()?.reason
                    == "version 2 released: 1 approved")
            #expect(try await Self.upload(app, id, filename: "v3.pdf", content: Self.pdf, token: cast.marketer.token).status == .conflict)
        }
    }

    @Test("deadlines: a reminder before the due time, the reviewer's manager at it; approve_on_silence after the grace period, recorded as such")
    func deadlines() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let setPolicy = try await app.send(.PUT, "/api/v1/asset-policies/one_pager",
                                               #"{"silencePolicy": "approve_on_silence", "graceHours": 4}"#)
            #expect(setPolicy.string("silencePolicy") == "approve_on_silence")
            #expect(try await app.send(.PUT, "/api/v1/asset-policies/one_pager", #"{"silencePolicy": "approve"}"#).problemFields == ["silencePolicy"])
            #expect(try await app.send(.PUT, "/api/v1/asset-policies/one_pager", #"{"silencePolicy": "escalate_only"}"#,
                                       token: cast.marketer.token).status == .forbidden)
            let id = try await Self.asset(app, cast, type: "one_pager")
            let escalating = try await Self.asset(app, cast, type: "brochure")
            for asset in [id, escalating] {
                _ = try await Self.upload(app, asset, filename: "v1.pdf", content: Self.pdf, token: cast.marketer.token)
            }
            #expect(try await JobModel.query(on: app.db).filter(\.$kind == Proofing.jobKind).count() == 5,
                    "remind, escalate and silence for the one-pager; remind and escalate for the brochure")
            // every step falls due and runs, twice over
            try await JobModel.query(on: app.db).filter(\.$kind == Proofing.jobKind).set(\.$runAt, to: Date().addingTimeInterval(-1)).update()
            let later = Date().addingTimeInterval(10 * 86_400)
            let runner = JobRunner(database: app.db, handlers: [Proofing.jobKind: { job, database in
                try await Proofing.run(job, now: later, on: database)
            }])
            #expect(try await runner.drain(kinds: [Proofing.jobKind]) == 5)
            #expect(try await runner.drain(kinds: [Proofing.jobKind]) == 0)
            let kinds = try await NotificationModel.query(on: app.db).all()
            #expect(kinds.contains { $0.kind == "asset.review_reminder" && $0.$user.id == cast.salesLead.id })
            let overdue = kinds.filter { $0.kind == "asset.review_overdue" }.map(\.$user.id)
            #expect(overdue.contains(cast.salesManager.id), "the silent reviewer's manager")
            // the one-pager: the silent required review cleared by silence, the optional one still pending, released
            let silent = try await app.send(.GET, "/api/v1/assets/\(id)", token: cast.rep.token)
            #expect(silent.string("state") == "released")
            #expect(Self.reviews(silent)[cast.salesLead.id.uuidString] == "approved_on_silence")
            #expect(Self.reviews(silent)[cast.rep.id.uuidString] == "pending")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "asset:release").first()?.reason
                    == "version 1 released: 0 approved, 1 approved on silence")
            // the brochure (escalate_only) still waits for a real decision
            let waiting = try await app.send(.GET, "/api/v1/assets/\(escalating)", token: cast.rep.token)
            #expect(waiting.string("state") == "in_review" && waiting["overdue"] == .bool(false), "not due yet by the wall clock")
            #expect(Self.reviews(waiting)[cast.salesLead.id.uuidString] == "pending")
        }
    }

    @Test("bad assets are refused with every problem: a past due time, an unknown or admin reviewer, no required reviewer")
    func badAssets() async throws {
        try await withAccordApp { app in
            let cast = try await Self.cast(app)
            let admin = try await app.makeUser(role: .admin)
            let past = try await app.send(.POST, "/api/v1/assets", """
                {"title": "Deck", "type": "deck", "dueAt": "2020-01-01T00:00:00Z",
                 "reviewers": [{"userId": "\(cast.rep.id)", "required": false}, {"userId": "\(cast.rep.id)"}]}
                """, token: cast.marketer.token)
            #expect(past.problemFields == ["dueAt", "reviewers[1].userId", "reviewers"])
            let due = ISOTimestamp.format(Date().addingTimeInterval(86_400))
            let strangers = try await app.send(.POST, "/api/v1/assets", """
                {"title": "Deck", "type": "deck", "dueAt": "\(due)", "reviewers": [{"userId": "\(UUID())"}, {"userId": "\(admin.id)"}]}
                """, token: cast.marketer.token)
            #expect(strangers.problemFields == ["reviewers[0].userId", "reviewers[1].userId"])
            #expect(try await app.send(.POST, "/api/v1/assets", """
                {"title": "Deck", "type": "deck", "dueAt": "\(due)", "reviewers": [{"userId": "\(cast.rep.id)"}]}
                """, token: cast.rep.token).status == .forbidden)
            #expect(try await AssetModel.query(on: app.db).count() == 0)
        }
    }
}

/// The collateral pages in a signed-in browser: marketing starts a review and uploads, the reviewer approves.
@Suite struct AssetPagesTests {
    @Test("a marketer creates an asset and uploads a PDF on the pages; a non-reviewer sees no review form; the reviewer approves and it is released")
    func pages() async throws {
        try await withAccordApp { app in
            let marketer = try await FeedbackPagesTests.member(app, "marketer", team: nil)
            let reviewer = try await FeedbackPagesTests.member(app, "sales_manager", team: nil)
            let bystander = try await FeedbackPagesTests.member(app, "rep", team: nil)
            let list = try await marketer.browser.request(.GET, "/assets")
            #expect(list.status == .ok && list.body.string.contains("id=\"new-asset\""))
            let due = String(ISOTimestamp.format(Date().addingTimeInterval(3 * 86_400)).prefix(16))
            let created = try await marketer.browser.request(.POST, "/assets", form: [
                "_csrf": try await marketer.browser.csrf(on: "/assets"), "title": "Partner one-pager", "type": "one_pager",
                "dueAt": due, "required[]": reviewer.id.uuidString])
            let location = try #require(created.headers.first(name: .location))
            #expect(location.contains("done="), "\(location)")
            let page = String(location.prefix { $0 != "?" })
            let uploaded = try await marketer.browser.upload("\(page)/upload", fields: ["_csrf": try await marketer.browser.csrf(on: page), "note": "first cut"],
                                                             file: (name: "file", filename: "one-pager.pdf", content: ProofingAPITests.pdf))
            #expect(uploaded.headers.first(name: .location)?.contains("done=") == true, "\(uploaded.headers)")
            let download = try await bystander.browser.request(.GET, "\(page)/versions/1/file")
            #expect(download.status == .ok && download.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            #expect(!(try await bystander.browser.request(.GET, page)).body.string.contains("id=\"review-form\""))
            let view = try await reviewer.browser.request(.GET, page)
            #expect(view.body.string.contains("id=\"review-form\""))
            let approved = try await reviewer.browser.request(.POST, "\(page)/review", form: [
                "_csrf": try await reviewer.browser.csrf(on: page), "version": "1", "decision": "approve"])
            #expect(approved.headers.first(name: .location)?.contains("done=") == true, "\(approved.headers)")
            #expect(try await AssetModel.query(on: app.db).first()?.state == "released")
        }
    }
}
