import Testing
@testable import AccordCore

@Suite struct ValuesTests {
    @Test("emails are trimmed and lower-cased, dots and tags kept")
    func emailNormalization() throws {
        #expect(try EmailAddress("  Ana.Lopez+Events@Example.COM ").value == "ana.lopez+events@example.com")
        #expect(try EmailAddress("ana@sub.example.co.uk").domain == "sub.example.co.uk")
    }

    @Test("malformed emails are refused with a reason", arguments: [
        "", "   ", "ana", "ana@", "@example.com", "ana@example", "ana lopez@example.com", "a@b@c.com",
        "ana@-example.com", "ana@example..com",
    ])
    func malformedEmails(raw: String) {
        #expect(throws: FieldError.self) { try EmailAddress(raw) }
    }

    @Test("money refuses negative amounts and bad currencies, reporting every problem")
    func moneyValidation() {
        var bad = FieldReader(.object(["cost": .object(["amountMinor": .integer(-5), "currency": .string("eur")])]))
        #expect(bad.money("cost").value == nil)
        #expect(bad.report.problems.map(\.field) == ["cost.amountMinor", "cost.currency"])
        var ok = FieldReader(.object(["cost": .object(["amountMinor": .integer(1_250_000), "currency": .string("EUR")])]))
        #expect(ok.money("cost").value == Money(amountMinor: 1_250_000, currency: "EUR"))
        #expect(ok.report.problems.isEmpty)
    }

    @Test("an unknown enum value lists the allowed ones")
    func vocabulary() throws {
        #expect(try Channel.parse("paid_search") == .paidSearch)
        do {
            _ = try Channel.parse("carrier_pigeon")
            Issue.record("accepted an unknown channel")
        } catch {
            #expect(error.problem.contains("'carrier_pigeon' is not one of"))
            #expect(error.problem.contains("webinar"))
        }
    }
}
