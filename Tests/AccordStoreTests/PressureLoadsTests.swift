import AccordCore
import AccordStore
import AccordTestSupport
import FluentKit
import Foundation
import Testing

/// The pressure check's loads come from one SQL aggregate; Core's `PressurePolicy.loads` is the reference.
@Suite struct PressureLoadsTests {
    @Test("weighted loads per cap and the last sales meeting equal Core's, on random messages")
    func loadsEqualCore() async throws {
        try await withStore { store in try await Self.check(store.database) }
    }

    static func check(_ database: any Database) async throws {
        let now = try #require(ISOTimestamp.parse("2026-11-24T12:00:00Z"))
        var random = SeededGenerator(seed: 11)
        let kinds: [TouchpointKind] = [.sent, .email, .call, .meeting, .opened, .visited]
        let channels: [Channel] = [.email, .fieldSales, .webinar, .content]
        var messages: [String: [PressureMessage]] = [:]
        var meetings: [String: Date] = [:]
        var items: [TouchpointIngestion.Item] = []
        for index in 0..<400 {
            let email = "p\(index % 40)@pressure.example"
            let kind = kinds[Int(random.next() % UInt64(kinds.count))]
            let side: Side = random.next() % 3 == 0 ? .sales : .marketing
            let channel = channels[Int(random.next() % UInt64(channels.count))]
            let at = now.addingTimeInterval(-Double(random.next() % (20 * 86_400)) - 1)
            items.append(.init(path: "[\(index)]", input: TouchpointInput(person: .email(try EmailAddress(email)), kind: kind,
                                                                          side: side, channel: channel, occurredAt: at)))
            if PressureMessage.kinds.contains(kind) { messages[email, default: []].append(PressureMessage(at: at, side: side, channel: channel)) }
            if kind == .meeting, side == .sales, at > now.addingTimeInterval(-14 * 86_400) { meetings[email] = max(meetings[email] ?? at, at) }
        }
        _ = try await TouchpointIngestion.ingest(items, now: now, on: database)
        let policy = PressurePolicy(personCaps: [PressureCap(side: .marketing, maximum: 3, windowDays: 7),
                                                 PressureCap(side: nil, maximum: 6, windowDays: 14)],
                                    accountCap: nil, channelWeights: [.fieldSales: 2, .webinar: 0.5], quietDaysAfterSalesMeeting: 3)
        let persons = try await PersonDirectory.existing(Set(try (0..<40).map { try EmailAddress("p\($0)@pressure.example") }),
                                                         on: database)
        let loads = try await PressureLoads.persons(Array(persons.values), policy: policy, now: now, scan: false, on: database)
        // a large audience reads the whole window instead: the same loads for the same people (and nobody else's)
        let scanned = try await PressureLoads.persons(Array(persons.values.prefix(30)), policy: policy, now: now, scan: true, on: database)
        #expect(scanned.count <= 30 && scanned.allSatisfy { loads[$0.key] == $0.value }, "\(scanned.count)")
        for (email, id) in persons {
            let expected = policy.loads(messages[email.value] ?? [], now: now)
            let row = loads[id]
            for (got, want) in zip(row?.capLoads ?? [0, 0], expected) {
                #expect(abs(got - want) < 1e-9, "\(email.value): \(row?.capLoads ?? []) vs \(expected)")
            }
            if let meeting = meetings[email.value] {
                #expect(abs((row?.lastSalesMeeting ?? .distantPast).timeIntervalSince(meeting)) < 0.01, "\(email.value)")
            } else {
                #expect(row?.lastSalesMeeting == nil, "\(email.value)")
            }
        }
    }
}
