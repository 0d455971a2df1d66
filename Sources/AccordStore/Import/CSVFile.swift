import AccordCore
import CSV
import Foundation

/// A CRM export on disk, read the way people's files really are: UTF-8 with or without a byte order mark, or
/// Latin-1 / Windows-1252 (what spreadsheet programs often save); comma, semicolon or tab delimited, as the
/// header line shows; quoted fields with delimiters, quotes and line breaks inside. Rows stream from the file
/// (CSV.swift's reader over an `InputStream`), so memory stays flat however long it is.
public struct CSVFile {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8", windows1252 = "Latin-1 (Windows-1252)"
    }

    public let path: String
    public let encoding: Encoding
    public let delimiter: UnicodeScalar
    /// The file the reader reads: `path` itself, or a UTF-8 copy of a Latin-1 file.
    let readable: String

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportSetupError("cannot read \(path)")
        }
        defer { try? handle.close() }
        self.path = path
        let head = handle.readData(ofLength: 64 * 1024)
        delimiter = Self.delimiter(of: [UInt8](head))
        handle.seek(toFileOffset: 0)
        if try Self.isUTF8(handle) {
            encoding = .utf8
            readable = path
        } else {
            encoding = .windows1252
            readable = try Self.transcode(path)
        }
    }

    /// The delimiter that occurs most often outside quotes on the header line (a comma when none does).
    static func delimiter(of bytes: [UInt8]) -> UnicodeScalar {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) { break }
            if !quoted, counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }!
        return best.value > 0 ? UnicodeScalar(best.key) : ","
    }

    /// Whether the whole file is valid UTF-8, read a megabyte at a time (a sequence cut by a chunk boundary is
    /// carried into the next chunk).
    static func isUTF8(_ handle: FileHandle) throws -> Bool {
        var carry: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { return carry.isEmpty }
            var bytes = carry + chunk
            // Hold back an incomplete sequence at the end.
            var cut = bytes.count
            for back in 1...min(3, bytes.count) {
                let byte = bytes[bytes.count - back]
                if byte & 0xC0 == 0x80 { continue }  // a continuation byte: look further back
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if length > back { cut = bytes.count - back }
                break
            }
            carry = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
            if String(validating: bytes, as: UTF8.self) == nil { return false }
        }
    }

    /// Windows-1252's characters at 0x80–0x9F (Latin-1 has control codes there, which exports never contain).
    static let windows1252: [UInt8: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}", 0x86: "\u{2020}",
        0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}", 0x8B: "\u{2039}", 0x8C: "\u{0152}",
        0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}",
        0x96: "\u{2013}", 0x97: "\u{2014}", 0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}",
        0x9C: "\u{0153}", 0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]

    /// A UTF-8 copy of a Windows-1252 file in the temporary directory, written a megabyte at a time.
    static func transcode(_ path: String) throws -> String {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("accord-import-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: target, contents: nil),
              let output = FileHandle(forWritingAtPath: target), let input = FileHandle(forReadingAtPath: path) else {
            throw ImportSetupError("cannot write a UTF-8 copy of \(path) to \(target)")
        }
        defer {
            try? input.close()
            try? output.close()
        }
        while true {
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            var utf8: [UInt8] = []
            utf8.reserveCapacity(chunk.count + chunk.count / 8)
            for byte in chunk {
                if byte < 0x80 {
                    utf8.append(byte)
                } else {
                    let scalar = windows1252[byte] ?? Unicode.Scalar(byte)
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            }
            output.write(Data(utf8))
        }
        return target
    }

    /// The rows, one at a time: the header first, then every record, each as its fields.
    public final class Rows {
        let reader: CSVReader
        let path: String
        public private(set) var number = 0

        init(_ reader: CSVReader, path: String) {
            self.reader = reader
            self.path = path
        }

        /// The next row and its number (the header is row 1, as in a spreadsheet); nil at the end.
        public func next() throws -> (number: Int, fields: [String])? {
            while let row = reader.next() {
                number += 1
                if number == 1, let first = row.first, first.hasPrefix("\u{FEFF}") {  // a BOM the reader left in place
                    return (number, [String(first.dropFirst())] + row.dropFirst())
                }
                if row.count == 1 && row[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }  // a blank line
                return (number, row)
            }
            // On Linux the stream says it has bytes until a read returns none, so CSV.swift records `cannotReadFile`
            // at every end of file; the file was read whole once already (the encoding check), so that one is the end.
            if let error = reader.error {
                if case CSVError.cannotReadFile = error { return nil }
                throw ImportSetupError("\(path) could not be read: \(error)")
            }
            return nil
        }
    }

    public func rows() throws -> Rows {
        guard let stream = InputStream(fileAtPath: readable) else { throw ImportSetupError("cannot read \(path)") }
        return Rows(try CSVReader(stream: stream, codecType: UTF8.self, hasHeaderRow: false, trimFields: false,
                                  delimiter: delimiter), path: path)
    }

    /// Removes the UTF-8 copy of a Latin-1 file.
    public func close() {
        if readable != path { try? FileManager.default.removeItem(atPath: readable) }
    }
}
