import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// The upload page: the same importer as the command line, its problems by row and column on the page, rejects
/// downloadable, marketing and admins only, CSRF-checked.
@Suite struct ImportPageTests {
    static let contacts = """
        Record ID,Email,First Name,Lifecycle Stage
        1,ann@upload.example,Ann,marketingqualifiedlead
        2,not-an-email,Bob,lead
        3,cat@upload.example,Cat,subscriber

        """

    @Test("marketing uploads a HubSpot export: a bad row stops it with the row and column shown; skipping writes the rest")
    func upload() async throws {
        try await withAccordApp { app in
            let rep = try await FeedbackPagesTests.member(app, "rep", team: nil)
            #expect(try await rep.browser.request(.GET, "/import").status == .forbidden)
            let marketer = try await FeedbackPagesTests.member(app, "marketer", team: nil)
            let token = try await marketer.browser.csrf(on: "/import")
            let file = (name: "file", filename: "contacts.csv", content: Self.contacts)
            // no CSRF token: refused, nothing read
            let forged = try await marketer.browser.upload("/import", fields: ["_csrf": "forged"], file: file)
            #expect(forged.status == .forbidden)
            // all or nothing: the bad row is named, nothing is written
            let refused = try await marketer.browser.upload("/import", fields: ["_csrf": token, "source": "auto", "object": "auto"], file: file)
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("Nothing was imported from contacts.csv") && page.contains("<td>3</td><td>Email</td>"))
            #expect(try await PersonModel.query(on: app.db).filter(\.$email ~~ ["ann@upload.example", "cat@upload.example"]).count() == 0)
            // a dry run with bad rows skipped says what would happen and changes nothing
            let dry = try await marketer.browser.upload("/import", fields: ["_csrf": token, "dryRun": "true", "skipInvalid": "true"], file: file)
            #expect(dry.status == .ok && dry.body.string.contains("Dry run of contacts.csv"))
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "ann@upload.example").count() == 0)
            // skipping bad rows: the rest is written, the rejects download as an attachment
            let written = try await marketer.browser.upload("/import", fields: ["_csrf": token, "skipInvalid": "true"], file: file)
            #expect(written.status == .ok)
            let body = written.body.string
            #expect(body.contains("Imported contacts.csv") && body.contains("3 row(s): 2 new, 0 updated, 0 unchanged, 1 rejected"))
            let link = try #require(body.firstMatch(of: /href="(\/import\/rejects\/[^"]+)"/)?.1)
            let rejects = try await marketer.browser.request(.GET, String(link))
            #expect(rejects.status == .ok && rejects.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(rejects.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            #expect(rejects.body.string.contains("not-an-email") && rejects.body.string.contains("reasons"))
            #expect(try await rep.browser.request(.GET, String(link)).status == .forbidden)
            #expect(try await marketer.browser.request(.GET, "/import/rejects/..%2F..%2Fetc%2Fpasswd").status != .ok)
            #expect(try await marketer.browser.request(.GET, "/import/rejects/passwd").status == .notFound)
            #expect(try await marketer.browser.request(.GET, "/import/rejects/accord-rejects-nothere.csv").status == .notFound)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email ~~ ["ann@upload.example", "cat@upload.example"]).count() == 2)
            // a file Accord cannot place: the message says what to do
            let unknown = try await marketer.browser.upload("/import", fields: ["_csrf": token],
                                                            file: (name: "file", filename: "x.csv", content: "Name,Value\na,1\n"))
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("give --source"))
            // a bad mapping is named by its entry
            let mapping = try await marketer.browser.upload("/import", fields: ["_csrf": token, "mapping": #"{"stages": {"x": "hot"}}"#], file: file)
            #expect(mapping.status == .unprocessableEntity && mapping.body.string.contains("mapping.stages.x"))
        }
    }
}
