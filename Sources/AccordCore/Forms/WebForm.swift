import Foundation

/// A web form's settings as an admin writes them (`/api/v1/forms`).
public struct FormInput: Sendable {
    public var name: FieldValue<String>
    public var successURL: FieldValue<String>
    public var campaignID: FieldValue<UUID>
    public var isActive: FieldValue<Bool>
    public var honeypotField: FieldValue<String>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> FormInput {
        var reader = FieldReader(json)
        var successURL = reader.string("successUrl", maxLength: 2_000)
        if successURL.value?.isEmpty == true { successURL = .null }  // an empty address clears it
        let input = FormInput(
            name: reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200)),
            successURL: successURL, campaignID: reader.id("campaignId"),
            isActive: reader.notNull("isActive", reader.bool("isActive")),
            honeypotField: reader.notNull("honeypotField", reader.string("honeypotField", maxLength: 100)))
        if let url = input.successURL.value, !WebForm.isWebAddress(url) {
            reader.problem("successUrl", "must be an http or https address such as https://example.com/thanks")
        }
        if let field = input.honeypotField.value, field.isEmpty || !field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
            || WebForm.knownFields.contains(field) {
            reader.problem("honeypotField", "must be a field name of letters, digits, _ or - that the form does not use (such as website)")
        }
        try reader.finish(entity: "form")
        return input
    }
}

/// What a visitor sent: their details and where they came from.
public struct FormSubmission: Sendable, Equatable {
    public var email: EmailAddress
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var company: String?
    public var landingURL: String?
    public var referrer: String?
    public var utm: UTMTags
    /// The source of the visit: UTM tags, else what the referrer says, else direct.
    public var attribution: FormAttribution
}

/// Where a visit came from, as the touchpoint and the campaign record it.
public struct FormAttribution: Sendable, Equatable {
    public var source: String
    public var medium: String
    public var campaign: String?
    public var channel: Channel
}

public enum WebForm {
    /// The fields a form post may carry (any other field is ignored, as web forms carry their own extras).
    public static let knownFields: Set<String> = ["email", "firstName", "first_name", "lastName", "last_name", "title", "jobTitle",
                                                  "company", "landingUrl", "pageUrl", "referrer", "utm_source", "utm_medium",
                                                  "utm_campaign", "utmSource", "utmMedium", "utmCampaign"]

    public static func isWebAddress(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return false }
        return true
    }

    /// Reads a post's fields (form-encoded or JSON, already flattened to strings). Unknown fields are ignored;
    /// problems are named by field.
    public static func read(_ fields: [String: String]) throws(AccordError) -> FormSubmission {
        var report = ValidationReport()
        for (name, text) in fields where text.unicodeScalars.contains("\u{0}") && knownFields.contains(name) {
            report.add(name, "must not contain the NUL character")
        }
        func value(_ names: String...) -> String? {
            for name in names {
                if let text = fields[name]?.trimmingWhitespace(), !text.isEmpty, !text.unicodeScalars.contains("\u{0}") { return text }
            }
            return nil
        }
        func bounded(_ name: String, _ text: String?, _ max: Int) -> String? {
            guard let text else { return nil }
            if text.count > max { report.add(name, "is longer than \(max) characters"); return nil }
            return text
        }
        var email: EmailAddress?
        if let raw = value("email") {
            do { email = try EmailAddress(raw) } catch { report.add("email", error.problem) }
        } else {
            report.add("email", "is required")
        }
        let landing = bounded("landingUrl", value("landingUrl", "pageUrl"), 2_000)
        let referrer = bounded("referrer", value("referrer"), 2_000)
        let submission = (first: bounded("firstName", value("firstName", "first_name"), 100),
                          last: bounded("lastName", value("lastName", "last_name"), 100),
                          title: bounded("title", value("title", "jobTitle"), 200), company: bounded("company", value("company"), 200))
        try report.throwIfInvalid()
        // UTM tags: the post's own fields win over the landing page's query.
        var utm = landing.map(utmTags(in:)) ?? UTMTags()
        utm.source = value("utm_source", "utmSource").map(normalized) ?? utm.source
        utm.medium = value("utm_medium", "utmMedium").map(normalized) ?? utm.medium
        utm.campaign = value("utm_campaign", "utmCampaign").map { String($0.prefix(200)) } ?? utm.campaign
        return FormSubmission(email: email!, firstName: submission.first, lastName: submission.last, title: submission.title,
                              company: submission.company, landingURL: landing, referrer: referrer, utm: utm,
                              attribution: attribution(utm: utm, referrer: referrer))
    }

    static func normalized(_ text: String) -> String { String(text.lowercased().trimmingWhitespace().prefix(100)) }

    /// `utm_source`, `utm_medium` and `utm_campaign` from a landing page's query string.
    public static func utmTags(in address: String) -> UTMTags {
        guard let items = URLComponents(string: address)?.queryItems else { return UTMTags() }
        func tag(_ name: String) -> String? {
            items.first { $0.name.lowercased() == name }?.value.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        }
        return UTMTags(source: tag("utm_source").map(normalized), medium: tag("utm_medium").map(normalized),
                       campaign: tag("utm_campaign").map { String($0.prefix(200)) })
    }

    static let searchEngines = ["google", "bing", "duckduckgo", "yahoo", "baidu", "yandex", "ecosia", "qwant"]
    static let socialNetworks = ["linkedin", "facebook", "twitter", "t.co", "x.com", "instagram", "youtube", "reddit", "xing"]

    /// Source, medium and channel: UTM tags when there are any; else the referrer (a search engine is organic
    /// search, a social network or any other site a referral); else a direct visit to the website.
    public static func attribution(utm: UTMTags, referrer: String?) -> FormAttribution {
        if utm.source != nil || utm.medium != nil || utm.campaign != nil {
            let source = utm.source ?? "unknown", medium = utm.medium ?? "unknown"
            return FormAttribution(source: source, medium: medium, campaign: utm.campaign, channel: channel(source: source, medium: medium))
        }
        if let referrer, let host = URL(string: referrer)?.host?.lowercased() {
            let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
            if let engine = searchEngines.first(where: { bare.hasPrefix($0 + ".") || bare.contains("." + $0 + ".") }) {
                return FormAttribution(source: engine, medium: "organic", campaign: nil, channel: .organicSearch)
            }
            return FormAttribution(source: bare, medium: socialNetworks.contains { bare.hasPrefix($0) || bare.contains("." + $0) } ? "social" : "referral",
                                   campaign: nil, channel: .referral)
        }
        return FormAttribution(source: "direct", medium: "none", campaign: nil, channel: .website)
    }

    /// The channel a UTM medium (and source) means.
    public static func channel(source: String, medium: String) -> Channel {
        let social = socialNetworks.contains { source.contains($0) }
        switch medium.replacingOccurrences(of: "-", with: "_") {
        case "cpc", "ppc", "paid", "paidsearch", "paid_search", "sem": return social ? .paidSocial : .paidSearch
        case "paid_social", "paidsocial", "social_paid", "display", "banner", "cpm": return .paidSocial
        case "email", "newsletter", "e_mail": return .email
        case "organic", "seo": return .organicSearch
        case "social", "social_media": return .referral
        case "referral": return .referral
        case "partner", "affiliate": return .partner
        case "webinar": return .webinar
        case "event", "conference", "tradeshow": return .event
        case "content", "blog": return .content
        case "direct_mail", "print": return .directMail
        default: return Channel(rawValue: medium) ?? .website
        }
    }
}
