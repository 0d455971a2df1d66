import Foundation
import Testing
@testable import AccordCore

@Suite struct PlaceIndexTests {
    @Test("keys get places in the order first seen; a repeated key keeps its place")
    func places() {
        var index = PlaceIndex<String>()
        #expect(index.place(of: "ana@example.com") == (0, true))
        #expect(index.place(of: "bo@example.com") == (1, true))
        #expect(index.place(of: "ana@example.com") == (0, false))
        #expect(index.keys == ["ana@example.com", "bo@example.com"])
        #expect(index.find("bo@example.com") == 1)
        #expect(index.find("cy@example.com") == nil)
        #expect(!index.contains("") && index.count == 2)
    }

    @Test("growing far past the first capacity loses no key and moves no place")
    func growth() {
        let emails = (0..<50_000).map { "person\($0)@company-\($0 % 97).example" }
        var index = PlaceIndex<String>(capacity: 4)
        for email in emails { index.place(of: email) }
        for email in emails { index.place(of: email) }  // all present already
        #expect(index.count == emails.count)
        #expect(emails.indices.allSatisfy { index.find(emails[$0]) == Int32($0) })
        #expect(index.find("person50000@company-47.example") == nil)
    }

    @Test("strings of every length up to and past a word, and ones differing in one byte, keep apart")
    func lengths() {
        let keys = ["", "a", "exactly8", "exactly9", "nine byte", "überlänge@例え.jp", String(repeating: "x", count: 300),
                    String(repeating: "x", count: 299) + "y"]
        let index = PlaceIndex(keys)
        #expect(index.count == keys.count)
        #expect(keys.indices.allSatisfy { index.find(keys[$0]) == Int32($0) })
        #expect(index.find("exactly7") == nil)
        for (place, key) in keys.enumerated() {
            var text = key
            #expect(text.withUTF8 { index.find(utf8: $0) } == Int32(place), "found by its bytes, without a String")
        }
        var other = "exactly7"
        #expect(other.withUTF8 { index.find(utf8: $0) } == nil)
    }

    @Test("UUIDs, also ones differing in a single byte, keep apart")
    func uuids() {
        let base = UUID(uuidString: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")!
        var ids = [base]
        for byte in 0..<16 {
            var raw = base.uuid
            withUnsafeMutableBytes(of: &raw) { $0[byte] ^= 1 }
            ids.append(UUID(uuid: raw))
        }
        ids += (0..<10_000).map { _ in UUID() }
        let index = PlaceIndex(ids + ids)
        #expect(index.count == ids.count)
        #expect(ids.indices.allSatisfy { index.find(ids[$0]) == Int32($0) })
    }
}

@Suite struct HexTests {
    @Test("a UUID's text is read in either case; anything else is refused")
    func uuidText() {
        let id = UUID()
        #expect(Hex.uuid(id.uuidString) == id && Hex.uuid(id.uuidString.lowercased()) == id)
        #expect(Hex.uuidString(id) == id.uuidString)
        let text = id.uuidString.lowercased()
        for bad in [String(text.dropLast()), text + "0", text.replacingOccurrences(of: "-", with: "0"),
                    "g" + text.dropFirst(), String(text.prefix(35)) + "z", String(text.prefix(8)) + "+" + text.dropFirst(9)] {
            #expect(Hex.uuid(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct SortedPlacesTests {
    /// Random ids, some sharing their first eight bytes (so the second half decides the order).
    static func ids(_ count: Int) -> [UUID] {
        let shared = UUID()
        return (0..<count).map { index in
            guard index % 7 == 0 else { return UUID() }
            var raw = shared.uuid
            withUnsafeMutableBytes(of: &raw) { $0[15] = UInt8(index % 256); $0[14] = UInt8(index / 256 % 256) }
            return UUID(uuid: raw)
        }
    }

    static func pack(_ ids: [UUID]) -> [UInt8] { PressureAudience.pack(ids) }

    @Test("a packed list in byte order, in any order, or with ids not here finds the same places as the index")
    func places() {
        let ids = Self.ids(5_000)
        let sorted = SortedPlaces(ids)
        let index = PlaceIndex(ids)
        #expect(sorted.count == ids.count)
        // The places in byte order name the ids in byte order.
        let inOrder = sorted.placesInOrder.map { ids[Int($0)].uuidString }
        #expect(inOrder == ids.map(\.uuidString).sorted())
        let strangers = (0..<500).map { _ in UUID() }
        let byteOrder = sorted.placesInOrder.map { ids[Int($0)] }
        for list in [byteOrder, Array(byteOrder.reversed()), (ids + strangers).shuffled(),
                     (byteOrder.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) + strangers).shuffled(),
                     Array(byteOrder.prefix(10)) + Array(byteOrder.prefix(10)), [], strangers] {
            var found: [Int] = []
            Self.pack(list).withUnsafeBytes { sorted.forEachPlace(inPacked: $0) { found.append($0) } }
            #expect(found == list.compactMap { index.find($0).map(Int.init) })
        }
    }

    @Test("no ids: nothing is found; a cut last id is passed over")
    func edges() {
        var found: [Int] = []
        Self.pack(Self.ids(10)).withUnsafeBytes { SortedPlaces([]).forEachPlace(inPacked: $0) { found.append($0) } }
        #expect(found.isEmpty)
        let ids = Self.ids(3)
        let bytes = Self.pack(ids).dropLast(1)
        Array(bytes).withUnsafeBytes { SortedPlaces(ids).forEachPlace(inPacked: $0) { found.append($0) } }
        #expect(found == [0, 1])
    }
}
