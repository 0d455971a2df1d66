import Foundation

/// What really happened to a person, from their leads and opportunities: the outcomes a backtest counts.
public struct PersonOutcome: Sendable, Equatable {
    /// A won deal the person was part of (a contact role, or the opportunity their lead became).
    public struct WonDeal: Sendable, Hashable {
        public var id: UUID
        public var amount: Money

        public init(id: UUID, amount: Money) {
            self.id = id
            self.amount = amount
        }
    }

    public var accepted = false
    public var sql = false
    public var opportunity = false
    public var wonDeals: [WonDeal] = []

    public var won: Bool { !wonDeals.isEmpty }

    public init(accepted: Bool = false, sql: Bool = false, opportunity: Bool = false, wonDeals: [WonDeal] = []) {
        self.accepted = accepted
        self.sql = sql
        self.opportunity = opportunity
        self.wonDeals = wonDeals
    }

    /// Folds in one of the person's leads: accepted unless it was rejected or left to expire untouched;
    /// an SQL from `sql` on; an opportunity once converted.
    public mutating func add(lead stage: LeadStage, recycleReason: String?, opportunityID: UUID?) {
        switch stage {
        case .new, .mql, .rejected: break
        case .recycled: if recycleReason != LeadLifecycle.expiredReason { accepted = true }
        case .sal: accepted = true
        case .sql: accepted = true; sql = true
        case .opportunity, .won, .lost: accepted = true; sql = true; opportunity = true
        }
        if opportunityID != nil { opportunity = true }
    }
}

/// One person as a backtest replays them: today's attributes (there is no history of them), every touch in
/// time order, and what really happened.
public struct BacktestSubject: Sendable {
    public var personID: UUID
    public var accountID: UUID?
    public var profile: ScoringProfile
    public var touches: [ScoringTouch]
    public var outcome: PersonOutcome

    public init(personID: UUID, accountID: UUID?, profile: ScoringProfile, touches: [ScoringTouch], outcome: PersonOutcome) {
        self.personID = personID
        self.accountID = accountID
        self.profile = profile
        self.touches = touches.sorted { $0.occurredAt < $1.occurredAt }
        self.outcome = outcome
    }
}

/// The figures of one group of MQLs: how many, and how many of those people were accepted, became SQLs,
/// opportunities and wins, with the revenue of the won deals (each deal counted once, in the first group
/// that reaches it).
public struct BacktestFigures: Sendable, Equatable, Codable {
    public var mqls = 0
    public var accountMQLs = 0
    public var accepted = 0
    public var sqls = 0
    public var opportunities = 0
    public var wins = 0
    public var revenue: [Money] = []

    public init() {}

    mutating func add(_ outcome: PersonOutcome, account: Bool, newDeals: [PersonOutcome.WonDeal]) {
        mqls += 1
        if account { accountMQLs += 1 }
        if outcome.accepted { accepted += 1 }
        if outcome.sql { sqls += 1 }
        if outcome.opportunity { opportunities += 1 }
        if outcome.won { wins += 1 }
        for deal in newDeals {
            if let index = revenue.firstIndex(where: { $0.currency == deal.amount.currency }) {
                revenue[index].amountMinor += deal.amount.amountMinor
            } else {
                revenue.append(deal.amount)
                revenue.sort { $0.currency < $1.currency }
            }
        }
    }
}

/// One definition's replay: the totals, precision and recall against won deals (per person), and its months.
public struct BacktestResult: Sendable, Equatable, Codable {
    public var totals: BacktestFigures
    /// Of the people it made MQLs, the share who won a deal; nil without MQLs.
    public var precision: Double?
    /// Of the people who won a deal, the share it made MQLs; nil when nobody won.
    public var recall: Double?
    public var wonPersons: Int
    /// Month (`2026-03`, UTC) to figures; every month of the period is present.
    public var months: [String: BacktestFigures]
    /// When each person would have become an MQL (the first qualifying day).
    public var qualifiedAt: [UUID: Date]
}

/// Replays history under a lead definition: on each day only the touches before that day count, with decay as
/// of that day, so a person becomes an MQL on the first day their score would have qualified them. A person
/// counts once (a replay does not model leads being recycled and qualifying again), and outcomes are what
/// really happened to that person. Account attributes are today's values.
public enum Backtest {
    public static let note = "Account and person attributes (industry, size, seniority…) are today's values: "
        + "their history is not kept. Each person counts once, on the first day the definition would have "
        + "qualified them; outcomes are what really happened to that person, at any time."

    static let day: TimeInterval = 86_400

    /// The UTC days on which a qualification can first show: the day after each touch (touches count from the
    /// next day on), within the period.
    static func candidateDays(_ touches: [ScoringTouch], from: Date, to: Date) -> [Date] {
        var days = Set<Double>()
        for touch in touches {
            let next = (touch.occurredAt.timeIntervalSince1970 / day).rounded(.down) * day + day
            if next >= from.timeIntervalSince1970, next <= to.timeIntervalSince1970 { days.insert(next) }
        }
        return days.sorted().map { Date(timeIntervalSince1970: $0) }
    }

    /// Engagement as the replay sees it on `day`: touches strictly before the day, decayed to it.
    static func engagement(_ scorer: LeadScorer, _ touches: [ScoringTouch], on day: Date) -> Double {
        scorer.engagement(touches, asOf: day.addingTimeInterval(-0.001)).points
    }

    /// When each person would have qualified in `from…to` (person by person, and through their account when
    /// the definition qualifies buying groups); the Bool says it was through the account.
    public static func qualifications(_ scorer: LeadScorer, subjects: [BacktestSubject], from: Date, to: Date)
        -> [UUID: (day: Date, account: Bool)] {
        let definition = scorer.definition
        var result: [UUID: (day: Date, account: Bool)] = [:]
        var fits: [UUID: Int] = [:]
        for subject in subjects {
            let fit = scorer.fit(subject.profile).points
            fits[subject.personID] = fit
            // Someone who already qualified when the period starts became an MQL before it.
            guard fit >= definition.minimumFit,
                  engagement(scorer, subject.touches, on: from) < definition.minimumEngagement else { continue }
            for day in candidateDays(subject.touches, from: from, to: to)
            where engagement(scorer, subject.touches, on: day) >= definition.minimumEngagement {
                result[subject.personID] = (day, false)
                break
            }
        }
        guard definition.accountLevel != nil else { return result }
        let byAccount = Dictionary(grouping: subjects.filter { $0.accountID != nil }, by: { $0.accountID! })
        for members in byAccount.values {
            func group(on day: Date) -> [BuyingGroupMember] {
                members.map { member in
                    BuyingGroupMember(personID: member.personID, fit: fits[member.personID] ?? 0,
                                      engagement: engagement(scorer, member.touches, on: day))
                }
            }
            if scorer.buyingGroup(group(on: from)) != nil { continue }  // qualified before the period
            let days = Set(members.flatMap { candidateDays($0.touches, from: from, to: to) }).sorted()
            for day in days {
                guard let qualification = scorer.buyingGroup(group(on: day)) else { continue }
                if let personal = result[qualification.leadPersonID], personal.day <= day { break }
                result[qualification.leadPersonID] = (day, true)
                break
            }
        }
        return result
    }

    /// The replay of one definition over `from…to`.
    public static func run(_ scorer: LeadScorer, subjects: [BacktestSubject], from: Date, to: Date) -> BacktestResult {
        let qualified = qualifications(scorer, subjects: subjects, from: from, to: to)
        var months = Dictionary(uniqueKeysWithValues: monthKeys(from: from, to: to).map { ($0, BacktestFigures()) })
        var totals = BacktestFigures()
        var claimed = Set<UUID>()
        var wonPersons = 0, hits = 0
        // In qualification order, so each won deal's revenue lands in the month of its first MQL.
        let ordered = subjects.compactMap { subject in qualified[subject.personID].map { (subject, $0) } }
            .sorted { ($0.1.day, $0.0.personID) < ($1.1.day, $1.0.personID) }
        for (subject, qualification) in ordered {
            let newDeals = subject.outcome.wonDeals.filter { claimed.insert($0.id).inserted }
            totals.add(subject.outcome, account: qualification.account, newDeals: newDeals)
            months[monthKey(qualification.day), default: BacktestFigures()]
                .add(subject.outcome, account: qualification.account, newDeals: newDeals)
            if subject.outcome.won { hits += 1 }
        }
        for subject in subjects where subject.outcome.won { wonPersons += 1 }
        return BacktestResult(
            totals: totals, precision: totals.mqls == 0 ? nil : Double(hits) / Double(totals.mqls),
            recall: wonPersons == 0 ? nil : Double(hits) / Double(wonPersons), wonPersons: wonPersons, months: months,
            qualifiedAt: qualified.mapValues(\.day))
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2026-03` for a moment in March 2026 (UTC).
    public static func monthKey(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    /// Every month from `from` to `to`, in order.
    public static func monthKeys(from: Date, to: Date) -> [String] {
        guard from <= to else { return [] }
        var keys: [String] = []
        var cursor = utc.date(from: utc.dateComponents([.year, .month], from: from))!
        while cursor <= to {
            keys.append(monthKey(cursor))
            cursor = utc.date(byAdding: .month, value: 1, to: cursor)!
        }
        return keys
    }
}

/// A backtest as the command line, the API and the page show it: the candidate definition beside the active
/// one, month by month. JSON schema: docs/backtest.schema.json.
public struct BacktestReport: Sendable, Equatable, Codable {
    /// One definition's side.
    public struct Side: Sendable, Equatable, Codable {
        /// The stored version, or nil for a definition from a file.
        public var version: Int?
        public var name: String
        public var totals: BacktestFigures
        public var precision: Double?
        public var recall: Double?
    }

    /// One month: the candidate's figures and the active definition's.
    public struct Month: Sendable, Equatable, Codable {
        public var month: String
        public var candidate: BacktestFigures
        public var active: BacktestFigures?
    }

    public var from: Date
    public var to: Date
    public var persons: Int
    /// People who won a deal (the denominator of recall).
    public var wonPersons: Int
    public var candidate: Side
    /// The active definition, when there is one.
    public var active: Side?
    public var months: [Month]
    public var notes: [String]

    public init(from: Date, to: Date, subjects: [BacktestSubject], candidate: (version: Int?, name: String, scorer: LeadScorer),
                active: (version: Int?, name: String, scorer: LeadScorer)?) {
        let mine = Backtest.run(candidate.scorer, subjects: subjects, from: from, to: to)
        let theirs = active.map { Backtest.run($0.scorer, subjects: subjects, from: from, to: to) }
        self.from = from
        self.to = to
        persons = subjects.count
        wonPersons = mine.wonPersons
        self.candidate = Side(version: candidate.version, name: candidate.name, totals: mine.totals,
                              precision: mine.precision, recall: mine.recall)
        self.active = active.flatMap { definition in
            theirs.map { Side(version: definition.version, name: definition.name, totals: $0.totals,
                              precision: $0.precision, recall: $0.recall) }
        }
        months = Backtest.monthKeys(from: from, to: to).map { key in
            Month(month: key, candidate: mine.months[key] ?? BacktestFigures(), active: theirs.map { $0.months[key] ?? BacktestFigures() })
        }
        notes = [Backtest.note]
    }
}
