/// Email domains anyone can sign up for: a person with one of these is never matched to an account by
/// domain (thousands of unrelated people share gmail.com).
public enum FreeMail {
    public static let domains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com",
        "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "outlook.de", "live.com",
        "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
        "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "freenet.de", "mail.com", "mail.ru",
        "yandex.ru", "yandex.com", "zoho.com", "fastmail.com", "hey.com", "tutanota.com", "orange.fr",
        "laposte.net", "free.fr", "libero.it", "virgilio.it", "qq.com", "163.com", "126.com", "naver.com",
        "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl", "btinternet.com", "sky.com", "comcast.net",
        "verizon.net", "att.net", "bigpond.com", "shaw.ca", "rogers.com",
    ]

    /// The domain to match an account by, or nil for a free-mail address.
    public static func accountDomain(of email: EmailAddress) -> String? {
        let domain = email.domain
        return domains.contains(domain) ? nil : domain
    }
}
