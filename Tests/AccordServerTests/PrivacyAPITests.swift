import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing
import Vapor
@testable import AccordServer

/// Privacy requests: one person's data, their erasure (audit kept but pseudonymised), and suppression lists that
/// every way in honours.
@Suite struct PrivacyAPITests {
    /// A person with a qualified lead (so audit events name them), a touchpoint and a lead owned by a rep.
    static func subject(_ app: Application) async throws -> (person: String, lead: String, email: String, rep: (id: UUID, token: String)) {
        _ = try await HandoffFixture.settingIDs(app)
        let rep = try await app.makeUser(role: .rep, team: "Sales DACH")
        _ = try await app.create("/api/v1/accounts", #"{"name": "Erasable GmbH", "domain": "erasable.example", "ownerId": "\#(rep.id)"}"#)
        let person = try await app.create("/api/v1/persons", #"{"email": "Greta.Lind@erasable.example", "firstName": "Greta", "lastName": "Lindqvist"}"#)
        // a name change puts the names in the audit trail's change record
        let renamed = try await app.send(.PATCH, "/api/v1/persons/\(person)", #"{"title": "Head of Growth", "lastName": "Lind"}"#)
        #expect(renamed.status == .ok, "\(renamed.json)")
        let lead = try await app.create("/api/v1/leads", #"{"personId": "\#(person)", "priority": "A", "ownerId": "\#(rep.id)"}"#)
        _ = try await HandoffAPITests.qualify(app, lead)
        let batch = try await app.send(.POST, "/api/v1/touchpoints:batch",
                                       #"[{"email": "greta.lind@erasable.example", "kind": "visited", "side": "marketing", "channel": "website", "occurredAt": "2026-01-05T10:00:00Z"}]"#)
        #expect(batch.status == .created, "\(batch.json)")
        return (person, lead, "greta.lind@erasable.example", rep)
    }

    @Test("an admin exports everything about one person; nobody else may")
    func export() async throws {
        try await withAccordApp { app in
            let subject = try await Self.subject(app)
            let marketer = try await app.makeUser(role: .marketer)
            for token in [subject.rep.token, marketer.token] {
                #expect(try await app.send(.GET, "/api/v1/persons/\(subject.person)/export", token: token).status == .forbidden)
            }
            // an admin's token needs the admin scope too
            #expect(try await app.send(.GET, "/api/v1/persons/\(subject.person)/export").status == .forbidden)
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            let export = try await app.send(.GET, "/api/v1/persons/\(subject.person)/export", token: admin.token)
            #expect(export.status == .ok && export.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            guard case let .object(person)? = export["person"], case let .array(leads)? = export["leads"],
                  case let .array(touches)? = export["touchpoints"], case let .array(events)? = export["auditEvents"] else {
                Issue.record("\(export.json)"); return
            }
            #expect(person["email"] == .string(subject.email) && person["lastName"] == .string("Lind"))
            #expect(leads.count == 1 && touches.count == 1 && events.count >= 3)
            #expect(export["suppressed"] == .bool(false))
            #expect(try await app.send(.GET, "/api/v1/persons/\(UUID())/export", token: admin.token).status == .notFound)
        }
    }

    @Test("erasing a person deletes their data, keeps the audit trail pseudonymised, and keeps them out for good")
    func erase() async throws {
        try await withAccordApp { app in
            let subject = try await Self.subject(app)
            let personID = UUID(uuidString: subject.person)!, leadID = UUID(uuidString: subject.lead)!
            let eventsBefore = try await AuditEventModel.query(on: app.db).filter(\.$entityID ~~ [personID, leadID]).count()
            #expect(eventsBefore >= 3)
            let admin = try await app.makeUser(role: .admin, scopes: [.admin])
            // webhooks about the lead: one delivered (kept in the log, scrubbed), one waiting (dropped)
            let endpoint = WebhookEndpointModel()
            (endpoint.id, endpoint.url, endpoint.events, endpoint.secret, endpoint.isActive) = (UUID(), "https://hooks.example/x", "*", "s", true)
            try await endpoint.create(on: app.db)
            for status in ["delivered", "pending"] {
                let delivery = WebhookDeliveryModel()
                (delivery.id, delivery.$endpoint.id, delivery.messageID, delivery.eventType, delivery.status, delivery.attempts, delivery.createdAt) =
                    (UUID(), endpoint.id!, "msg_\(status)", "lead.assigned", status, 1, Date())
                delivery.body = #"{"data": {"leadId": "\#(subject.lead)", "email": "\#(subject.email)", "name": "Greta Lind"}}"#
                try await delivery.create(on: app.db)
            }
            // a reason is required; reps and marketers may not erase
            #expect(try await app.send(.POST, "/api/v1/persons/\(subject.person)/erase", #"{}"#, token: admin.token).problemFields == ["reason"])
            #expect(try await app.send(.POST, "/api/v1/persons/\(subject.person)/erase", #"{"reason": "GDPR art. 17 request"}"#,
                                       token: subject.rep.token).status == .forbidden)
            let erased = try await app.send(.POST, "/api/v1/persons/\(subject.person)/erase", #"{"reason": "GDPR art. 17 request #4711"}"#,
                                            token: admin.token)
            #expect(erased.status == .ok, "\(erased.json)")
            #expect(erased["leads"] == .integer(1) && erased["touchpoints"] == .integer(1), "\(erased.json)")
            let pseudonym = try #require(erased.string("pseudonym").flatMap(UUID.init(uuidString:)))
            // the data is gone
            #expect(try await PersonModel.find(personID, on: app.db) == nil)
            #expect(try await LeadModel.find(leadID, on: app.db) == nil)
            #expect(try await TouchpointModel.query(on: app.db).count() == 0)
            #expect(try await app.send(.GET, "/api/v1/persons/\(subject.person)").status == .notFound)
            // the audit trail is kept: as many events as before (plus the erasure), none under the old ids, no trace of
            // the address or the names
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$entityID ~~ [personID, leadID]).count() == 0)
            let kept = try await AuditEventModel.query(on: app.db).filter(\.$entityID == pseudonym).all()
            #expect(kept.contains { $0.action == "erase" && $0.reason?.contains("#4711") == true })
            for event in try await AuditEventModel.query(on: app.db).all() {
                let text = (event.changes + " " + (event.reason ?? "")).lowercased()
                #expect(!text.contains("greta") && !text.contains("lindqvist") && !text.contains(subject.email),
                        "\(event.action): \(text)")
            }
            #expect(try await AuditEventModel.query(on: app.db).count() >= eventsBefore + 1)
            let deliveries = try await WebhookDeliveryModel.query(on: app.db).all()
            #expect(deliveries.map(\.status) == ["delivered"])
            #expect(deliveries.allSatisfy { !$0.body.lowercased().contains("greta") && !$0.body.contains(subject.lead) && $0.body.contains("[erased]") },
                    "\(deliveries.map(\.body))")
            // they stay out: a batch for the address stores nothing and creates no one; the API refuses to create them
            let again = try await app.send(.POST, "/api/v1/touchpoints:batch",
                                           #"[{"email": "GRETA.LIND@erasable.example", "kind": "visited", "side": "marketing", "channel": "website", "occurredAt": "2026-02-01T10:00:00Z"}]"#)
            #expect(again.status == .ok && again["suppressed"] == .integer(1) && again["ids"] == .array([.null]), "\(again.json)")
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == subject.email).count() == 0)
            let create = try await app.send(.POST, "/api/v1/persons", #"{"email": "greta.lind@erasable.example"}"#)
            #expect(create.status == .unprocessableEntity && create.problemFields == ["email"])
            // the list shows the entry without the address
            let list = try await app.send(.GET, "/api/v1/suppressions?source=erasure")
            #expect(list.items.count == 1)
            if case let .object(entry)? = list.items.first { #expect((entry["value"] ?? .null) == .null && entry["kind"] == .string("email"), "\(entry)") }
        }
    }

    @Test("suppression lists: marketing adds addresses and domains (matching persons opted out), admins remove, sales may not")
    func suppressionList() async throws {
        try await withAccordApp { app in
            let marketer = try await app.makeUser(role: .marketer)
            let rep = try await app.makeUser(role: .rep)
            let person = try await app.create("/api/v1/persons", #"{"email": "sam@competitor.example"}"#)
            // bad input: neither, both, a bad domain
            #expect(try await app.send(.POST, "/api/v1/suppressions", #"{"reason": "x"}"#, token: marketer.token).problemFields == ["email"])
            #expect(try await app.send(.POST, "/api/v1/suppressions", #"{"email": "a@b.example", "domain": "b.example"}"#,
                                       token: marketer.token).problemFields == ["email"])
            #expect(try await app.send(.POST, "/api/v1/suppressions", #"{"domain": "not a domain"}"#, token: marketer.token).problemFields == ["domain"])
            #expect(try await app.send(.POST, "/api/v1/suppressions", #"{"domain": "x.example"}"#, token: rep.token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/suppressions", token: rep.token).status == .forbidden)
            // a domain: its persons are opted out, new addresses there are refused
            let added = try await app.send(.POST, "/api/v1/suppressions", #"{"domain": "@Competitor.example", "reason": "competitor"}"#,
                                           token: marketer.token)
            #expect(added.status == .created && added.string("value") == "competitor.example")
            let twice = try await app.send(.POST, "/api/v1/suppressions", #"{"domain": "competitor.example"}"#, token: marketer.token)
            #expect(twice.status == .ok && twice.string("id") == added.string("id"))
            #expect(try await PersonModel.find(UUID(uuidString: person)!, on: app.db)?.optedOut == true)
            #expect(try await app.send(.POST, "/api/v1/persons", #"{"email": "kim@eu.competitor.example"}"#).problemFields == ["email"])
            // an address: masked in the list
            let address = try await app.send(.POST, "/api/v1/suppressions", #"{"email": "Jane.Doe@Example.org", "reason": "unsubscribed"}"#,
                                             token: marketer.token)
            #expect(address.status == .created && address.string("value") == "j***@example.org")
            #expect(try await app.count("/api/v1/suppressions") == 2)
            // removing: admins only; then the address may be added again
            let id = try #require(address.string("id"))
            #expect(try await app.send(.DELETE, "/api/v1/suppressions/\(id)", token: marketer.token).status == .forbidden)
            #expect(try await app.send(.DELETE, "/api/v1/suppressions/\(id)").status == .noContent)
            #expect(try await app.send(.DELETE, "/api/v1/suppressions/\(id)").status == .notFound)
            _ = try await app.create("/api/v1/persons", #"{"email": "jane.doe@example.org"}"#)
        }
    }
}
