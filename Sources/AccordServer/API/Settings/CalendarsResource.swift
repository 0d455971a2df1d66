import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// `/api/v1/calendars`: business calendars (working hours per weekday, time zone, holidays) the SLA clock runs on.
struct CalendarsResource: APIResource {
    typealias Model = BusinessCalendarModel

    struct DTO: Content {
        var id: UUID
        var name: String
        var timeZone: String
        var hours: JSONValue
        var holidays: JSONValue
        var isDefault: Bool
        /// Working hours in an ordinary week, for a quick check.
        var weeklyHours: Double
        var createdAt: Date?
        var updatedAt: Date?
    }

    static let name = "calendar"
    static let path = "calendars"
    static let resource = Resource.settings
    static let ownership = Ownership.none
    static let isDeletable = true

    static let hoursSchema: JSONSchema = {
        var days: OrderedDictionary<String, JSONSchema> = [:]
        for day in Weekday.allCases {
            days[day.rawValue] = .array(required: false, nullable: true,
                                        items: .string(pattern: "^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$"))
        }
        return .object(description: "Working periods per weekday such as [\"09:00-12:00\", \"13:00-17:00\"]; "
                           + "a day left out is closed", properties: days, additionalProperties: .init(false))
    }()
    static let holidaysSchema: JSONSchema = .array(items: .object(properties: [
        "date": .string(format: .date), "name": .string(required: false, nullable: true),
    ], additionalProperties: .init(false)))

    static var createSchema: JSONSchema {
        .object(properties: [
            "name": .string(minLength: 1, maxLength: 200), "timeZone": .string(description: "IANA name such as Europe/Berlin"),
            "hours": hoursSchema, "holidays": holidaysSchema.optionalSchemaObject(),
            "isDefault": .boolean(required: false),
        ], additionalProperties: .init(false))
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "name": .string, "timeZone": .string, "hours": hoursSchema,
            "holidays": holidaysSchema, "isDefault": .boolean, "weeklyHours": .number,
            "createdAt": .string(format: .dateTime, required: false),
            "updatedAt": .string(format: .dateTime, required: false),
        ])
    }

    static let filters: [ListFilter<BusinessCalendarModel>] = []

    static func dto(_ model: BusinessCalendarModel, on database: any Database) async throws -> DTO {
        let calendar = try model.calendar()
        return DTO(id: model.id!, name: model.name, timeZone: model.timeZone, hours: StoredJSON.value(model.hours),
                   holidays: StoredJSON.value(model.holidays), isDefault: model.isDefault,
                   weeklyHours: calendar.weeklySeconds / 3_600, createdAt: model.createdAt, updatedAt: model.updatedAt)
    }

    static func create(_ body: JSONValue, on database: any Database) async throws -> BusinessCalendarModel {
        let input = try CalendarInput.read(body, .create)
        let model = BusinessCalendarModel(name: input.name.value!, calendar: BusinessCalendar(
            timeZone: input.timeZone.value!, week: input.week.value!, holidays: input.holidays.value ?? []))
        try await apply(input, to: model, on: database)
        return model
    }

    static func update(_ model: BusinessCalendarModel, with body: JSONValue, on database: any Database) async throws {
        try await apply(try CalendarInput.read(body, .update), to: model, on: database)
    }

    static func apply(_ input: CalendarInput, to model: BusinessCalendarModel, on database: any Database) async throws {
        let current = try model.calendar()
        References.assign(input.name, to: &model.name)
        model.set(BusinessCalendar(timeZone: input.timeZone.value ?? current.timeZone, week: input.week.value ?? current.week,
                                   holidays: input.holidays.value ?? current.holidays))
        try await SettingsDefaults.assign(input.isDefault, to: model, flag: \.$isDefault, on: database)
    }

    static func delete(_ model: BusinessCalendarModel, on database: any Database) async throws {
        try await SettingsDefaults.refuseDeletingUsed(model, flag: \.$isDefault, teamColumn: \.$calendarID,
                                                       entity: "calendar", on: database)
        try await model.delete(on: database)
    }
}

/// The one default calendar or policy, and refusing to delete one that teams still use.
enum SettingsDefaults {
    /// Saves the row; making it the default first clears the flag on every other row.
    static func assign<M: Model>(_ value: FieldValue<Bool>, to model: M, flag: KeyPath<M, FieldProperty<M, Bool>>,
                                 on database: any Database) async throws where M.IDValue == UUID {
        let makeDefault = value.value == true
        if makeDefault, let id = model.id {
            try await M.query(on: database).filter(flag == true).filter(\._$id != id).set(flag, to: false).update()
        } else if makeDefault {
            try await M.query(on: database).filter(flag == true).set(flag, to: false).update()
        }
        if let flagValue = value.value { model[keyPath: flag].wrappedValue = flagValue }
        try await model.save(on: database)
    }

    static func refuseDeletingUsed<M: Model>(_ model: M, flag: KeyPath<M, FieldProperty<M, Bool>>,
                                             teamColumn: KeyPath<TeamModel, OptionalFieldProperty<TeamModel, UUID>>,
                                             entity: String, on database: any Database) async throws
        where M.IDValue == UUID {
        if model[keyPath: flag].wrappedValue {
            throw AccordError.conflict("This \(entity) is the default; make another \(entity) the default first.")
        }
        let users = try await TeamModel.query(on: database).filter(teamColumn == model.id).all().map(\.name)
        if !users.isEmpty {
            throw AccordError.conflict("The \(entity) is used by \(users.sorted().joined(separator: ", ")); "
                + "give those teams another \(entity) first.")
        }
    }
}
