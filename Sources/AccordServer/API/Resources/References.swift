import AccordCore
import AccordStore
import FluentKit
import Foundation

/// Checks that ids in a request point at existing records, reporting each missing one by field.
enum References {
    static func check<M: Model>(_ value: FieldValue<UUID>, exists model: M.Type, field: String, entity: String,
                                into report: inout ValidationReport, on database: any Database) async throws
        where M.IDValue == UUID {
        guard let id = value.value else { return }
        if try await M.find(id, on: database) == nil { report.add(field, "no \(entity) with id \(id)") }
    }

    /// Applies a field value to an optional model property: a value sets it, null clears it.
    static func assign<T>(_ value: FieldValue<T>, to target: inout T?) {
        switch value {
        case .absent: break
        case .null: target = nil
        case let .value(new): target = new
        }
    }

    /// Applies a field value to a required model property (null was already refused by the reader).
    static func assign<T>(_ value: FieldValue<T>, to target: inout T) {
        if let new = value.value { target = new }
    }
}
