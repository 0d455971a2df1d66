import Foundation

/// A problem in a path file, with the (1-based) line it starts on.
public struct PathFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// Reads ChannelAttribution-compatible path files (DESIGN.md "Attribution formats"): CSV with RFC 4180 quoting,
/// comma- or semicolon-delimited (whichever makes the header name the required columns), columns by name
/// (`path` and `total_conversions` required; `total_conversion_value` and `total_null` optional, any order, other
/// columns ignored), channels separated by `>` and trimmed, decimal counts, duplicate paths summed.
///
/// Hand-written rather than a general CSV library: none is among the listed packages, and this reader works on the
/// raw bytes in one pass, summing identical path texts before splitting them into channels (a million journeys
/// have far fewer distinct paths), which is what makes a million-line file take a fraction of a second.
public enum PathFile {
    static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
    static let arrow = UInt8(ascii: ">")

    public static func parse(contentsOf path: String) throws -> PathSet {
        try parse(try readBytes(path))
    }

    /// The file's bytes, read straight into one array (no intermediate `Data` copy: half the peak memory).
    static func readBytes(_ path: String) throws(PathFileError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PathFileError(line: 0, "cannot read \(path)") }
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw PathFileError(line: 0, "cannot read \(path)") }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            var done = 0
            while done < size {
                let got = read(descriptor, buffer.baseAddress! + done, size - done)
                if got <= 0 { failed = got < 0; break }
                done += got
            }
            count = done
        }
        if failed { throw PathFileError(line: 0, "cannot read \(path)") }
        return bytes
    }

    public static func parse(_ bytes: [UInt8]) throws(PathFileError) -> PathSet {
        var reader = Reader(bytes)
        return try reader.read()
    }

    /// The columns a file must or may have.
    enum Column: Int {
        case path, conversions, value, nulls, other
    }

    struct Reader {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var delimiter = UInt8(ascii: ",")
        var columns: [Column] = []
        /// Distinct raw path texts (unescaped), back to back, and per distinct path its range, sums and first line.
        var arena: [UInt8] = []
        var starts: [Int] = [], lengths: [Int] = [], firstLines: [Int] = []
        var sums: [(conversions: Double, value: Double, nulls: Double)] = []
        var table: [Int32] = []  // open addressing over distinct paths, -1 empty
        var hashes: [UInt64] = []
        var scratch: [UInt8] = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            table = [Int32](repeating: -1, count: 1 << 12)
        }

        mutating func read() throws(PathFileError) -> PathSet {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }  // a UTF-8 byte order mark
            try readHeader()
            var fields: [(start: Int, end: Int, quoted: Bool)] = []
            while position < bytes.count {
                let recordLine = line
                fields.removeAll(keepingCapacity: true)
                let blank = try readRecord(into: &fields)
                if blank { continue }
                try take(fields, line: recordLine)
            }
            return try build()
        }

        // MARK: Records

        /// Reads one record's field ranges; true for a blank line.
        mutating func readRecord(into fields: inout [(start: Int, end: Int, quoted: Bool)]) throws(PathFileError) -> Bool {
            let count = bytes.count
            if bytes[position] == newline || bytes[position] == carriage {
                skipNewline()
                return true
            }
            while true {
                if position < count && bytes[position] == quote {
                    let start = position + 1, openedOn = line
                    position += 1
                    while true {
                        guard position < count else { throw PathFileError(line: openedOn, "a quoted field is not closed") }
                        let byte = bytes[position]
                        if byte == quote {
                            if position + 1 < count && bytes[position + 1] == quote {
                                position += 2
                                continue
                            }
                            break
                        }
                        if byte == newline { line += 1 }
                        position += 1
                    }
                    fields.append((start, position, true))
                    position += 1
                    if position < count && bytes[position] != delimiter && bytes[position] != newline
                        && bytes[position] != carriage {
                        throw PathFileError(line: line, "text after a closing quote")
                    }
                } else {
                    let start = position
                    while position < count {
                        let byte = bytes[position]
                        if byte == delimiter || byte == newline || byte == carriage { break }
                        position += 1
                    }
                    fields.append((start, position, false))
                }
                if position < count && bytes[position] == delimiter {
                    position += 1
                    continue
                }
                skipNewline()
                return false
            }
        }

        mutating func skipNewline() {
            if position < bytes.count && bytes[position] == carriage { position += 1 }
            if position < bytes.count && bytes[position] == newline {
                position += 1
                line += 1
            }
        }

        /// The field's bytes, with doubled quotes undone.
        mutating func text(_ field: (start: Int, end: Int, quoted: Bool)) -> ArraySlice<UInt8> {
            guard field.quoted, bytes[field.start..<field.end].contains(quote) else { return bytes[field.start..<field.end] }
            scratch.removeAll(keepingCapacity: true)
            var index = field.start
            while index < field.end {
                scratch.append(bytes[index])
                index += bytes[index] == quote ? 2 : 1
            }
            return scratch[...]
        }

        // MARK: Header

        mutating func readHeader() throws(PathFileError) {
            var fields: [(start: Int, end: Int, quoted: Bool)] = []
            guard position < bytes.count else { throw PathFileError(line: 1, "the file is empty") }
            // Try both delimiters on the header; the one that names the required columns wins.
            let start = position, startLine = line
            for candidate in [UInt8(ascii: ","), UInt8(ascii: ";")] {
                position = start
                line = startLine
                delimiter = candidate
                fields.removeAll()
                _ = try readRecord(into: &fields)
                var names: [String] = []
                for field in fields { names.append(String(decoding: text(field), as: UTF8.self).trimmingWhitespace()) }
                let found = names.map { name -> Column in
                    switch name {
                    case "path": .path
                    case "total_conversions": .conversions
                    case "total_conversion_value": .value
                    case "total_null": .nulls
                    default: .other
                    }
                }
                if found.contains(.path) && found.contains(.conversions) {
                    for column in [Column.path, .conversions, .value, .nulls] where found.filter({ $0 == column }).count > 1 {
                        throw PathFileError(line: 1, "the column \(names[found.firstIndex(of: column)!]) appears twice")
                    }
                    columns = found
                    return
                }
            }
            throw PathFileError(line: 1, "the header must name the columns path and total_conversions "
                + "(comma- or semicolon-delimited)")
        }

        // MARK: Values

        mutating func take(_ fields: [(start: Int, end: Int, quoted: Bool)], line recordLine: Int) throws(PathFileError) {
            guard fields.count == columns.count else {
                throw PathFileError(line: recordLine, "\(fields.count) fields where the header has \(columns.count)")
            }
            var conversions = 0.0, value = 0.0, nulls = 0.0
            var pathField = fields[0]
            for (index, column) in columns.enumerated() {
                switch column {
                case .path: pathField = fields[index]
                case .conversions: conversions = try number(fields[index], "total_conversions", line: recordLine, required: true)
                case .value: value = try number(fields[index], "total_conversion_value", line: recordLine, required: false)
                case .nulls: nulls = try number(fields[index], "total_null", line: recordLine, required: false)
                case .other: break
                }
            }
            let path = text(pathField)
            var low = path.startIndex, high = path.endIndex
            while low < high && isSpace(path[low]) { low += 1 }
            while high > low && isSpace(path[high - 1]) { high -= 1 }
            guard low < high else { throw PathFileError(line: recordLine, "the path is empty") }
            let trimmed = path[low..<high]
            let index = intern(trimmed, line: recordLine)
            sums[index].conversions += conversions
            sums[index].value += value
            sums[index].nulls += nulls
        }

        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

        /// A non-negative decimal; empty optional fields count 0.
        mutating func number(_ field: (start: Int, end: Int, quoted: Bool), _ name: String, line recordLine: Int,
                             required: Bool) throws(PathFileError) -> Double {
            let raw = text(field)
            var low = raw.startIndex, high = raw.endIndex
            while low < high && isSpace(raw[low]) { low += 1 }
            while high > low && isSpace(raw[high - 1]) { high -= 1 }
            if low == high {
                if required { throw PathFileError(line: recordLine, "\(name) is empty") }
                return 0
            }
            // Fast path: digits with an optional fraction.
            var whole = 0.0, index = low, digits = 0
            while index < high, raw[index] >= 0x30, raw[index] <= 0x39 {
                whole = whole * 10 + Double(raw[index] - 0x30)
                index += 1
                digits += 1
            }
            if index == high && digits > 0 && digits < 16 { return whole }
            if index < high && raw[index] == UInt8(ascii: "."), digits < 16 {
                index += 1
                var fraction = 0.0, scale = 1.0, fractionDigits = 0
                while index < high, raw[index] >= 0x30, raw[index] <= 0x39, fractionDigits < 15 {
                    fraction = fraction * 10 + Double(raw[index] - 0x30)
                    scale *= 10
                    index += 1
                    fractionDigits += 1
                }
                if index == high && digits + fractionDigits > 0 { return whole + fraction / scale }
            }
            let text = String(decoding: raw[low..<high], as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw PathFileError(line: recordLine, "\(name) '\(text)' is not a number")
            }
            guard value >= 0 else { throw PathFileError(line: recordLine, "\(name) must not be negative, not \(text)") }
            return value
        }

        // MARK: Distinct paths

        mutating func intern(_ path: ArraySlice<UInt8>, line recordLine: Int) -> Int {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
            for byte in path { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            var mask = table.count - 1
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while true {
                let entry = table[slot]
                if entry < 0 { break }
                let index = Int(entry)
                if hashes[index] == hash && lengths[index] == path.count
                    && arena[starts[index]..<(starts[index] + lengths[index])].elementsEqual(path) {
                    return index
                }
                slot = (slot + 1) & mask
            }
            let index = starts.count
            starts.append(arena.count)
            lengths.append(path.count)
            arena.append(contentsOf: path)
            firstLines.append(recordLine)
            hashes.append(hash)
            sums.append((0, 0, 0))
            table[slot] = Int32(index)
            if starts.count * 2 > table.count {  // grow and rehash
                table = [Int32](repeating: -1, count: table.count * 2)
                mask = table.count - 1
                for (entry, hash) in hashes.enumerated() {
                    var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
                    while table[slot] >= 0 { slot = (slot + 1) & mask }
                    table[slot] = Int32(entry)
                }
            }
            return index
        }

        /// Splits each distinct path into channels and sums paths that differ only in spacing.
        mutating func build() throws(PathFileError) -> PathSet {
            var set = PathSet(hasValue: columns.contains(.value), hasNull: columns.contains(.nulls))
            var ids: [Int32] = []
            var names: [ArraySlice<UInt8>: Int32] = [:]
            for index in starts.indices {
                ids.removeAll(keepingCapacity: true)
                let path = arena[starts[index]..<(starts[index] + lengths[index])]
                var tokenStart = path.startIndex
                var cursor = path.startIndex
                while true {
                    if cursor == path.endIndex || path[cursor] == arrow {
                        var low = tokenStart, high = cursor
                        while low < high && isSpace(path[low]) { low += 1 }
                        while high > low && isSpace(path[high - 1]) { high -= 1 }
                        guard low < high else {
                            throw PathFileError(line: firstLines[index], "the path has an empty channel name (\"\(String(decoding: path, as: UTF8.self))\")")
                        }
                        let name = path[low..<high]
                        if let id = names[name] {
                            ids.append(id)
                        } else {
                            let id = set.table.intern(String(decoding: name, as: UTF8.self))
                            names[name] = id
                            ids.append(id)
                        }
                        if cursor == path.endIndex { break }
                        tokenStart = cursor + 1
                    }
                    cursor += 1
                }
                set.append(ids, conversions: sums[index].conversions, value: sums[index].value, nulls: sums[index].nulls)
            }
            return set.merged()
        }
    }
}
