import AccordCore
import FluentKit
import Foundation

/// A business calendar: working hours per weekday in a time zone, and holidays. Teams point at one.
public final class BusinessCalendarModel: Model, @unchecked Sendable {
    public static let schema = "business_calendars"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    /// An IANA time zone name (`Europe/Berlin`).
    @Field(key: "time_zone") public var timeZone: String
    /// `{"monday": ["09:00-17:00"], …}` as JSON text.
    @Field(key: "hours") public var hours: String
    /// `[{"date": "2026-12-25", "name": "…"}]` as JSON text.
    @Field(key: "holidays") public var holidays: String
    /// The calendar of teams that have none.
    @Field(key: "is_default") public var isDefault: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, calendar: BusinessCalendar, isDefault: Bool = false) {
        self.id = id ?? TimeOrderedID.make()
        self.name = name
        self.isDefault = isDefault
        set(calendar)
    }

    /// Writes a calendar's time zone, hours and holidays onto the row.
    public func set(_ calendar: BusinessCalendar) {
        timeZone = calendar.timeZone.identifier
        hours = StoredJSON.text(BusinessCalendarRules.json(week: calendar.week))
        holidays = StoredJSON.text(BusinessCalendarRules.json(holidays: calendar.holidays))
    }

    /// The calendar as Core's value.
    public func calendar() throws -> BusinessCalendar {
        try BusinessCalendarRules.stored(timeZone: timeZone, hours: StoredJSON.value(hours),
                                         holidays: StoredJSON.value(holidays))
    }
}

/// JSON kept in a text column (small configuration values, the same on SQLite and PostgreSQL).
public enum StoredJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public static func text<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    public static func value(_ text: String) -> JSONValue {
        (try? JSONValue.parse(text.utf8)) ?? .null
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
