import AccordCore
import FluentKit
import Foundation
import SQLKit

/// The weekly digest (job `scorecard.digest`, Mondays 07:00 in ACCORD_TIMEZONE): every active user gets last
/// week's scorecard (a rep their own), what is overdue and who is waiting on whom, in their inbox and by email; one
/// `scorecard.digest` webhook carries the company's figures. Runs once per slot (the job's unique key).
public enum DigestJob {
    public static let jobKind = "scorecard.digest"

    /// The next Monday 07:00 after `now` in the time zone.
    public static func nextRun(after now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let week = ScorecardPeriod.containing(now, kind: .week, timeZone: timeZone)
        let thisMonday = calendar.date(bySettingHour: 7, minute: 0, second: 0, of: week.start)!
        return thisMonday > now ? thisMonday : calendar.date(byAdding: .day, value: 7, to: thisMonday)!
    }

    public static func schedule(after now: Date, timeZone: TimeZone, on database: any Database) async throws {
        let next = nextRun(after: now, timeZone: timeZone)
        let payload = "{\"timeZone\": \"\(timeZone.identifier)\", \"at\": \(Int(next.timeIntervalSince1970))}"
        try await JobQueue.enqueue(jobKind, payload: payload,
                                   uniqueKey: "\(jobKind):\(Int(next.timeIntervalSince1970))", runAt: next, on: database)
    }

    /// Sends the digests for the week before the job's run time and schedules the next run.
    public static func run(_ job: JobRecord, on database: any Database) async throws {
        let payload = try? JSONValue.parse(job.payload.utf8)
        var zone = TimeZone.gmt, moment = Date()
        if case let .object(fields)? = payload {
            if case let .string(name)? = fields["timeZone"], let named = TimeZone(identifier: name) { zone = named }
            if case let .integer(seconds)? = fields["at"] { moment = Date(timeIntervalSince1970: Double(seconds)) }
        }
        try await send(at: moment, timeZone: zone, on: database)
        try await schedule(after: max(moment, Date()), timeZone: zone, on: database)
    }

    /// The digests for the week before `moment`.
    public static func send(at moment: Date, timeZone: TimeZone, on database: any Database) async throws {
        let lastWeek = ScorecardPeriod.containing(moment, kind: .week, timeZone: timeZone).previous(timeZone: timeZone)
        let options = ScorecardData.Options(kind: .week, at: lastWeek.start, timeZone: timeZone, now: moment)
        let company = try await ScorecardData.load(options, on: database)
        let sql = try Catalog.sqlDatabase(database)
        for user in try await UserModel.query(on: database).filter(\.$isActive == true).all() {
            guard let id = user.id, let role = UserRole(rawValue: user.role) else { continue }
            let scope: RowScope = role == .rep ? .owner(id) : role == .salesManager ? user.$team.id.map(RowScope.team) ?? .all : .all
            var card = company
            if role == .rep {
                var own = options
                own.scope = scope
                card = try await ScorecardData.load(own, on: database)
            }
            var waiting = ScorecardDigest.Waiting()
            if [.rep, .salesManager, .admin].contains(role) {
                let owners: SQLQueryString = RowScopeFilter.owners(scope).map { " AND owner_id IN (\($0))" } ?? ""
                waiting.overdueLeads = try await count(sql, """
                    SELECT COUNT(*) AS n FROM leads WHERE stage = 'mql' AND decided_at IS NULL AND sla_due_at < \(bind: moment)\(owners)
                    """)
            }
            if [.marketer, .marketingManager].contains(role) {
                waiting.overdueRequests = try await RequestModel.query(on: database)
                    .filter(\.$state ~~ [RequestState.submitted.rawValue, RequestState.appealed.rawValue])
                    .filter(\.$respondBy < moment).count()
            }
            waiting.pendingReviews = try await AssetReviewModel.query(on: database).filter(\.$reviewer.$id == id)
                .filter(\.$state == ReviewState.pending.rawValue).count()
            waiting.infoWanted = try await RequestModel.query(on: database).filter(\.$requester.$id == id)
                .filter(\.$state == RequestState.needsInfo.rawValue).count()
            waiting.waitingOnMarketing = try await RequestModel.query(on: database).filter(\.$requester.$id == id)
                .filter(\.$state == RequestState.submitted.rawValue).count()
            waiting.consents = try await ConsentRequestModel.query(on: database).filter(\.$ownerID == id)
                .filter(\.$state == ConsentState.pending.rawValue).count()
            let digest = ScorecardDigest.compose(week: lastWeek.label, previous: card.previous.label, row: card.total,
                                                 currency: card.currency, own: role == .rep, waiting: waiting)
            try await Inbox.tell([id], jobKind, digest.title, digest.body,
                                 link: "/scorecard?period=week&at=\(CalendarDate.format(ScorecardPeriod.noon(of: lastWeek.start, timeZone: .gmt)))",
                                 email: true, now: moment, on: database)
        }
        var figures: [String: JSONValue] = [:]
        for figure in ScorecardDigest.headline {
            if let value = company.total.current.value(figure) { figures[figure.rawValue] = .number(value) }
        }
        try await WebhookOutbox.publish(.scorecardDigest, data: .object([
            "week": .string(lastWeek.label), "from": .string(ISOTimestamp.format(lastWeek.start)),
            "to": .string(ISOTimestamp.format(lastWeek.end)), "currency": .string(company.currency), "figures": .object(figures),
        ]), at: moment, on: database)
    }

    static func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        guard let row = try await sql.raw(query).first() else { return 0 }
        return try LeadQualityQuery.number(row, "n")
    }
}
