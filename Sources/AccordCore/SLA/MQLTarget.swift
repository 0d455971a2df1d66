import Foundation

/// Marketing's side of the agreement for one team and month: how many MQLs it delivers, and the share
/// of them sales should accept.
public struct MQLTargetInput: Sendable {
    public var teamID: FieldValue<UUID>
    /// `YYYY-MM`.
    public var month: FieldValue<String>
    public var mqlVolume: FieldValue<Int64>
    /// A share from 0 to 1 (0.7 = 70 % of MQLs accepted).
    public var acceptanceRate: FieldValue<Double>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> MQLTargetInput {
        var reader = FieldReader(json)
        var month = reader.notNull("month", reader.string("month", required: mode.creating, maxLength: 7))
        if let text = month.value, !CalendarDate.isMonth(text) {
            reader.problem("month", "must be a month such as 2026-03")
            month = .absent
        }
        let input = MQLTargetInput(
            teamID: reader.notNull("teamId", reader.id("teamId", required: mode.creating)), month: month,
            mqlVolume: reader.notNull("mqlVolume", reader.integer("mqlVolume", required: mode.creating, in: 0...10_000_000)),
            acceptanceRate: reader.notNull("acceptanceRate", reader.number("acceptanceRate", required: mode.creating, in: 0...1)))
        try reader.finish(entity: "MQL target")
        return input
    }
}

/// The fields of a team in a request: its name, side, business calendar and SLA policy.
public struct TeamInput: Sendable {
    public var name: FieldValue<String>
    public var side: FieldValue<Side>
    public var calendarID: FieldValue<UUID>
    public var slaPolicyID: FieldValue<UUID>

    public static func read(_ json: JSONValue, _ mode: InputMode) throws(AccordError) -> TeamInput {
        var reader = FieldReader(json)
        let input = TeamInput(
            name: reader.notNull("name", reader.string("name", required: mode.creating, maxLength: 200)),
            side: reader.notNull("side", reader.vocabulary("side", Side.self, required: mode.creating)),
            calendarID: reader.id("calendarId"), slaPolicyID: reader.id("slaPolicyId"))
        try reader.finish(entity: "team")
        return input
    }
}
