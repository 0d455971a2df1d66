import Foundation
import Testing
@testable import AccordCore

/// Account protection's consent rules, and the check's audience: read, answered, kept compactly.
@Suite struct ConsentTests {
    static let now = ISOTimestamp.parse("2026-11-24T12:00:00Z")!
    static func hours(_ hours: Double) -> Date { now.addingTimeInterval(hours * 3_600) }

    @Test("a request is answered with a reason before its due time; silence follows the policy; a grant expires")
    func rules() throws {
        let policy = ConsentPolicy.standard
        let open = ConsentRules.open(at: Self.now, policy: policy)
        #expect(open.state == .pending && open.dueAt == Self.hours(48))
        #expect(!ConsentRules.allows(open) && !ConsentRules.needsRequest(open) && ConsentRules.needsRequest(nil))
        #expect(throws: AccordError.self) { try ConsentRules.answer(open, .grant, reason: "  ", policy: policy, at: Self.hours(1)) }
        let granted = try ConsentRules.answer(open, .grant, reason: "go ahead", policy: policy, at: Self.hours(1))
        #expect(granted.state == .granted && granted.validUntil == Self.hours(1 + 30 * 24) && !granted.onSilence)
        #expect(ConsentRules.allows(ConsentRules.effective(granted, policy: policy, at: Self.hours(2))))
        let expired = ConsentRules.effective(granted, policy: policy, at: Self.hours(1 + 30 * 24))
        #expect(expired.state == .expired && !ConsentRules.allows(expired) && ConsentRules.needsRequest(expired))
        #expect(throws: AccordError.self) { try ConsentRules.answer(granted, .deny, reason: "no", policy: policy, at: Self.hours(2)) }
        // past the due time nobody answers any more; silence denies by default, grants when configured
        #expect(throws: AccordError.self) { try ConsentRules.answer(open, .grant, reason: "late", policy: policy, at: Self.hours(48)) }
        let silent = ConsentRules.effective(open, policy: policy, at: Self.hours(49))
        #expect(silent.state == .denied && silent.onSilence && !ConsentRules.needsRequest(silent), "a denial stands")
        let lenient = ConsentPolicy(dueHours: 24, validDays: 7, onNoAnswer: .grant)
        let waved = ConsentRules.effective(ConsentRules.open(at: Self.now, policy: lenient), policy: lenient, at: Self.hours(25))
        #expect(waved.state == .granted && waved.onSilence && waved.validUntil == Self.hours(24 + 7 * 24))
        #expect(ConsentRules.isProtected(key: true, openOpportunities: 0) && ConsentRules.isProtected(key: false, openOpportunities: 1))
        #expect(!ConsentRules.isProtected(key: false, openOpportunities: 0))
    }

    @Test("the consent settings are part of the policy, read with their problems named")
    func policy() throws {
        let read = try PressurePolicy.read(JSONParser.parse(#"{"consent": {"dueHours": 24, "onNoAnswer": "grant"}}"#))
        #expect(read.consent == ConsentPolicy(dueHours: 24, validDays: 30, onNoAnswer: .grant))
        #expect(try PressurePolicy.read(read.json) == read)
        do {
            _ = try PressurePolicy.read(JSONParser.parse(#"{"consent": {"dueHours": 0, "validDays": 1000, "onNoAnswer": "maybe", "x": 1}}"#))
            Issue.record("accepted")
        } catch let error as AccordError {
            #expect(error.fields.map(\.field) == ["consent.dueHours", "consent.validDays", "consent.onNoAnswer", "consent.x"])
        }
    }

    @Test("an audience is ids or addresses; anything else is named by its place")
    func audience() throws {
        let id = UUID()
        let read = try PressureAudience.read(.array([.string(id.uuidString), .string(" Ana@Example.COM ")])).get()
        #expect(read.map(\.target) == [.id(id), .email(try EmailAddress("ana@example.com"))])
        #expect(read.map(\.text) == [id.uuidString, " Ana@Example.COM "], "answered as given")
        guard case let .failure(error) = PressureAudience.read(.array([.string("a@b.example"), .string("nope"), .integer(3)])) else {
            Issue.record("accepted")
            return
        }
        #expect(error.problem == "[1] 'nope' is neither a person id nor an email address; [2] must be a string, not a number")
        guard case .failure = PressureAudience.read(.array([])), case .failure = PressureAudience.read(.string("x")),
              case .failure = PressureAudience.read(nil) else {
            Issue.record("an empty or missing audience was accepted")
            return
        }
    }

    @Test("the answer is JSON a parser reads back; reservations pack and unpack their persons")
    func answerAndPacking() throws {
        let id = UUID()
        let bytes = PressureAudience.answer(reservationID: id, expiresAt: Self.now, texts: .strings(["a\"b@c.example", "x\u{1}"]),
                                            decisions: [.allow, .block(.personCap, "person_cap:marketing:3/7d")])
        let json = try JSONParser.parse(bytes)
        guard case let .object(top) = json, case let .array(results)? = top["results"],
              case let .object(first) = results[0], case let .object(second) = results[1] else {
            Issue.record("not the answer's shape")
            return
        }
        #expect(top["reservationId"] == .string(id.uuidString.lowercased()) && top["allowed"] == .integer(1))
        #expect(top["blockedByRule"] == .object(["person_cap": .integer(1)]))
        #expect(first["person"] == .string("a\"b@c.example") && first["rule"] == .null && first["allowed"] == .bool(true))
        #expect(second["person"] == .string("x\u{1}") && second["rule"] == .string("person_cap:marketing:3/7d"))
        let ids = (0..<50).map { _ in UUID() }
        #expect(PressureAudience.unpack(PressureAudience.pack(ids)) == ids)
        let blocked = ids.prefix(5).enumerated().map { ($0.element, PressureRule.allCases[$0.offset]) }
        let back = PressureAudience.unpackBlocked(PressureAudience.packBlocked(Array(blocked)))
        #expect(back.map(\.0) == blocked.map(\.0) && back.map(\.1) == blocked.map(\.1))
        let weights = [ids[0]: 2.5, ids[1]: 1.0]
        #expect(Dictionary(uniqueKeysWithValues: PressureAudience.unpackWeights(PressureAudience.packWeights(weights))) == weights)
    }

    @Test("a check read from the request's bytes is the check read from its tree, and answered byte for byte alike")
    func spannedCheck() throws {
        let id = UUID()
        let text = #"{"campaignId": "\#(id.uuidString)", "persons": ["\#(id.uuidString)", " Ana@Example.COM ", "ana@example.com"], "dryRun": true}"#
        let bytes = Array(text.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: "persons") }
        let fast = try PressureCheckInput.read(parsed.value, spans: parsed.spans, body: bytes)
        let plain = try PressureCheckInput.read(try JSONParser.parse(text))
        #expect(parsed.spans?.count == 3 && fast.campaignID == id && fast.dryRun)
        let ana = PressureTarget.email(try EmailAddress("ana@example.com"))
        #expect(fast.targets == plain.targets && fast.targets == [.id(id), ana, ana])
        let decisions: [PressureDecision] = [.allow, .block(.personCap, "person_cap:marketing:3/7d"), .block(.duplicate)]
        #expect(PressureAudience.answer(reservationID: nil, expiresAt: nil, texts: fast.texts, decisions: decisions)
            == PressureAudience.answer(reservationID: nil, expiresAt: nil, texts: plain.texts, decisions: decisions))
        // A bad entry is named by its index either way.
        let bad = Array(#"{"campaignId": "\#(id.uuidString)", "persons": ["a@b.example", "nope"]}"#.utf8)
        let badParsed = try bad.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: "persons") }
        #expect(throws: AccordError.self) { try PressureCheckInput.read(badParsed.value, spans: badParsed.spans, body: bad) }
        do {
            _ = try PressureCheckInput.read(badParsed.value, spans: badParsed.spans, body: bad)
        } catch {
            #expect(error.fields.map(\.problem) == ["[1] 'nope' is neither a person id nor an email address"])
        }
    }

    @Test("a long list is read and answered in parts at once, the same as one by one; a bad entry is still named")
    func longList() throws {
        let ids = (0..<12_000).map { _ in UUID() }
        let texts = ids.map(\.uuidString) + (0..<13_000).map { "Person\($0)@Example\($0 % 7).COM" }
        let json = "{\"persons\": [" + texts.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
        let bytes = Array(json.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: "persons") }
        let spans = try #require(parsed.spans)
        let fast = try bytes.withUnsafeBufferPointer { PressureAudience.read(spans: spans, in: $0) }.get()
        let plain = try PressureAudience.read(.array(texts.map(JSONValue.string))).get()
        #expect(fast == plain.map(\.target) && fast.count == 25_000)
        #expect(fast[12_000] == .email(try EmailAddress("person0@example0.com")))
        let decisions = (0..<25_000).map { index -> PressureDecision in
            index % 3 == 0 ? .allow : .block(index % 2 == 0 ? .personCap : .unknownPerson, index % 2 == 0 ? "person_cap:any:6/7d" : nil)
        }
        let answer = PressureAudience.answer(reservationID: nil, expiresAt: nil, texts: .spans(spans, in: bytes), decisions: decisions)
        #expect(answer == PressureAudience.answer(reservationID: nil, expiresAt: nil, texts: .strings(texts), decisions: decisions))
        guard case let .object(top) = try JSONParser.parse(answer), case let .array(results)? = top["results"] else {
            Issue.record("not the answer's shape")
            return
        }
        #expect(results.count == 25_000 && top["allowed"] == .integer(8_334))
        #expect(top["blockedByRule"] == .object(["person_cap": .integer(8_333), "unknown_person": .integer(8_333)]))
        var bad = texts
        bad[20_001] = "nobody"
        let badBytes = Array(("{\"persons\": [" + bad.map { "\"\($0)\"" }.joined(separator: ",") + "]}").utf8)
        let badSpans = try #require(try badBytes.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: "persons") }.spans)
        guard case let .failure(error) = badBytes.withUnsafeBufferPointer({ PressureAudience.read(spans: badSpans, in: $0) }) else {
            Issue.record("a bad entry was accepted")
            return
        }
        #expect(error.problem == "[20001] 'nobody' is neither a person id nor an email address")
    }

    @Test("an uploaded list: the first cell with an address or id; the header passed over, unreadable lines kept")
    func lists() throws {
        let id = UUID()
        let (targets, unreadable) = PressureAudience.readList("name;email\r\nAna;\"ana@x.example\"\n\(id.uuidString),Bo\nno one here\n")
        #expect(targets.map(\.text) == ["ana@x.example", id.uuidString])
        #expect(targets.map(\.target) == [.email(try EmailAddress("ana@x.example")), .id(id)])
        #expect(unreadable == ["no one here"])
    }
}
