/// The broad sales regions territory rules may name, derived from an account's ISO 3166-1 country code.
public enum SalesRegion: String, Vocabulary {
    case na = "NA", latam = "LATAM", emea = "EMEA", apac = "APAC"

    /// The region of a country code such as `DE`; nil for a code not in the table.
    public static func of(country: String?) -> SalesRegion? {
        guard let country else { return nil }
        return table[country.uppercased()]
    }

    // A fixed table is enough here: regions are a sales convention, not something a library defines.
    static let table: [String: SalesRegion] = {
        var table: [String: SalesRegion] = [:]
        for code in ["US", "CA", "PM", "BM", "GL"] { table[code] = .na }
        for code in ["MX", "GT", "BZ", "SV", "HN", "NI", "CR", "PA", "CU", "DO", "HT", "JM", "PR", "TT", "BS", "BB",
                     "CO", "VE", "EC", "PE", "BO", "BR", "PY", "UY", "AR", "CL", "GY", "SR", "GF"] {
            table[code] = .latam
        }
        for code in ["CN", "HK", "MO", "TW", "JP", "KR", "MN", "IN", "PK", "BD", "LK", "NP", "BT", "MV", "SG", "MY",
                     "ID", "TH", "VN", "PH", "KH", "LA", "MM", "BN", "TL", "AU", "NZ", "PG", "FJ", "SB", "VU", "WS",
                     "TO", "KZ", "UZ", "KG", "TJ", "TM", "AF"] {
            table[code] = .apac
        }
        for code in ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
                     "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB", "CH", "NO", "IS", "LI",
                     "MC", "SM", "AD", "VA", "AL", "BA", "ME", "MK", "RS", "XK", "MD", "UA", "BY", "RU", "GE", "AM",
                     "AZ", "TR", "IL", "PS", "JO", "LB", "SY", "IQ", "IR", "SA", "AE", "QA", "BH", "KW", "OM", "YE",
                     "EG", "LY", "TN", "DZ", "MA", "SD", "SS", "ET", "ER", "DJ", "SO", "KE", "UG", "TZ", "RW", "BI",
                     "CD", "CG", "GA", "CM", "CF", "TD", "NE", "NG", "GH", "CI", "SN", "ML", "BF", "GN", "SL", "LR",
                     "TG", "BJ", "GM", "GW", "CV", "MR", "AO", "ZM", "ZW", "MW", "MZ", "NA", "BW", "ZA", "LS", "SZ",
                     "MG", "MU", "SC", "KM", "GQ", "ST", "FO", "GI", "IM", "JE", "GG"] {
            table[code] = .emea
        }
        return table
    }()
}
