import Foundation

/// A simulated B2B company's last twelve months, deterministic for a seed. Outcomes are caused by the
/// hidden structure in `truth` through each person's journey, not drawn beside it.
public struct DemoCompany: Sendable {
    public var teams: [Team] = []
    public var users: [User] = []
    public var accounts: [Account] = []
    public var persons: [Person] = []
    public var campaigns: [Campaign] = []
    public var touchpoints: [Touchpoint] = []
    public var leads: [Lead] = []
    public var opportunities: [Opportunity] = []
    public var contactRoles: [ContactRole] = []
    /// The handoff agreement: calendars, SLA policies, territory rules, marketing's targets, and where each
    /// team's round robin stands after routing the year's leads.
    public var calendars: [NamedCalendar] = []
    public var slaPolicies: [NamedSLAPolicy] = []
    public var routingRules: [RoutingRule] = []
    public var mqlTargets: [MQLTarget] = []
    public var routingStates: [UUID: RoundRobinState] = [:]
    public var truth: DemoTruth

    /// The demo users' password (printed by `serve --demo`).
    public static let password = "accord-demo"
    static let emailDomain = "accord.example"

    /// Rows in all tables.
    public var rowCount: Int {
        teams.count + users.count + accounts.count + persons.count + campaigns.count
            + campaigns.reduce(0) { $0 + $1.costs.count } + touchpoints.count + leads.count + opportunities.count
            + contactRoles.count + calendars.count + slaPolicies.count + routingRules.count + mqlTargets.count
            + routingStates.count
    }

    /// Simulates the company. `scale` multiplies every count (1 ≈ 500 accounts, 3,000 persons, 40 campaigns,
    /// 50,000 touchpoints); the users and teams stay the same.
    public static func generate(scale: Double, seed: UInt64, asOf: Date) -> DemoCompany {
        var simulator = DemoSimulator(scale: scale, seed: seed, asOf: asOf)
        return simulator.run()
    }
}

/// The simulation itself.
struct DemoSimulator {
    let scale: Double
    let asOf: Date
    var random: SeededGenerator
    var company: DemoCompany
    var repSpeed: [UUID: Double] = [:]
    var trueAccount: [Int] = []
    var personsByAccount: [Int: [Int]] = [:]
    var campaignsByChannel: [Channel: [Int]] = [:]
    var router = Router(rules: [], people: [], teamNames: [:])
    var agreements: [UUID: HandoffTerms] = [:]

    static let day: TimeInterval = 86_400
    static let hour: TimeInterval = 3_600

    static let channelTruth: [DemoTruth.ChannelTruth] = [
        .init(channel: .event, lift: 0.30, phase: .early, presence: 0.28),
        .init(channel: .webinar, lift: 0.24, phase: .early, presence: 0.30),
        .init(channel: .partner, lift: 0.18, phase: .middle, presence: 0.22),
        .init(channel: .content, lift: 0.13, phase: .early, presence: 0.35),
        .init(channel: .organicSearch, lift: 0.08, phase: .middle, presence: 0.35),
        .init(channel: .website, lift: 0.05, phase: .middle, presence: 0.40),
        .init(channel: .paidSocial, lift: 0.04, phase: .early, presence: 0.30),
        .init(channel: .directMail, lift: 0.03, phase: .middle, presence: 0.18),
        .init(channel: .email, lift: 0.02, phase: .late, presence: 0.45),
        .init(channel: .paidSearch, lift: 0.02, phase: .late, presence: 0.40),
    ]
    static let fitRule = DemoTruth.FitRule(
        industries: ["software", "financial_services", "manufacturing", "healthcare"],
        minimumEmployees: 200, maximumEmployees: 10_000, seniorities: [.director, .vp, .cLevel])
    static let otherIndustries = ["retail", "education", "logistics", "media", "public_sector", "hospitality"]
    static let slaHours: [LeadPriority: Double] = [.a: 1, .b: 4, .c: 8, .d: 24]
    static let shelfLifeHours = 14 * 24.0
    static let slowRepNumbers: Set<Int> = [3, 7]

    init(scale: Double, seed: UInt64, asOf: Date) {
        self.scale = scale
        self.asOf = asOf
        self.random = SeededGenerator(seed: seed)
        self.company = DemoCompany(truth: DemoTruth(
            seed: seed, scale: scale, asOf: asOf, channels: Self.channelTruth, baseConversion: 0.03,
            fitRule: Self.fitRule, goodFitConversionFactor: 1.0, poorFitConversionFactor: 0.3,
            goodFitRejectionProbability: 0.12, poorFitRejectionProbability: 0.55, slowReps: [],
            fastRepMedianResponseHours: 0.25, lateConversionFactor: 0.4,
            slaHours: Dictionary(uniqueKeysWithValues: Self.slaHours.map { ($0.key.rawValue, $0.value) }),
            shelfLifeHours: Self.shelfLifeHours, goodFitShareOfLeads: 0, goodFitShareOfPersons: 0, counts: [:]))
    }

    mutating func count(_ base: Double, minimum: Int = 1) -> Int {
        max(minimum, Int((base * scale).rounded()))
    }

    mutating func id(at time: Date) -> UUID {
        TimeOrderedID.make(at: time, using: &random)
    }

    mutating func run() -> DemoCompany {
        makeOrganisation()
        makeAccountsAndPersons()
        makeCampaigns()
        for index in company.persons.indices { simulateJourney(of: index) }
        makeFreshInflow()
        finishTruth()
        company.touchpoints.sort { $0.occurredAt < $1.occurredAt }
        return company
    }

    // MARK: Organisation

    mutating func makeOrganisation() {
        let start = asOf.addingTimeInterval(-400 * Self.day)
        let dach = Team(id: id(at: start), name: "Sales DACH", side: .sales)
        let west = Team(id: id(at: start), name: "Sales West", side: .sales)
        let marketing = Team(id: id(at: start), name: "Marketing", side: .marketing)
        company.teams = [dach, west, marketing]
        func user(_ local: String, _ name: String, _ role: UserRole, _ team: Team?, manager: User?) -> User {
            User(id: id(at: start), email: "\(local)@\(DemoCompany.emailDomain)", name: name, role: role,
                 teamID: team?.id, managerID: manager?.id)
        }
        let admin = user("admin", "Alex Admin", .admin, nil, manager: nil)
        let salesManagers = [user("salesmanager1", "Sofia Brandt", .salesManager, dach, manager: nil),
                             user("salesmanager2", "Sam Carter", .salesManager, west, manager: nil)]
        let repNames = ["Ana Keller", "Ben Vogel", "Clara Wolf", "David Roth", "Emma Hart", "Felix Stone",
                        "Grace Lee", "Hugo Martin"]
        var reps: [User] = []
        for (index, name) in repNames.enumerated() {
            let team = index < 4 ? dach : west
            reps.append(user("rep\(index + 1)", name, .rep, team, manager: salesManagers[index < 4 ? 0 : 1]))
        }
        let marketingManager = user("marketingmanager1", "Maya Fischer", .marketingManager, marketing, manager: nil)
        let marketers = [user("marketer1", "Noah Weber", .marketer, marketing, manager: marketingManager),
                         user("marketer2", "Olivia Price", .marketer, marketing, manager: marketingManager)]
        reps[0].routingWeight = 2  // the senior rep takes twice the share of round robin
        company.users = [admin] + salesManagers + reps + [marketingManager] + marketers
        makeAgreement(dach: dach, west: west, start: start)
        for (index, rep) in reps.enumerated() {
            let slow = Self.slowRepNumbers.contains(index + 1)
            repSpeed[rep.id] = slow ? 20 : company.truth.fastRepMedianResponseHours
            if slow { company.truth.slowReps.append(.init(email: rep.email, medianResponseHours: 20)) }
        }
    }

    var reps: [User] { company.users.filter { $0.role == .rep } }

    // MARK: Accounts and persons

    mutating func makeAccountsAndPersons() {
        let dachCountries = ["DE", "AT", "CH"], westCountries = ["GB", "FR", "NL", "US", "ES", "SE", "IT"]
        let dachReps = reps.prefix(4).map(\.id), westReps = reps.suffix(4).map(\.id)
        let syllables = ["Nor", "Vel", "Ast", "Kro", "Lum", "Tex", "Bri", "Qua", "Zen", "Mar", "Oro", "Pel", "Sol",
                         "Tri", "Gal", "Hel", "Ion", "Jas", "Kel", "Lyr"]
        let suffixes = ["tek", "ia", "on", "ex", "ara", "is", "ium", "ora", "ant", "ix"]
        let accountCount = count(500)
        var usedDomains = Set<String>()
        for index in 0..<accountCount {
            let created = asOf.addingTimeInterval(-random.uniform(380...720) * Self.day)
            var stem = random.pick(syllables) + random.pick(syllables).lowercased() + random.pick(suffixes)
            if usedDomains.contains(stem.lowercased()) { stem += "\(index)" }
            usedDomains.insert(stem.lowercased())
            let fitIndustry = random.chance(0.7)
            let industry = fitIndustry ? random.pick(Self.fitRule.industries) : random.pick(Self.otherIndustries)
            let employees = Int(random.logNormal(median: 320, sigma: 1.1).rounded()) + 5
            let dach = random.chance(0.45)
            company.accounts.append(Account(
                id: id(at: created), name: stem + " " + random.pick(["GmbH", "AG", "Ltd", "Inc", "SA", "BV"]),
                domain: stem.lowercased() + "." + (dach ? "de" : random.pick(["com", "co.uk", "fr", "nl", "io"])),
                industry: industry, employeeCount: min(employees, 200_000),
                country: dach ? random.pick(dachCountries) : random.pick(westCountries),
                ownerID: random.chance(0.35) ? nil : dach ? random.pick(dachReps) : random.pick(westReps),
                createdAt: created))
        }
        let firstNames = ["Lena", "Jonas", "Mia", "Paul", "Sara", "Tom", "Lea", "Max", "Nora", "Finn", "Ida",
                          "Leo", "Zoe", "Erik", "Amy", "Luca", "Ella", "Noel", "Rosa", "Ivan"]
        let lastNames = ["Schmidt", "Meyer", "Brown", "Dubois", "Jansen", "Rossi", "Lind", "Garcia", "Klein",
                         "Novak", "Evans", "Moreau", "Berg", "Costa", "Fischer", "Walsh", "Young", "Silva"]
        let titles: [Seniority: [String]] = [
            .cLevel: ["CEO", "CFO", "CTO", "Chief Revenue Officer"],
            .vp: ["VP Sales", "VP Engineering", "VP Operations", "VP Marketing"],
            .director: ["Director of IT", "Head of Procurement", "Director Finance", "Head of Operations"],
            .manager: ["IT Manager", "Procurement Manager", "Team Lead Operations", "Finance Manager"],
            .individual: ["Analyst", "Engineer", "Specialist", "Consultant", "Working Student"],
        ]
        let personCount = count(3000)
        var usedEmails = Set<String>()
        for index in 0..<personCount {
            let accountIndex = Int(random.next() % UInt64(company.accounts.count))
            let account = company.accounts[accountIndex]
            // The simulation knows where free-mail people work; Accord does not.
            trueAccount.append(accountIndex)
            personsByAccount[accountIndex, default: []].append(company.persons.count)
            let seniority: Seniority = random.chance(0.65) ? random.pick([.director, .vp, .cLevel, .director])
                                                           : random.pick([.manager, .individual])
            let first = random.pick(firstNames), last = random.pick(lastNames)
            var local = "\(first).\(last)".lowercased()
            // A few people sign up with private addresses; they are never matched to an account by domain.
            let freeMail = random.chance(0.04)
            var email = "\(local)@\(freeMail ? random.pick(["gmail.com", "outlook.com", "web.de"]) : account.domain!)"
            if usedEmails.contains(email) {
                local += "\(index)"
                email = "\(local)@\(freeMail ? "gmail.com" : account.domain!)"
            }
            usedEmails.insert(email)
            let created = account.createdAt.addingTimeInterval(random.uniform(0...30) * Self.day)
            company.persons.append(Person(
                id: id(at: created), email: email, firstName: first, lastName: last,
                title: random.pick(titles[seniority]!), seniority: seniority,
                accountID: freeMail ? nil : account.id, createdAt: created))
        }
    }

    // MARK: Campaigns

    mutating func makeCampaigns() {
        let suppliers: [Channel: [String]] = [
            .event: ["Messe Berlin", "EventWorks", "TechSummit Ltd"], .webinar: ["ON24", "Zoom Events"],
            .partner: ["Partner Network"], .content: ["ContentWorks Agency", "Freelance Writers"],
            .organicSearch: ["SEO Studio"], .website: ["In-house"], .paidSocial: ["LinkedIn Ads", "Meta Ads"],
            .directMail: ["PrintPost"], .email: ["In-house", "Mailchimp"], .paidSearch: ["Google Ads", "Microsoft Ads"],
        ]
        let monthlyCost: [Channel: ClosedRange<Double>] = [
            .event: 20_000...60_000, .webinar: 3_000...8_000, .partner: 5_000...15_000, .content: 2_000...6_000,
            .organicSearch: 2_000...5_000, .website: 1_000...3_000, .paidSocial: 5_000...20_000,
            .directMail: 4_000...10_000, .email: 500...2_000, .paidSearch: 8_000...25_000,
        ]
        let channels = Self.channelTruth.map(\.channel)
        let campaignCount = count(40, minimum: channels.count)
        for index in 0..<campaignCount {
            let channel = channels[index % channels.count]
            let start = CalendarDate.startOfDay(asOf.addingTimeInterval(-random.uniform(20...370) * Self.day))
            let months = channel == .event ? 1 : Int(random.uniform(1...6))
            let end = min(asOf, start.addingTimeInterval(Double(months) * 30 * Self.day))
            var costs: [MonthlyCost] = []
            var month = start
            while month <= end {
                let amount = Int64((random.uniform(monthlyCost[channel]!) / 100).rounded()) * 10_000
                let key = CalendarDate.month(of: month)
                if costs.last?.month != key { costs.append(MonthlyCost(month: key, amount: Money(amountMinor: amount, currency: "EUR"))) }
                month = month.addingTimeInterval(30 * Self.day)
            }
            let slug = "\(channel.rawValue)-\(index + 1)".replacingOccurrences(of: "_", with: "-")
            company.campaigns.append(Campaign(
                id: id(at: start), name: Self.campaignName(channel, index), channel: channel,
                supplier: random.pick(suppliers[channel]!), startsAt: start, endsAt: end,
                utm: UTMTags(source: channel == .paidSearch ? "google" : channel.rawValue, medium: channel.rawValue,
                             campaign: slug),
                costs: costs, createdAt: start))
            campaignsByChannel[channel, default: []].append(company.campaigns.count - 1)
        }
    }

    static func campaignName(_ channel: Channel, _ index: Int) -> String {
        let names: [Channel: String] = [
            .event: "Trade fair", .webinar: "Webinar", .partner: "Partner referral", .content: "Whitepaper",
            .organicSearch: "SEO", .website: "Website", .paidSocial: "LinkedIn campaign", .directMail: "Mailing",
            .email: "Newsletter", .paidSearch: "Search ads",
        ]
        return "\(names[channel]!) #\(index / 10 + 1)"
    }
}
