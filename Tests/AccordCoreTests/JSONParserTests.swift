import Foundation
import Testing
@testable import AccordCore

@Suite struct JSONParserTests {
    @Test("documents parse to the same tree as Foundation's decoder")
    func agreesWithFoundation() throws {
        let documents = [
            #"{"a": 1, "b": [true, false, null], "c": {"d": "e"}, "f": -0.5, "g": ""}"#,
            #"[1, -2, 9223372036854775807, -9223372036854775808, 2.25, 0, -0]"#,
            #"  "plain"  "#,
            #"{"emoji": "😀 \ud83d\ude00", "escapes": "\"\\\/\b\f\n\r\t\u00e9\u0000", "accent": "café"}"#,
            #"[[[[]]], {}, [{}], {"x": []}]"#,
        ]
        for text in documents {
            let fast = try JSONParser.parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(fast == foundation, "\(text)")
        }
    }

    @Test("integers stay exact; integral decimals are integers; others are doubles")
    func numbers() throws {
        #expect(try JSONParser.parse("9007199254740993") == .integer(9_007_199_254_740_993))
        #expect(try JSONParser.parse("1.0") == .integer(1))
        #expect(try JSONParser.parse("-2E2") == .integer(-200))
        #expect(try JSONParser.parse("0.1") == .number(0.1))
        #expect(try JSONParser.parse("123456789012345678901234567890") == .number(123456789012345678901234567890.0))
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("1e999") }
    }

    @Test("malformed text is refused with the byte it failed at", arguments: [
        "", " ", "{", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a": 1,}"#, "{a: 1}", "01", "1.", ".5", "-", "+1", "1e",
        "tru", "nul", "[1] x", #""unterminated"#, "\"tab\tinside\"", #""\x""#, #""\u12""#, #""\ud800""#,
        #""\udc00 low first""#, "'single'", "NaN", "Infinity",
    ])
    func malformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("invalid UTF-8 in a string and hostile nesting are refused")
    func hostile() throws {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try JSONParser.parse(fine) != .null)
        let failure = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a": [1, 2, }"#) }
        #expect(failure.offset == 13)
    }
}

@Suite struct FastPathTests {
    @Test("UUID text is Foundation's, both ways")
    func uuidText() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(Hex.uuidString(id) == id.uuidString)
            #expect(Hex.uuid(id.uuidString) == id)
            #expect(Hex.uuid(id.uuidString.lowercased()) == id)
        }
        for bad in ["", "not a uuid", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5G",
                    "E621E1F8+C36C-495A-93FC-0C247A3E6E5F"] {
            #expect(Hex.uuid(bad) == nil)
        }
    }

    @Test("plain ASCII addresses take the fast path to the same result as the full checks")
    func plainAddresses() throws {
        #expect(try EmailAddress("Ana.Lopez@Example.COM").value == "ana.lopez@example.com")
        #expect(try EmailAddress(String(repeating: "a", count: 64) + "@example.com").value.count == 76)
        let tooLong = String(repeating: "a", count: 65) + "@example.com"
        #expect(throws: FieldError(field: "email", problem: "has a local part longer than 64 characters")) {
            try EmailAddress(tooLong)
        }
        for bad in ["ana@example-.com", "ana@-example.com", "ana@example", "ana@.example.com", "ana@example.com.",
                    "a@b@example.com", "@example.com", "ana@", "ana;x@example.com", "ana.example.com"] {
            #expect(throws: FieldError.self) { try EmailAddress(bad) }
        }
        #expect(try EmailAddress("ÁNA@EXAMPLE.COM").value == "ána@example.com")
    }
}

@Suite struct SpannedParseTests {
    static func spanned(_ text: String, _ member: String = "persons") throws -> (JSONParser.Spanned, [String]?) {
        let bytes = Array(text.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, spanning: member) }
        return (parsed, parsed.spans.map { $0.map { String(decoding: bytes[Int($0.lowerBound)..<Int($0.upperBound)], as: UTF8.self) } })
    }

    @Test("an array of plain strings is left as ranges; the rest is the tree parse makes without it")
    func plainStrings() throws {
        let text = #" { "campaignId": "x", "persons" : [ "a@b.example" ,"E621E1F8-C36C-495A-93FC-0C247A3E6E5F","" ] , "dryRun": true } "#
        let (parsed, strings) = try Self.spanned(text)
        #expect(strings == ["a@b.example", "E621E1F8-C36C-495A-93FC-0C247A3E6E5F", ""])
        #expect(parsed.value == .object(["campaignId": .string("x"), "dryRun": .bool(true)]))
        #expect(try Self.spanned(#"{"persons": []}"#).1 == [])
    }

    @Test("anything not plain in that member is parsed as usual, and the last of a repeated member counts")
    func fallsBack() throws {
        for text in [#"{"persons": ["a\"b@c.example", "d@e.example"]}"#, #"{"persons": ["café@e.example"]}"#,
                     #"{"persons": ["a@b.example", 3]}"#, #"{"persons": "a@b.example"}"#, #"{"persons": ["a\u0001"]}"#] {
            let (parsed, strings) = try Self.spanned(text)
            #expect(strings == nil, "\(text)")
            let plain = try JSONParser.parse(text)
            #expect(parsed.value == plain, "\(text)")
        }
        let (first, strings) = try Self.spanned(#"{"persons": ["a\n"], "persons": ["b@c.example"]}"#)
        #expect(strings == ["b@c.example"] && first.value == .object([:]))
        let (last, none) = try Self.spanned(#"{"persons": ["b@c.example"], "persons": 1}"#)
        #expect(none == nil && last.value == .object(["persons": .integer(1)]))
        // Only at the top: a nested member of that name is an ordinary value.
        let (nested, nothing) = try Self.spanned(#"{"x": {"persons": ["a@b.example"]}}"#)
        let plain = try JSONParser.parse(#"{"x": {"persons": ["a@b.example"]}}"#)
        #expect(nothing == nil && nested.value == plain)
    }

    @Test("broken JSON is refused as parse refuses it")
    func refuses() {
        for text in [#"{"persons": ["a@b.example""#, #"{"persons": ["a@b.example",]}"#, #"{"persons": ["a@b.example"] "x": 1}"#,
                     #"{"persons": ["a@b.example"]} x"#] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try Self.spanned(text) }
        }
    }
}
