import Foundation

/// Overrides from `--mapping FILE`: which field a header fills, and which Accord stage a CRM lifecycle or status
/// value means (`null`: the person gets no lead).
///
///     {"columns": {"Customer Email": "email", "Notes": "ignore"},
///      "stages": {"evangelist": "won", "Nurture": "new", "other": null}}
public struct ImportMapping: Sendable, Equatable {
    public var columns: [String: ImportField] = [:]
    public var stages: [String: LeadStage?] = [:]

    public init(columns: [String: ImportField] = [:], stages: [String: LeadStage?] = [:]) {
        self.columns = columns
        self.stages = stages
    }

    /// Reads the mapping file's JSON; every bad entry is named.
    public static func parse(_ data: Data) throws(AccordError) -> ImportMapping {
        var report = ValidationReport()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .validation([FieldError(field: "mapping", problem: "must be a JSON object with \"columns\" and/or \"stages\"")])
        }
        var mapping = ImportMapping()
        for key in object.keys where !["columns", "stages"].contains(key) {
            report.add("mapping.\(key)", "is not a known key (columns, stages)")
        }
        if let columns = object["columns"] {
            if let columns = columns as? [String: Any] {
                for (header, value) in columns {
                    if let name = value as? String, let field = ImportField(rawValue: name) {
                        mapping.columns[HeaderCatalog.key(header)] = field
                    } else {
                        report.add("mapping.columns.\(header)", "must be one of: \(ImportField.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
            } else {
                report.add("mapping.columns", "must be an object of header → field")
            }
        }
        if let stages = object["stages"] {
            if let stages = stages as? [String: Any] {
                for (value, stage) in stages {
                    if stage is NSNull {
                        mapping.stages[HeaderCatalog.key(value)] = .some(nil)
                    } else if let name = stage as? String, let parsed = LeadStage(rawValue: name) {
                        mapping.stages[HeaderCatalog.key(value)] = parsed
                    } else {
                        report.add("mapping.stages.\(value)",
                                   "must be null or one of: \(LeadStage.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
            } else {
                report.add("mapping.stages", "must be an object of CRM value → Accord stage")
            }
        }
        if !report.problems.isEmpty { throw .validation(report.problems) }
        return mapping
    }
}

/// A whole-file problem (nothing was read): the message says what to do.
public struct ImportSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a file's columns fill Accord's fields, decided once from its header row.
public struct ImportPlan: Sendable, Equatable {
    public var source: ImportSource
    public var object: ImportObject
    public var headers: [String]
    /// Column index → field (columns not listed are not imported).
    public var columns: [Int: ImportField]
    /// Headers Accord does not know (reported, not imported).
    public var unrecognized: [String]

    public var kind: ImportKind { object.kind! }

    public static func make(headers: [String], source: ImportSource?, object: ImportObject?,
                            mapping: ImportMapping = ImportMapping()) throws(ImportSetupError) -> ImportPlan {
        let keys = headers.map(HeaderCatalog.key)
        guard keys.contains(where: { !$0.isEmpty }) else { throw ImportSetupError("the file has no header row") }
        let source = source ?? detectSource(keys)
        guard let source else {
            throw ImportSetupError("cannot tell whether this is a Salesforce or a HubSpot export from its headers; give --source salesforce or --source hubspot")
        }
        let object = object ?? detectObject(keys, source: source)
        guard let object else {
            throw ImportSetupError("cannot tell which \(source.rawValue) object this is from its headers; give --object (leads, contacts, accounts, companies, …)")
        }
        guard object.kind != nil else {
            throw ImportSetupError("importing \(object.rawValue) is not built yet; this version imports leads, contacts, accounts and companies")
        }
        if source == .hubspot && [.leads, .accounts].contains(object) || source == .salesforce && object == .companies {
            throw ImportSetupError("\(source.rawValue) exports have no \(object.rawValue); use \(source == .hubspot ? "contacts or companies" : "leads, contacts or accounts")")
        }
        let catalog = HeaderCatalog.fields(source, object)
        var columns: [Int: ImportField] = [:], unrecognized: [String] = []
        var filledBy: [ImportField: Int] = [:]
        for (index, key) in keys.enumerated() {
            guard let field = mapping.columns[key] ?? catalog[key] else {
                if !key.isEmpty { unrecognized.append(headers[index]) }
                continue
            }
            guard field != .ignore else { continue }
            if let other = filledBy[field] {
                throw ImportSetupError("columns \"\(headers[other])\" and \"\(headers[index])\" both fill \(field.rawValue); map one of them to \"ignore\" with --mapping")
            }
            filledBy[field] = index
            columns[index] = field
        }
        let required: [ImportField] = object.kind == .person ? [.email] : [.name]
        for field in required where filledBy[field] == nil {
            throw ImportSetupError("no column fills \(field.rawValue) (looked for \(catalog.filter { $0.value == field }.map(\.key).sorted().joined(separator: ", "))); name it with --mapping")
        }
        return ImportPlan(source: source, object: object, headers: headers, columns: columns, unrecognized: unrecognized)
    }

    static func detectSource(_ keys: [String]) -> ImportSource? {
        let salesforce = keys.filter(HeaderCatalog.salesforceMarks.contains).count
        let hubspot = keys.filter(HeaderCatalog.hubspotMarks.contains).count
        if salesforce == hubspot { return nil }
        return salesforce > hubspot ? .salesforce : .hubspot
    }

    static func detectObject(_ keys: [String], source: ImportSource) -> ImportObject? {
        let person = HeaderCatalog.fields(source, .contacts), account = HeaderCatalog.fields(source, .accounts)
        let hasEmail = keys.contains { person[$0] == .email }
        if hasEmail {
            guard source == .salesforce else { return .contacts }
            // A Salesforce lead has a status, a company name or a converted flag; a contact has an account.
            let leadish = keys.contains { [.leadStatus, .converted, .companyName].contains(person[$0]) }
            return leadish ? .leads : .contacts
        }
        if keys.contains(where: { account[$0] == .name || account[$0] == .domain }) {
            return source == .salesforce ? .accounts : .companies
        }
        return nil
    }
}
