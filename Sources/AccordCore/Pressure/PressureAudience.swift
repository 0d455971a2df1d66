import Foundation

/// One person a sending tool names: by Accord's id or by email address.
public enum PressureTarget: Sendable, Hashable {
    case id(UUID)
    case email(EmailAddress)

    /// An id (the 36-character form) or an address; nil for anything else.
    public init?(_ text: String) {
        if text.utf8.count == 36, let id = Hex.uuid(text) {
            self = .id(id)
        } else if let email = try? EmailAddress(text) {
            self = .email(email)
        } else {
            return nil
        }
    }

    /// The same from the text's UTF-8 (an id is read without making a string).
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count == 36, let id = Hex.uuid(utf8: bytes) {
            self = .id(id)
        } else if let email = try? EmailAddress(String(decoding: bytes, as: UTF8.self)) {
            self = .email(email)
        } else {
            return nil
        }
    }
}

/// The persons of a check as the sending tool wrote them, for its answer: plain strings left in the request's bytes
/// (see `JSONParser.parse(_:spanning:)`), or texts.
public enum PersonTexts: Sendable {
    case spans([Range<Int32>], in: [UInt8])
    case strings([String])
}

/// The audience of a check: reading the list, answering it, and keeping a reservation's persons compactly.
public enum PressureAudience {
    /// The most persons one check takes.
    public static let maximum = 100_000

    /// Reads `persons`: an array of ids or email addresses, at most `maximum`. Problems are named by index (the
    /// first 20; the count of the rest is said).
    public static func read(_ value: JSONValue?, field: String = "persons") -> Result<[(text: String, target: PressureTarget)], FieldError> {
        guard let value else { return .failure(FieldError(field: field, problem: "is required")) }
        guard case let .array(items) = value else {
            return .failure(FieldError(field: field, problem: "must be an array of person ids or email addresses, not \(value.typeName)"))
        }
        return read(count: items.count, field: field) { index in
            guard case let .string(text) = items[index] else { return .failure(Problem("must be a string, not \(items[index].typeName)")) }
            return PressureTarget(text).map { .success((text, $0)) } ?? .failure(neither(text))
        }
    }

    /// The same for an array of plain strings left in the request's bytes (`JSONParser.parse(_:spanning:)`).
    public static func read(spans: [Range<Int32>], in body: UnsafeBufferPointer<UInt8>, field: String = "persons")
        -> Result<[PressureTarget], FieldError> {
        // Each entry is read on its own, so a long list is read in parts at once, one per core; a list with a
        // problem in it is read again below, to name each problem.
        if spans.count >= 20_000, spans.count <= maximum {
            let parts = min(4, ProcessInfo.processInfo.activeProcessorCount)
            let read = [PressureTarget?](unsafeUninitializedCapacity: spans.count) { buffer, initialized in
                let target = Unchecked(buffer.baseAddress!), source = Unchecked(body)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    for index in part * spans.count / parts ..< (part + 1) * spans.count / parts {
                        let bytes = UnsafeBufferPointer(rebasing: source.value[Int(spans[index].lowerBound)..<Int(spans[index].upperBound)])
                        (target.value + index).initialize(to: PressureTarget(utf8: bytes))
                    }
                }
                initialized = spans.count
            }
            let targets = read.compactMap { $0 }
            if targets.count == spans.count { return .success(targets) }
        }
        return read(count: spans.count, field: field) { index in
            let bytes = UnsafeBufferPointer(rebasing: body[Int(spans[index].lowerBound)..<Int(spans[index].upperBound)])
            return PressureTarget(utf8: bytes).map { .success($0) } ?? .failure(neither(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// A pointer handed to the parts of a parallel loop, each using its own elements.
    struct Unchecked<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private struct Problem: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private static func neither(_ text: String) -> Problem {
        Problem("'\(text.prefix(80))' is neither a person id nor an email address")
    }

    /// What both readings check: at least one person and at most `maximum`, each readable (a problem is named by
    /// index, the first 20, then how many more).
    private static func read<Item>(count: Int, field: String, _ item: (Int) -> Result<Item, Problem>) -> Result<[Item], FieldError> {
        guard count > 0 else { return .failure(FieldError(field: field, problem: "must name at least one person")) }
        guard count <= maximum else {
            return .failure(FieldError(field: field, problem: "may name at most \(maximum) persons per check, not \(count)"))
        }
        var items: [Item] = []
        items.reserveCapacity(count)
        var problems: [String] = []
        var bad = 0
        for index in 0..<count {
            switch item(index) {
            case let .success(read): items.append(read)
            case let .failure(problem):
                bad += 1
                if problems.count < 20 { problems.append("[\(index)] \(problem.text)") }
            }
        }
        guard bad == 0 else {
            let more = bad > problems.count ? "; and \(bad - problems.count) more" : ""
            return .failure(FieldError(field: field, problem: problems.joined(separator: "; ") + more))
        }
        return .success(items)
    }

    /// The people of an uploaded list: one per line, an id or an address in the first cell that is one (a CSV's other
    /// columns and its header line are passed over); lines with neither are returned as unreadable.
    public static func readList(_ text: String) -> (targets: [(text: String, target: PressureTarget)], unreadable: [String]) {
        var targets: [(text: String, target: PressureTarget)] = []
        var unreadable: [String] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let cells = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" })
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            if let found = cells.lazy.compactMap({ cell in PressureTarget(cell).map { (cell, $0) } }).first {
                targets.append((text: found.0, target: found.1))
            } else if index > 0 || cells.allSatisfy({ $0.contains("@") }) {
                unreadable.append(String(line.prefix(80)))
            }
        }
        return (targets, unreadable)
    }

    /// The check's answer as JSON bytes, written directly: a hundred thousand results through a generic encoder
    /// cost more than the check itself. Each result is the person as given (copied from the request when it was a
    /// plain string there) and its ending.
    public static func answer(reservationID: UUID?, expiresAt: Date?, texts: PersonTexts, decisions: [PressureDecision])
        -> [UInt8] {
        var out: [UInt8] = []
        func append(_ text: String) { out.append(contentsOf: text.utf8) }
        let (allowed, counts) = counted(decisions)
        let (spans, body, strings): ([Range<Int32>], [UInt8], [String]) = switch texts {
        case let .spans(spans, body): (spans, body, [])
        case let .strings(strings): ([], [], strings)
        }
        out.reserveCapacity(160 + body.count + decisions.count * (spans.isEmpty ? 80 : 48))
        append("{\"reservationId\":")
        if let reservationID { append("\"\(reservationID.uuidString.lowercased())\"") } else { append("null") }
        append(",\"expiresAt\":")
        if let expiresAt { append("\"\(ISOTimestamp.format(expiresAt))\"") } else { append("null") }
        append(",\"allowed\":\(allowed),\"blocked\":\(decisions.count - allowed),\"blockedByRule\":{")
        for (index, key) in counts.keys.sorted().enumerated() {
            append(index == 0 ? "\"\(key)\":\(counts[key]!)" : ",\"\(key)\":\(counts[key]!)")
        }
        append("},\"results\":[")
        // In parts at once, one per core, for a long list; then joined.
        let parts = decisions.count >= 20_000 ? min(4, ProcessInfo.processInfo.activeProcessorCount) : 1
        var pieces = [[UInt8]](repeating: [], count: parts)
        pieces.withUnsafeMutableBufferPointer { buffer in
            let target = Unchecked(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                (target.value + part).pointee = results(part * decisions.count / parts ..< (part + 1) * decisions.count / parts,
                                                        spans: spans, body: body, strings: strings, decisions: decisions)
            }
        }
        for piece in pieces { out.append(contentsOf: piece) }
        append("]}")
        return out
    }

    /// How many are allowed, and how many blocked by each rule (counted by the rule's code: no hashing per person).
    public static func counted(_ decisions: [PressureDecision]) -> (allowed: Int, byRule: [String: Int]) {
        var byRule = [Int](repeating: 0, count: PressureRule.ordered.count)
        var allowed = 0
        for decision in decisions {
            if let rule = decision.rule, !decision.allowed { byRule[Int(rule.code)] += 1 } else { allowed += 1 }
        }
        var counts: [String: Int] = [:]
        for (code, count) in byRule.enumerated() where count > 0 { counts[PressureRule.ordered[code].rawValue] = count }
        return (allowed, counts)
    }

    /// The results at `range`, each but the first after a comma: the person as given and one of a few endings,
    /// made once.
    static func results(_ range: Range<Int>, spans: [Range<Int32>], body: [UInt8], strings: [String],
                        decisions: [PressureDecision]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count * (spans.isEmpty ? 80 : 48) + (spans.isEmpty ? 0 : body.count * range.count / max(1, spans.count)))
        let opening = Array("{\"person\":".utf8), allowedEnd = Array(",\"allowed\":true,\"rule\":null}".utf8)
        // The endings of blocked results by their detail (a rule's name or a cap's: a handful, compared by identity
        // first, since they are the check's own strings).
        var endings: [(detail: String, bytes: [UInt8])] = []
        func ending(_ detail: String) -> [UInt8] {
            if let found = endings.first(where: { $0.detail == detail }) { return found.bytes }
            var bytes = Array(",\"allowed\":false,\"rule\":".utf8)
            appendString(detail, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
            endings.append((detail, bytes))
            return bytes
        }
        body.withUnsafeBufferPointer { body in
            for index in range {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: opening)
                if spans.isEmpty {
                    appendString(strings[index], to: &out)
                } else {
                    out.append(UInt8(ascii: "\""))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: body[Int(spans[index].lowerBound)..<Int(spans[index].upperBound)]))
                    out.append(UInt8(ascii: "\""))
                }
                if let detail = decisions[index].detail { out.append(contentsOf: ending(detail)) } else { out.append(contentsOf: allowedEnd) }
            }
        }
        return out
    }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every text needs no escape: copied whole (byte by byte was a tenth of a large check's time).
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            out.append(contentsOf: bytes)
            return true
        } ?? false
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(Hex.digits[Int(byte >> 4)])
                out.append(Hex.digits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Reservations, compactly

    /// Person ids as 16 bytes each (a reservation of 100,000 persons is 1.6 MB, one row, one write).
    public static func pack(_ ids: some Sequence<UUID>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.underestimatedCount * 16)
        for id in ids { withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    public static func unpack(_ bytes: some Collection<UInt8>) -> [UUID] {
        var ids: [UUID] = []
        ids.reserveCapacity(bytes.count / 16)
        Array(bytes).withUnsafeBytes { forEachPacked($0) { ids.append($0) } }
        return ids
    }

    /// Each id of `pack`'s bytes, read where it lies.
    public static func forEachPacked(_ bytes: UnsafeRawBufferPointer, _ body: (UUID) throws -> Void) rethrows {
        var start = 0
        while start + 16 <= bytes.count {
            try body(UUID(uuid: bytes.loadUnaligned(fromByteOffset: start, as: uuid_t.self)))
            start += 16
        }
    }

    /// Blocked persons with their rule: 16 bytes of id and one of the rule's place in `PressureRule.allCases`.
    public static func packBlocked(_ blocked: [(UUID, PressureRule)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blocked.count * 17)
        for (id, rule) in blocked {
            withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) }
            bytes.append(rule.code)
        }
        return bytes
    }

    public static func unpackBlocked(_ bytes: some Collection<UInt8>) -> [(UUID, PressureRule)] {
        let all = Array(bytes)
        let rules = PressureRule.ordered
        var result: [(UUID, PressureRule)] = []
        var start = 0
        while start + 17 <= all.count {
            let id = unpack(all[start..<start + 16])[0]
            let code = Int(all[start + 16])
            if code < rules.count { result.append((id, rules[code])) }
            start += 17
        }
        return result
    }

    /// Weights per account: the ids packed, then each weight's 8 bytes (little-endian).
    public static func packWeights(_ weights: [UUID: Double]) -> [UInt8] {
        let accounts = weights.keys.sorted()
        var bytes = pack(accounts)
        for account in accounts { withUnsafeBytes(of: weights[account]!.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    public static func unpackWeights(_ bytes: some Collection<UInt8>) -> [(UUID, Double)] {
        let all = Array(bytes)
        let count = all.count / 24
        return unpack(all[0..<count * 16]).enumerated().map { index, id in
            var bits: UInt64 = 0
            for offset in 0..<8 { bits |= UInt64(all[count * 16 + index * 8 + offset]) << (8 * UInt64(offset)) }
            return (id, Double(bitPattern: UInt64(littleEndian: bits)))
        }
    }
}

extension PressureRule {
    /// The rules in their order (`allCases` makes a new array each time it is asked).
    static let ordered = Array(allCases)

    /// The rule's place in `allCases`, as kept in a reservation's blocked persons.
    var code: UInt8 { UInt8(Self.ordered.firstIndex(of: self)!) }
}

extension PressurePolicy {
    /// What one reserved (not yet sent) message from `side` on `channel` adds to each person cap.
    public func reservedLoads(side: Side, channel: Channel) -> [Double] {
        personCaps.map { $0.counts(side) ? weight(channel) : 0 }
    }
}
