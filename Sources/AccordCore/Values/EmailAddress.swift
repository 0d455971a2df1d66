/// An email address in its normalized form: trimmed and lower-cased, so one person has one address.
///
/// Normalization is deliberately conservative: dots and `+tags` are kept, since business mail servers
/// treat them as distinct mailboxes; only case and surrounding white space are folded.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The normalized address.
    public let value: String

    /// Normalizes and validates an address; the error names the problem.
    public init(_ raw: String) throws(FieldError) {
        if let value = Self.plainASCII(raw) {
            self.value = value
            return
        }
        let trimmed = raw.trimmingWhitespace().lowercased()
        guard !trimmed.isEmpty else { throw FieldError(field: "email", problem: "is required") }
        guard trimmed.utf8.count <= 254 else {
            throw FieldError(field: "email", problem: "is longer than 254 characters")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw FieldError(field: "email", problem: "must look like name@example.com")
        }
        let local = parts[0], domain = parts[1]
        guard local.utf8.count <= 64 else {
            throw FieldError(field: "email", problem: "has a local part longer than 64 characters")
        }
        guard !trimmed.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }) else {
            throw FieldError(field: "email", problem: "must not contain spaces, commas, semicolons or angle brackets")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            throw FieldError(field: "email", problem: "must have a domain such as example.com")
        }
        self.value = trimmed
    }

    /// The common case checked byte by byte: an ASCII address without white space that passes every rule below,
    /// lower-cased (the same string when it already is: a check of 100,000 addresses copies none); nil sends anything
    /// else through the full checks (and their messages). Character-by-character checks were half the time of
    /// reading a touchpoint.
    private static func plainASCII(_ raw: String) -> String? {
        var text = raw
        let (valid, lowered) = text.withUTF8 { bytes -> (Bool, String?) in
            guard !bytes.isEmpty, bytes.count <= 254 else { return (false, nil) }
            var at = -1
            var labelStart = 0
            var labels = 0
            var upper = false
            for (index, byte) in bytes.enumerated() {
                switch byte {
                case 0x80...: return (false, nil)
                case 0x09...0x0D, 0x20, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"):
                    return (false, nil)
                case UInt8(ascii: "@"):
                    guard at < 0, index > 0, index <= 64 else { return (false, nil) }
                    at = index
                    labelStart = index + 1
                case UInt8(ascii: ".") where at >= 0:
                    guard validLabel(bytes, labelStart, index) else { return (false, nil) }
                    labels += 1
                    labelStart = index + 1
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): upper = true
                default: continue
                }
            }
            guard at >= 0, validLabel(bytes, labelStart, bytes.count), labels + 1 >= 2 else { return (false, nil) }
            guard upper else { return (true, nil) }
            return (true, String(unsafeUninitializedCapacity: bytes.count) { text in
                for (index, byte) in bytes.enumerated() {
                    text[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                }
                return bytes.count
            })
        }
        guard valid else { return nil }
        return lowered ?? raw
    }

    private static func validLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end > start && bytes[start] != UInt8(ascii: "-") && bytes[end - 1] != UInt8(ascii: "-")
    }

    /// The part after the `@`.
    public var domain: String {
        String(value[value.index(after: value.firstIndex(of: "@")!)...])
    }

    /// The domain and each parent domain, most specific first (`a.b.example` → `a.b.example`, `b.example`).
    public var domainSuffixes: [String] { Self.suffixes(of: domain) }

    public static func suffixes(of domain: String) -> [String] {
        let labels = domain.split(separator: ".")
        guard labels.count >= 2 else { return [] }
        return (0...(labels.count - 2)).map { labels[$0...].joined(separator: ".") }
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = try EmailAddress(raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension String {
    /// The string without leading and trailing white space and newlines.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
