import Foundation

/// A key that a `PlaceIndex` can hash: 64 bits from its bytes, mixed with the index's seed.
public protocol PlaceKey: Equatable {
    func placeHash(seed: UInt64) -> UInt64
}

/// Distinct keys, each with a place (0, 1, 2, … in the order first seen), found by an open-addressing table with a
/// cheap hash. A pressure check of 100,000 persons looks up every address, person and account several times; with
/// Swift's `Dictionary` (SipHash through `Hasher`) each insert took 200–300 ns on these machines and hashing was the
/// largest part of the check. No package on the mirror offers a hash table with a faster hash, so this one is written
/// here. The hash is seeded at random per index, so a caller cannot prepare a list whose keys all collide.
public struct PlaceIndex<Key: PlaceKey> {
    /// The keys by place.
    public private(set) var keys: [Key] = []
    /// Each key's hash, by place (kept so growing does not hash again, and compared before the key).
    private var hashes: [UInt64] = []
    /// For each slot, the place of the key in it plus one (0: empty).
    private var slots: [Int32]
    private var mask: Int
    private let seed: UInt64

    public init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        seed = UInt64.random(in: .min ... .max)
        keys.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    /// Keys in the order given; a key given twice keeps its first place.
    public init(_ keys: some Collection<Key>) {
        self.init(capacity: keys.count)
        for key in keys { place(of: key) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The key's place, or nil.
    public func find(_ key: Key) -> Int32? {
        let hash = key.placeHash(seed: seed)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let place = Int(entry - 1)
            if hashes[place] == hash, keys[place] == key { return Int32(place) }
            slot = (slot + 1) & mask
        }
    }

    /// The key's place, giving it the next one if it has none.
    @discardableResult
    public mutating func place(of key: Key) -> (place: Int32, inserted: Bool) {
        let hash = key.placeHash(seed: seed)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let place = Int(entry - 1)
            if hashes[place] == hash, keys[place] == key { return (Int32(place), false) }
            slot = (slot + 1) & mask
        }
        let place = keys.count
        keys.append(key)
        hashes.append(hash)
        slots[slot] = Int32(place + 1)
        if keys.count * 2 > slots.count { grow() }
        return (Int32(place), true)
    }

    public func contains(_ key: Key) -> Bool { find(key) != nil }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for (place, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(place + 1)
        }
    }
}

extension PlaceIndex: Sendable where Key: Sendable {}

extension PlaceIndex where Key == String {
    /// The place of the string whose UTF-8 is `bytes` (no `String` is made to look it up).
    public func find(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = PlaceHash.bytes(UnsafeRawBufferPointer(bytes), seed: seed)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let place = Int(entry - 1)
            if hashes[place] == hash, Self.equal(keys[place], bytes) { return Int32(place) }
            slot = (slot + 1) & mask
        }
    }

    private static func equal(_ key: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        key.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == bytes.count && (bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        } ?? key.utf8.elementsEqual(bytes)
    }
}

/// The hash behind `PlaceIndex`: eight bytes at a time, each word mixed with the seed (the finalizer of
/// MurmurHash3, which spreads every input bit over the whole word).
public enum PlaceHash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    public static func bytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var hash = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = mix(hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail = tail << 8 | UInt64(bytes[index]) }
            hash = mix(hash ^ tail)
        }
        return mix(hash)
    }
}

extension String: PlaceKey {
    public func placeHash(seed: UInt64) -> UInt64 {
        if let hash = utf8.withContiguousStorageIfAvailable({ PlaceHash.bytes(UnsafeRawBufferPointer($0), seed: seed) }) {
            return hash
        }
        return Array(utf8).withUnsafeBytes { PlaceHash.bytes($0, seed: seed) }
    }
}

extension UUID: PlaceKey {
    public func placeHash(seed: UInt64) -> UInt64 {
        withUnsafeBytes(of: uuid) { bytes in
            PlaceHash.mix(PlaceHash.mix(bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self) ^ seed)
                ^ bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }
}
