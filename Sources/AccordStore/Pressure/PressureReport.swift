import AccordCore
import FluentKit
import Foundation
import SQLKit

/// Reads what contact pressure's figures need: the messages sent in a period, the checks made (with the persons
/// they blocked) and the consent requests. Computed in Swift from the rows, so both databases agree.
public enum PressureReport {
    /// The persons a reservation blocked, by rule.
    static func blockedByRule(_ reservation: PressureReservationModel) -> [PressureRule: Int] {
        let counts = (try? JSONValue.parse(reservation.blockedByRule.utf8)).flatMap { value -> [String: JSONValue]? in
            if case let .object(fields) = value { return fields } else { return nil }
        } ?? [:]
        var rules: [PressureRule: Int] = [:]
        for (key, value) in counts {
            guard let rule = PressureRule(rawValue: key), case let .integer(count) = value else { continue }
            rules[rule, default: 0] += Int(count)
        }
        return rules
    }

    /// Messages the pressure rules (caps and quiet periods, not opt-outs or unknown persons) prevented per campaign:
    /// the blocked persons of the checks confirmed in `[from, to)`.
    public static func prevented(from: Date, to: Date, on database: any Database) async throws -> [UUID: Int] {
        var prevented: [UUID: Int] = [:]
        for reservation in try await PressureReservationModel.query(on: database)
            .filter(\.$confirmedAt >= from).filter(\.$confirmedAt < to).all() {
            prevented[reservation.$campaign.id, default: 0] += blockedByRule(reservation)
                .filter { PressureFigures.pressureRules.contains($0.key) }.values.reduce(0, +)
        }
        return prevented
    }

    public static func figures(from: Date, to: Date, timeZone: TimeZone, on database: any Database) async throws -> PressureFigures {
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        var sent: [(person: UUID, at: Date)] = []
        for row in try await sql.select().columns("person_id", "occurred_at").from(TouchpointModel.schema)
            .where(SQLIdentifier("kind"), .in, PressureMessage.kinds.map(\.rawValue).sorted())
            .where("occurred_at", .greaterThanOrEqual, from).where("occurred_at", .lessThan, to).all() {
            guard let person = try IDLookup.uuid(row, "person_id", sqlite: sqlite) else { continue }
            sent.append((person, try row.decode(column: "occurred_at", as: Date.self)))
        }
        let reservations = try await PressureReservationModel.query(on: database)
            .filter(\.$createdAt >= from).filter(\.$createdAt < to).all()
        var prevented: [(person: UUID, at: Date)] = []
        var campaigns: [UUID: CampaignPressure] = [:]
        let names = try await CampaignModel.query(on: database).filter(\.$id ~~ Set(reservations.map(\.$campaign.id))).all()
            .reduce(into: [UUID: String]()) { $0[$1.id!] = $1.name }
        for reservation in reservations {
            let id = reservation.$campaign.id
            var entry = campaigns[id] ?? CampaignPressure(campaignID: id, name: names[id] ?? "", checks: 0, confirmed: 0,
                                                          allowed: 0, prevented: [:])
            entry.checks += 1
            if let confirmedAt = reservation.confirmedAt {
                entry.confirmed += 1
                entry.allowed += reservation.allowedCount
                entry.prevented.merge(blockedByRule(reservation), uniquingKeysWith: +)
                for (person, rule) in PressureAudience.unpackBlocked(reservation.blocked)
                where PressureFigures.pressureRules.contains(rule) {
                    prevented.append((person, confirmedAt))
                }
            }
            campaigns[id] = entry
        }
        let policy = try await PressurePolicyModel.policy(on: database).consent
        var consents: [ConsentState: Int] = [:]
        var silent = 0
        var hours: [Double] = []
        let now = Date()
        for row in try await ConsentRequestModel.query(on: database).filter(\.$requestedAt >= from)
            .filter(\.$requestedAt < to).all() {
            let status = ConsentRules.effective(row.status, policy: policy, at: now)
            consents[status.state, default: 0] += 1
            if status.onSilence { silent += 1 } else if let answered = status.answeredAt {
                hours.append(answered.timeIntervalSince(row.requestedAt) / 3_600)
            }
        }
        return PressureFigures(
            sent: PressureFigures.distribution(sent, timeZone: timeZone),
            beforeCaps: PressureFigures.distribution(sent + prevented, timeZone: timeZone),
            campaigns: campaigns.values.sorted { ($0.totalPrevented, $1.name) > ($1.totalPrevented, $0.name) },
            consents: consents, consentsOnSilence: silent,
            medianHoursToConsent: NearestRank.percentile(50, of: hours))
    }
}
