import Foundation

/// What a suppression list entry blocks: one email address, or every address at a domain (and its subdomains).
public enum SuppressionKind: String, Vocabulary {
    case email, domain
}

/// Where a suppression came from.
public enum SuppressionSource: String, Vocabulary {
    case api, import_ = "import", erasure
}

/// An entry to add: an email (stored only as a hash, so the list itself holds no address) or a domain.
public struct SuppressionInput: Sendable, Equatable {
    public var email: EmailAddress?
    public var domain: String?
    public var reason: String?

    public init(email: EmailAddress? = nil, domain: String? = nil, reason: String? = nil) {
        self.email = email
        self.domain = domain
        self.reason = reason
    }

    public static func read(_ json: JSONValue) throws(AccordError) -> SuppressionInput {
        var reader = FieldReader(json)
        let email = reader.email("email").value, rawDomain = reader.string("domain", maxLength: 253).value
        if case let .string(text)? = reader.raw("domain"), text.trimmingWhitespace().isEmpty {
            reader.problem("domain", "must not be empty")
        }
        let reason = reader.string("reason", maxLength: 200).value?.trimmingWhitespace()
        var domain: String?
        if let rawDomain {
            do { domain = try Self.domain(rawDomain) } catch { reader.problem("domain", error.problem) }
        }
        // Given at all (a malformed address is its own problem, not "neither").
        let given = (email: reader.raw("email").map { $0 != .null } ?? false, domain: reader.raw("domain").map { $0 != .null } ?? false)
        if given.email == given.domain && (given.email || !reader.report.problems.contains { $0.field == "domain" }) {
            reader.problem("email", "give either email or domain, not both or neither")
        }
        try reader.finish(entity: "suppression")
        return SuppressionInput(email: email, domain: domain, reason: reason?.isEmpty == true ? nil : reason)
    }

    /// A domain as the list keeps it: lower case, no `@`, at least one dot.
    public static func domain(_ raw: String) throws(FieldError) -> String {
        var text = raw.trimmingWhitespace().lowercased()
        if text.hasPrefix("@") { text.removeFirst() }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
              text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "." }) else {
            throw FieldError(field: "domain", problem: "'\(raw)' is not a domain such as example.com")
        }
        return text
    }

    /// `jane.doe@acme.example` → `j***@acme.example`: enough to recognise an entry, not to read the address.
    public static func hint(_ email: EmailAddress) -> String {
        let parts = email.value.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        return String(parts[0].prefix(1)) + "***@" + parts[1]
    }
}

/// Removes a person's identifying text from what is kept about them (audit reasons and change records): every
/// occurrence of their email, names and CRM id, in any case, becomes `[erased]`.
public struct Pseudonymizer: Sendable {
    public static let mark = "[erased]"
    /// The texts to remove, longest first (so a full name goes before its parts).
    public let secrets: [String]

    public init(email: String, firstName: String?, lastName: String?, externalID: String?) {
        var texts = [email, externalID.map { String($0.split(separator: ":", maxSplits: 1).last ?? "") }]
        if let firstName, let lastName { texts.append(firstName + " " + lastName) }
        texts += [firstName, lastName, email.split(separator: "@").first.map(String.init)]
        // Very short names would erase unrelated letters; three characters is the least that is kept out.
        secrets = Array(Set(texts.compactMap { $0?.trimmingWhitespace() }.filter { $0.count >= 3 })).sorted { $0.count > $1.count }
    }

    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: Self.mark, options: [.caseInsensitive])
        }
        return result
    }
}
