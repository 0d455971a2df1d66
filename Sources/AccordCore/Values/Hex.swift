import Foundation

/// Lower-case hexadecimal of bytes (hashes kept as text: token hashes, suppressed addresses, request fingerprints).
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Hex {
    static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// `uuid.uuidString` (upper case, with dashes) without the C library's `snprintf`, which Foundation calls for
    /// every UUID and which showed as a tenth of a touchpoint batch's time (SQLite keeps UUIDs as this text).
    public static func uuidString(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = upperDigits[Int(byte >> 4)]
                    text[position + 1] = upperDigits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The UUID a 36-character text spells (either case), or nil; without the C library's `sscanf`.
    public static func uuid(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { uuid(utf8: $0) }
    }

    /// The same from the text's bytes, into the UUID's own 16 bytes (no array on the heap, a table for the digits: a
    /// pressure check reads 120,000 ids).
    public static func uuid(utf8 bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"),
              bytes[18] == UInt8(ascii: "-"), bytes[23] == UInt8(ascii: "-") else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var invalid: UInt8 = 0
        nibbles.withUnsafeBufferPointer { table in
            withUnsafeMutableBytes(of: &value) { out in
                var position = 0
                for index in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                    let high = table[Int(bytes[position])], low = table[Int(bytes[position + 1])]
                    invalid |= high | low
                    out[index] = high << 4 | low
                    position += 2
                }
            }
        }
        return invalid & 0xF0 == 0 ? UUID(uuid: value) : nil
    }

    /// Each byte's value as a hexadecimal digit (either case), 0xFF for any other byte.
    static let nibbles: [UInt8] = (0..<256).map { byte in nibble(UInt8(byte)) ?? 0xFF }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
