/// An amount of money in integer minor units (cents) of an ISO 4217 currency; never floating point.
public struct Money: Sendable, Hashable, Codable {
    /// The amount in the currency's minor unit: 1250000 EUR minor units is 12,500.00 EUR.
    public var amountMinor: Int64
    /// The ISO 4217 code, three upper-case letters.
    public var currency: String

    public init(amountMinor: Int64, currency: String) {
        self.amountMinor = amountMinor
        self.currency = currency
    }
}

/// ISO 4217 currency codes.
public enum CurrencyCode {
    /// True for three upper-case ASCII letters (the ISO 4217 alphabetic form).
    public static func isValid(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}
