import AccordCore
import FluentKit
import Foundation
import SQLKit

/// The shared scorecard from the database. Every count is aggregated in SQL, grouped by period and row in one
/// statement per kind of record (the periods are a `CASE` over their bounds, computed in the time zone by Core);
/// percentiles are nearest rank computed in SQL by the same window-function statement on SQLite and PostgreSQL
/// (the row at rank ⌈p·n/100⌉), so both databases give the same numbers. Groupings are positional (`GROUP BY 1, 2`):
/// PostgreSQL does not see a `CASE` with bound parameters in the select list and the same one re-bound as equal.
public enum ScorecardData {
    public struct Options: Sendable {
        public var kind: ScorecardPeriodKind
        /// A moment inside the period wanted.
        public var at: Date
        public var dimension: ScorecardDimension?
        public var timeZone: TimeZone
        /// Whose leads count: a rep's scorecard is their own.
        public var scope: RowScope
        public var now: Date

        public init(kind: ScorecardPeriodKind, at: Date, dimension: ScorecardDimension? = nil, timeZone: TimeZone,
                    scope: RowScope = .all, now: Date = Date()) {
            self.kind = kind
            self.at = at
            self.dimension = dimension
            self.timeZone = timeZone
            self.scope = scope
            self.now = now
        }
    }

    /// How many periods the trend shows.
    static func trendLength(_ kind: ScorecardPeriodKind) -> Int {
        switch kind {
        case .week: 12
        case .month: 12
        case .quarter: 6
        }
    }

    /// A group of one period: its index in the series and the row's key (`total` for the company).
    struct Cell: Hashable {
        var bucket: Int
        var key: String
    }

    /// The series of periods as SQL: which one a time falls in, and the whole range.
    struct Buckets {
        var periods: [ScorecardPeriod]
        /// SQLite has no statistics (no ANALYZE) and would fetch a long range's rows one by one through the time
        /// index, twice as slow as scanning the table: over 45 days its column is written `+column` (no index).
        var sqlite: Bool

        func index(_ column: SQLQueryString) -> SQLQueryString {
            var expression: SQLQueryString = "CASE"
            for (index, period) in periods.enumerated().dropLast() {
                expression += " WHEN \(column) < \(bind: period.end) THEN \(unsafeRaw: String(index))"
            }
            return expression + " ELSE \(unsafeRaw: String(periods.count - 1)) END"
        }

        func range(_ column: SQLQueryString, last: Int? = nil) -> SQLQueryString {
            let first = last.map { max(0, periods.count - $0) } ?? 0
            let start = periods[first].start, end = periods[periods.count - 1].end
            let target: SQLQueryString = sqlite && end.timeIntervalSince(start) > 45 * 86_400 ? "+\(column)" : column
            return "\(target) >= \(bind: start) AND \(target) < \(bind: end)"
        }
    }

    public static func load(_ options: Options, on database: any Database) async throws -> Scorecard {
        var times = PhaseTimes()
        return try await load(options, times: &times, on: database)
    }

    /// The same, noting where the time went (the API's Server-Timing header).
    /// `parallel`, another connection to the same database, runs the percentiles alongside the counts.
    public static func load(_ options: Options, times: inout PhaseTimes, on database: any Database,
                            parallel: (any Database)? = nil) async throws -> Scorecard {
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        let period = ScorecardPeriod.containing(options.at, kind: options.kind, timeZone: options.timeZone)
        let buckets = Buckets(periods: period.series(count: trendLength(options.kind), timeZone: options.timeZone),
                              sqlite: sqlite)
        let current = buckets.periods.count - 1, previous = current - 1
        let grouping = options.dimension.map { LeadQualityQuery.grouping(QualityDimension(rawValue: $0.rawValue)!,
                                                                         dialect: sql.dialect.name) }
        let key: SQLQueryString = grouping?.key ?? "'total'"
        let joins: SQLQueryString = grouping?.joins ?? ""
        let owners: SQLQueryString = RowScopeFilter.owners(options.scope).map { " AND l.owner_id IN (\($0))" } ?? ""
        let now = options.now

        var facts: [Cell: ScorecardFacts] = [:]
        var labels: [String: String] = [:]
        func remember(_ row: any SQLRow) throws -> Cell {
            let key = try LeadQualityQuery.text(row, "k")
            if let dimension = options.dimension, labels[key] == nil {
                labels[key] = try LeadQualityQuery.label(row, key: key, QualityDimension(rawValue: dimension.rawValue)!)
            }
            return Cell(bucket: try LeadQualityQuery.number(row, "b"), key: key)
        }
        func number(_ row: any SQLRow, _ column: String) throws -> Int { try LeadQualityQuery.number(row, column) }
        func money(_ row: any SQLRow, _ column: String) throws -> Int64 {
            if let value = try? row.decode(column: column, as: Int64?.self) { return value ?? 0 }
            return Int64(try row.decode(column: column, as: Double?.self) ?? 0)
        }

        // Percentiles: for the period and the one before, per row and for the company (sorting the whole series for
        // the trend cost more than everything else together; the trend carries the additive figures). They sort, so
        // they run meanwhile on a second connection when the caller has one (a third of the time on SQLite).
        func seconds(_ later: String, _ earlier: String) -> SQLQueryString {
            sqlite ? "CAST(\(unsafeRaw: later) - \(unsafeRaw: earlier) AS DOUBLE PRECISION)"
                : "CAST(EXTRACT(EPOCH FROM (\(unsafeRaw: later) - \(unsafeRaw: earlier))) AS DOUBLE PRECISION)"
        }
        let measures: [(value: SQLQueryString, time: SQLQueryString, from: SQLQueryString, where: SQLQueryString)] = [
            ("CAST(l.speed_to_lead_seconds AS DOUBLE PRECISION)", "l.qualified_at", "leads l \(joins)", "l.first_action_at IS NOT NULL"),
            (seconds("o.opened_at", "l.qualified_at"), "o.opened_at", "opportunities o JOIN leads l ON l.opportunity_id = o.id \(joins)",
             "l.qualified_at IS NOT NULL"),
            (seconds("o.closed_at", "o.opened_at"), "o.closed_at", "opportunities o JOIN leads l ON l.opportunity_id = o.id \(joins)",
             "o.status = 'won'"),
        ]
        let percentileSetters: [(inout ScorecardFacts, Double?, Double?) -> Void] = [
            { $0.speedMedianSeconds = $1; $0.speedP90Seconds = $2 },
            { facts, median, _ in facts.toOpportunitySeconds = median },
            { facts, median, _ in facts.toWonSeconds = median },
        ]
        var percentileQueries: [(measure: Int, grouped: Bool, query: PercentileQuery)] = []
        for (index, measure) in measures.enumerated() {
            for grouped in [true, false] where !grouped || options.dimension != nil {
                percentileQueries.append((index, grouped, PercentileQuery(
                    value: measure.value, bucket: buckets.index(measure.time), key: grouped ? key : "'total'",
                    from: "\(measure.from) WHERE \(measure.where) AND \(buckets.range(measure.time, last: 2))\(owners)")))
            }
        }
        let percentileSQL = try parallel.map(Catalog.sqlDatabase) ?? sql
        let queries = percentileQueries.map(\.query)
        async let percentileRuns = percentiles(percentileSQL, queries)

        // Leads qualified in each period: the handoff.
        for row in try await sql.raw("""
            SELECT \(buckets.index("l.qualified_at")) AS b, \(key) AS k, MIN(\(grouping?.label ?? "'total'")) AS label,
                   COUNT(*) AS mqls,
                   SUM(CASE WHEN l.decided_at IS NOT NULL AND l.stage <> 'rejected' THEN 1 ELSE 0 END) AS accepted,
                   SUM(CASE WHEN l.stage = 'rejected' THEN 1 ELSE 0 END) AS rejected,
                   SUM(CASE WHEN l.decided_at IS NOT NULL OR l.sla_due_at <= \(bind: now) THEN 1 ELSE 0 END) AS feedback_due,
                   SUM(CASE WHEN l.decided_at IS NOT NULL AND l.sla_due_at IS NOT NULL AND l.decided_at <= l.sla_due_at
                            THEN 1 ELSE 0 END) AS in_time,
                   SUM(CASE WHEN l.sla_met IS NOT NULL OR l.sla_due_at <= \(bind: now) THEN 1 ELSE 0 END) AS sla_due,
                   SUM(CASE WHEN l.sla_met = \(bind: true) THEN 1 ELSE 0 END) AS sla_met,
                   SUM(CASE WHEN l.sla_met = \(bind: false) OR (l.sla_met IS NULL AND l.sla_due_at <= \(bind: now))
                            THEN 1 ELSE 0 END) AS breached,
                   SUM(CASE WHEN l.opportunity_id IS NOT NULL THEN 1 ELSE 0 END) AS reached_opportunity,
                   SUM(CASE WHEN l.stage = 'won' THEN 1 ELSE 0 END) AS reached_won
            FROM leads l \(joins)
            WHERE \(buckets.range("l.qualified_at"))\(owners)
            GROUP BY 1, 2
            """).all() {
            let cell = try remember(row)
            var entry = facts[cell] ?? ScorecardFacts()
            entry.mqls += try number(row, "mqls")
            entry.accepted += try number(row, "accepted")
            entry.rejected += try number(row, "rejected")
            entry.feedbackDue += try number(row, "feedback_due")
            entry.decidedInTime += try number(row, "in_time")
            entry.slaDue += try number(row, "sla_due")
            entry.slaMet += try number(row, "sla_met")
            entry.breached += try number(row, "breached")
            entry.reachedOpportunity += try number(row, "reached_opportunity")
            entry.reachedWon += try number(row, "reached_won")
            facts[cell] = entry
        }
        times.mark("leads")

        // Opportunities from leads: opened in each period (pipeline), and closed in it (won or lost). An opportunity
        // several leads converted into counts once per row.
        let opportunities: SQLQueryString = "opportunities o LEFT JOIN leads l ON l.opportunity_id = o.id \(joins)"
        for row in try await sql.raw("""
            SELECT b, k, MIN(label) AS label, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS amount,
                   CAST(SUM(CASE WHEN sourced = 1 THEN amount ELSE 0 END) AS BIGINT) AS sourced
            FROM (SELECT DISTINCT \(buckets.index("o.opened_at")) AS b, \(key) AS k, \(grouping?.label ?? "'total'") AS label,
                         o.id AS id, o.amount_minor AS amount,
                         CASE WHEN l.campaign_id IS NULL THEN 0 ELSE 1 END AS sourced
                  FROM \(opportunities) WHERE \(buckets.range("o.opened_at"))\(owners)) x
            GROUP BY b, k
            """).all() {
            let cell = try remember(row)
            facts[cell, default: ScorecardFacts()].opportunitiesOpened += try number(row, "n")
            facts[cell, default: ScorecardFacts()].pipelineMinor += try money(row, "amount")
            facts[cell, default: ScorecardFacts()].sourcedPipelineMinor += try money(row, "sourced")
        }
        times.mark("opened")
        for row in try await sql.raw("""
            SELECT b, k, MIN(label) AS label,
                   SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won,
                   SUM(CASE WHEN status = 'lost' THEN 1 ELSE 0 END) AS lost,
                   CAST(SUM(CASE WHEN status = 'won' THEN amount ELSE 0 END) AS BIGINT) AS amount,
                   CAST(SUM(CASE WHEN status = 'won' AND sourced = 1 THEN amount ELSE 0 END) AS BIGINT) AS sourced
            FROM (SELECT DISTINCT \(buckets.index("o.closed_at")) AS b, \(key) AS k, \(grouping?.label ?? "'total'") AS label,
                         o.id AS id, o.amount_minor AS amount, o.status AS status,
                         CASE WHEN l.campaign_id IS NULL THEN 0 ELSE 1 END AS sourced
                  FROM \(opportunities)
                  WHERE o.status IN ('won', 'lost') AND \(buckets.range("o.closed_at"))\(owners)) x
            GROUP BY b, k
            """).all() {
            let cell = try remember(row)
            facts[cell, default: ScorecardFacts()].won += try number(row, "won")
            facts[cell, default: ScorecardFacts()].lost += try number(row, "lost")
            facts[cell, default: ScorecardFacts()].wonMinor += try money(row, "amount")
            facts[cell, default: ScorecardFacts()].sourcedWonMinor += try money(row, "sourced")
        }
        times.mark("closed")

        // The company's counts per period are the sums of the rows'.
        var totals = [ScorecardFacts](repeating: ScorecardFacts(), count: buckets.periods.count)
        for (cell, entry) in facts { totals[cell.bucket].addCounts(entry) }

        // Percentiles (their statements were started before the counts).
        let percentileResults = try await percentileRuns
        for (run, result) in zip(percentileQueries, percentileResults) {
            for (cell, values) in result {
                if run.grouped {
                    percentileSetters[run.measure](&facts[cell, default: ScorecardFacts()], values.median, values.p90)
                } else {
                    percentileSetters[run.measure](&totals[cell.bucket], values.median, values.p90)
                }
            }
        }

        times.mark("percentiles")

        // Monthly targets (by team) and costs (by campaign), spread over the periods' time (a running period's up to
        // now, like its counts).
        let months = Set(buckets.periods.flatMap { $0.months(timeZone: options.timeZone) })
        // Each month's share in each period, worked out once (calendar arithmetic per cost row was a sixth of the
        // quarter's time).
        var monthShares: [String: [Double]] = [:]
        func shares(_ month: String) -> [Double] {
            if let known = monthShares[month] { return known }
            let computed = buckets.periods.map { $0.clipped(to: now).share(ofMonth: month, timeZone: options.timeZone) }
            monthShares[month] = computed
            return computed
        }
        let companyWide = options.scope == .all
        if companyWide {
            for target in try await MQLTargetModel.query(on: database).filter(\.$month ~~ months).all() {
                for (index, share) in shares(target.month).enumerated() {
                    guard share > 0 else { continue }
                    let volume = Double(target.mqlVolume) * share
                    totals[index].mqlTarget = (totals[index].mqlTarget ?? 0) + volume
                    if options.dimension == .team {
                        let cell = Cell(bucket: index, key: target.$team.id.uuidString)
                        facts[cell, default: ScorecardFacts()].mqlTarget = (facts[cell]?.mqlTarget ?? 0) + volume
                    }
                }
            }
        }
        if companyWide {
            // By campaign or channel when the rows are those; else by month alone.
            let rowColumns: SQLQueryString = switch options.dimension {
            case .campaign: "cc.campaign_id AS campaign, "
            case .channel: "c.channel AS channel, "
            default: ""
            }
            let rowGroups: SQLQueryString = switch options.dimension {
            case .campaign: "cc.campaign_id, "
            case .channel: "c.channel, "
            default: ""
            }
            for row in try await sql.raw("""
                SELECT \(rowColumns)cc.month AS month, CAST(SUM(cc.amount_minor) AS BIGINT) AS cost
                FROM campaign_costs cc JOIN campaigns c ON c.id = cc.campaign_id
                WHERE cc.month >= \(bind: months.min() ?? "") AND cc.month <= \(bind: months.max() ?? "")
                GROUP BY \(rowGroups)cc.month
                """).all() {
                let month = try row.decode(column: "month", as: String.self)
                let cost = Double(try money(row, "cost"))
                let rowKey: String? = switch options.dimension {
                case .campaign: try IDLookup.uuid(row, "campaign", sqlite: sqlite)?.uuidString
                case .channel: try row.decode(column: "channel", as: String.self)
                default: nil
                }
                for (index, share) in shares(month).enumerated() {
                    guard share > 0 else { continue }
                    totals[index].costMinor = (totals[index].costMinor ?? 0) + cost * share
                    if let rowKey {
                        let cell = Cell(bucket: index, key: rowKey)
                        facts[cell, default: ScorecardFacts()].costMinor = (facts[cell]?.costMinor ?? 0) + cost * share
                    }
                }
            }
        }

        times.mark("costs")

        // Shared figures of the period and the one before: messages prevented, request and approval turnaround.
        var channels: [UUID: (name: String, channel: String)] = [:]
        for index in [previous, current] {
            let bucket = buckets.periods[index]
            if companyWide {
                let prevented = try await PressureReport.prevented(from: bucket.start, to: bucket.end, on: database)
                totals[index].prevented = prevented.values.reduce(0, +)
                if options.dimension == .campaign || options.dimension == .channel {
                    let unknown = Set(prevented.keys).subtracting(channels.keys)
                    for campaign in try await CampaignModel.query(on: database).filter(\.$id ~~ unknown).all() {
                        channels[campaign.id!] = (campaign.name, campaign.channel)
                    }
                    for (campaign, count) in prevented {
                        let rowKey = options.dimension == .campaign ? campaign.uuidString : channels[campaign]?.channel ?? "none"
                        if options.dimension == .campaign, labels[rowKey] == nil { labels[rowKey] = channels[campaign]?.name }
                        if options.dimension == .channel, labels[rowKey] == nil {
                            labels[rowKey] = rowKey.replacingOccurrences(of: "_", with: " ")
                        }
                        let cell = Cell(bucket: index, key: rowKey)
                        facts[cell, default: ScorecardFacts()].prevented = (facts[cell]?.prevented ?? 0) + count
                    }
                }
            }
            times.mark("prevented")
            let turnaround = try await Turnarounds.report(from: bucket.start, to: bucket.end, on: database)
            totals[index].requestTurnaroundHours = turnaround.requests.overall.medianHours
            totals[index].approvalTurnaroundHours = turnaround.reviews.overall.medianHours
            times.mark("turnaround")
        }

        let heatmap = try await heatmap(sql, sqlite: sqlite, period: period, timeZone: options.timeZone, owners: owners,
                                        now: now)
        times.mark("heatmap")
        let risks = try await revenueAtRisk(sql, sqlite: sqlite, ends: [min(period.end, now), min(buckets.periods[previous].end, now)],
                                            owners: owners, now: now)
        let risk = risks[0], previousRisk = risks[1]
        times.mark("risk")
        let currency = try await currency(sql)
        times.mark("currency")

        let groups: [ScorecardRow] = options.dimension == nil ? [] : Set(facts.keys.map(\.key)).map { rowKey in
            ScorecardRow(key: rowKey, label: labels[rowKey] ?? rowKey,
                         current: facts[Cell(bucket: current, key: rowKey)] ?? ScorecardFacts(),
                         previous: facts[Cell(bucket: previous, key: rowKey)] ?? ScorecardFacts())
        }.filter { $0.current != ScorecardFacts() || $0.previous != ScorecardFacts() }
        return Scorecard(
            period: period, previous: buckets.periods[previous], dimension: options.dimension, currency: currency,
            total: ScorecardRow(key: Scorecard.totalKey, label: "Everyone", current: totals[current], previous: totals[previous]),
            groups: groups, trend: Array(zip(buckets.periods, totals)).map { ($0.0, $0.1) }, heatmap: heatmap,
            risk: risk, previousRisk: previousRisk)
    }

    struct PercentileQuery: Sendable {
        var value: SQLQueryString
        var bucket: SQLQueryString
        var key: SQLQueryString
        var from: SQLQueryString
    }

    /// Each query's percentiles, one statement after the other.
    static func percentiles(_ sql: any SQLDatabase, _ queries: [PercentileQuery]) async throws
        -> [[Cell: (median: Double?, p90: Double?)]] {
        var results: [[Cell: (median: Double?, p90: Double?)]] = []
        for query in queries {
            results.append(try await percentiles(sql, value: query.value, bucket: query.bucket, key: query.key, from: query.from))
        }
        return results
    }

    /// Nearest-rank median and 90th percentile of `value` per period and row, in SQL: the row whose position in
    /// its group's order is ⌈p·n/100⌉ (integer arithmetic, the same on both databases).
    static func percentiles(_ sql: any SQLDatabase, value: SQLQueryString, bucket: SQLQueryString, key: SQLQueryString,
                            from: SQLQueryString) async throws -> [Cell: (median: Double?, p90: Double?)] {
        var result: [Cell: (median: Double?, p90: Double?)] = [:]
        for row in try await sql.raw("""
            SELECT b, k, n, rn, v FROM (
              SELECT b, k, v, ROW_NUMBER() OVER (PARTITION BY b, k ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY b, k) AS n
              FROM (SELECT \(bucket) AS b, \(key) AS k, \(value) AS v FROM \(from)) s WHERE v IS NOT NULL
            ) r WHERE rn = (n * 50 + 99) / 100 OR rn = (n * 90 + 99) / 100
            """).all() {
            let cell = Cell(bucket: try LeadQualityQuery.number(row, "b"), key: try LeadQualityQuery.text(row, "k"))
            let count = try LeadQualityQuery.number(row, "n"), rank = try LeadQualityQuery.number(row, "rn")
            let value = try row.decode(column: "v", as: Double.self)
            var entry = result[cell] ?? (nil, nil)
            if rank == (count * 50 + 99) / 100 { entry.median = value }
            if rank == (count * 90 + 99) / 100 { entry.p90 = value }
            result[cell] = entry
        }
        return result
    }

    /// SLA compliance by owner and weekday of qualification (local to the time zone) in the period.
    static func heatmap(_ sql: any SQLDatabase, sqlite: Bool, period: ScorecardPeriod, timeZone: TimeZone,
                        owners: SQLQueryString, now: Date) async throws -> [ScorecardHeatRow] {
        let epoch: SQLQueryString = sqlite ? "CAST(l.qualified_at AS INTEGER)" : "CAST(EXTRACT(EPOCH FROM l.qualified_at) AS BIGINT)"
        var offset: SQLQueryString = "CASE"
        for segment in UTCOffsetSegment.segments(from: period.start, to: period.end, timeZone: timeZone).reversed() {
            offset += " WHEN l.qualified_at >= \(bind: segment.from) THEN \(unsafeRaw: String(segment.offsetSeconds))"
        }
        offset += " ELSE \(unsafeRaw: String(timeZone.secondsFromGMT(for: period.start))) END"
        let weekday: SQLQueryString = "(((\(epoch) + \(offset)) / 86400 + 3) % 7)"
        var rows: [UUID: ScorecardHeatRow] = [:]
        for row in try await sql.raw("""
            SELECT l.owner_id AS owner, MIN(u.name) AS name, \(weekday) AS d,
                   SUM(CASE WHEN l.sla_met IS NOT NULL OR l.sla_due_at <= \(bind: now) THEN 1 ELSE 0 END) AS due,
                   SUM(CASE WHEN l.sla_met = \(bind: true) THEN 1 ELSE 0 END) AS met
            FROM leads l JOIN users u ON u.id = l.owner_id
            WHERE l.qualified_at >= \(bind: period.start) AND l.qualified_at < \(bind: period.end)\(owners)
            GROUP BY 1, 3
            """).all() {
            guard let owner = try IDLookup.uuid(row, "owner", sqlite: sqlite) else { continue }
            let day = try LeadQualityQuery.number(row, "d")
            guard (0..<7).contains(day) else { continue }
            let name = try row.decode(column: "name", as: String.self)
            var entry = rows[owner] ?? ScorecardHeatRow(userID: owner, name: name,
                                                        cells: Array(repeating: ScorecardHeatCell(), count: 7))
            entry.cells[day].due += try LeadQualityQuery.number(row, "due")
            entry.cells[day].met += try LeadQualityQuery.number(row, "met")
            rows[owner] = entry
        }
        return rows.values.sorted { $0.name < $1.name }
    }

    /// The estimate's rates over the twelve months up to each of `ends`, all from one pass over the leads and one over
    /// the won opportunities (a window each was twice the time).
    static func revenueAtRisk(_ sql: any SQLDatabase, sqlite: Bool, ends: [Date], owners: SQLQueryString, now: Date) async throws
        -> [RevenueAtRisk] {
        let windows = ends.map { (start: $0.addingTimeInterval(-365 * 86_400), end: $0) }
        var risks = windows.map { RevenueAtRisk(windowStart: $0.start, windowEnd: $0.end, onTimeLeads: 0, onTimeWon: 0,
                                                lateLeads: 0, lateWon: 0, wonDeals: 0, wonMinor: 0) }
        guard let first = windows.map(\.start).min(), let last = windows.map(\.end).max() else { return risks }
        let span = Buckets(periods: [ScorecardPeriod(kind: .quarter, start: first, end: last, label: "")], sqlite: sqlite)
        func inside(_ window: (start: Date, end: Date), _ column: String) -> SQLQueryString {
            "\(unsafeRaw: column) >= \(bind: window.start) AND \(unsafeRaw: column) < \(bind: window.end)"
        }
        var leadColumns: SQLQueryString = ""
        var dealColumns: SQLQueryString = ""
        for (index, window) in windows.enumerated() {
            leadColumns += ", SUM(CASE WHEN \(inside(window, "l.qualified_at")) THEN 1 ELSE 0 END) AS n\(unsafeRaw: String(index))"
            leadColumns += ", SUM(CASE WHEN \(inside(window, "l.qualified_at")) AND l.stage = 'won' THEN 1 ELSE 0 END) AS won\(unsafeRaw: String(index))"
            dealColumns += index == 0 ? "" : ", "
            dealColumns += "SUM(CASE WHEN \(inside(window, "closed_at")) THEN 1 ELSE 0 END) AS n\(unsafeRaw: String(index))"
            dealColumns += ", CAST(SUM(CASE WHEN \(inside(window, "closed_at")) THEN amount_minor ELSE 0 END) AS BIGINT) AS amount\(unsafeRaw: String(index))"
        }
        for row in try await sql.raw("""
            SELECT CASE WHEN l.sla_met = \(bind: true) THEN 1 ELSE 0 END AS on_time\(leadColumns)
            FROM leads l
            WHERE \(span.range("l.qualified_at")) AND (l.sla_met IS NOT NULL OR l.sla_due_at <= \(bind: now))\(owners)
            GROUP BY 1
            """).all() {
            let onTime = try LeadQualityQuery.number(row, "on_time") == 1
            for index in windows.indices {
                let leads = try LeadQualityQuery.number(row, "n\(index)"), won = try LeadQualityQuery.number(row, "won\(index)")
                if onTime {
                    risks[index].onTimeLeads = leads
                    risks[index].onTimeWon = won
                } else {
                    risks[index].lateLeads = leads
                    risks[index].lateWon = won
                }
            }
        }
        if let row = try await sql.raw("""
            SELECT \(dealColumns) FROM opportunities
            WHERE status = 'won' AND closed_at >= \(bind: first) AND closed_at < \(bind: last)
            """).first() {
            for index in windows.indices {
                risks[index].wonDeals = try LeadQualityQuery.number(row, "n\(index)")
                risks[index].wonMinor = (try? row.decode(column: "amount\(index)", as: Int64?.self)) ?? 0
            }
        }
        return risks
    }

    /// The opportunities' most common currency (the money figures are in it).
    static func currency(_ sql: any SQLDatabase) async throws -> String {
        try await sql.raw("""
            SELECT currency, COUNT(*) AS n FROM opportunities GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1
            """).first()?.decode(column: "currency", as: String.self) ?? "EUR"
    }
}
