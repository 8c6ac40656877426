import ExportCore

/// A checked mapping, ready to run: which source values become which Omnisend contact fields.
///
/// Built by `MappingLoader` from a mapping file (or an inline `mapping:` of a pipeline); see
/// `docs/mapping.md` for the language. Column names are resolved against each input's header by
/// `bind(_:)`; `check(header:file:)` reports the columns a header lacks.
public struct MappingPlan: Sendable {
    /// The file the mapping was read from (the pipeline file when inline), for problem locations.
    public var path: String
    /// The raw column whose text `MappingProgram` returns as `MappedContact.dedupeDate` (set by the
    /// pipeline for `dedupe: { keep: newest, field: … }`).
    public var dedupeDateField: String?
    /// The pipeline's `consent:` policy (set by `PipelineLoader`; the safe defaults otherwise).
    public var consent = ConsentPolicy()

    var columns: [ColumnReference] = []
    var email: ValueSpec
    var status: ValueSpec?
    var statusDate: DateField?
    /// Where `status_date: now` is written, when it is.
    var statusDateNow: ConfigLocation?
    var sendWelcomeMessage = false
    var phone: PhoneField?
    var fields: [ContactField] = []
    var tags: [TagSpec] = []
    var tagsOnInvalid = OnInvalid.drop
    var customProperties: [CustomProperty] = []
    var requirements: [Requirement] = []
    var conditions: [Condition] = []

    init(path: String, email: ValueSpec) {
        self.path = path
        self.email = email
    }

    /// A date field (`status_date`): the value is read with `formats` and written as ISO 8601 UTC.
    struct DateField: Sendable {
        var spec: ValueSpec
        var formats: [DatePattern]
        var onInvalid: OnInvalid
    }

    /// The optional phone identifier.
    struct PhoneField: Sendable {
        var spec: ValueSpec
        /// The calling code (digits) for national numbers, when it is written in the mapping.
        var defaultCountryCode: String?
        /// Where each row's country comes from (a name or code, as `country_code` reads it), when
        /// `default_country_code` is a value spec.
        var country: ValueSpec?
        /// The SMS status; `nil` when not mapped (the channel then keeps its status).
        var smsStatus: ValueSpec?
        var smsStatusDate: DateField?
        /// Where `sms_status_date: now` is written, when it is.
        var smsStatusDateNow: ConfigLocation?
        var onInvalid: OnInvalid
    }

    /// One of the plain contact fields, in wire order.
    struct ContactField: Sendable {
        enum Kind: Sendable {
            case text
            case countryCode
            case gender
            case birthdate([DatePattern])
        }
        var key: String
        var wireName: String
        /// `,"wireName":`, ready to append.
        let jsonKey: [UInt8]
        var kind: Kind
        var spec: ValueSpec
        var onInvalid: OnInvalid

        init(key: String, wireName: String, kind: Kind, spec: ValueSpec, onInvalid: OnInvalid) {
            self.key = key
            self.wireName = wireName
            jsonKey = Array(",\"\(wireName)\":".utf8)
            self.kind = kind
            self.spec = spec
            self.onInvalid = onInvalid
        }
    }

    /// One source of tags.
    struct TagSpec: Sendable {
        var spec: ValueSpec
        var split: String?
        var prefix: String
        var suffix: String
    }

    /// A typed custom property.
    struct CustomProperty: Sendable {
        enum Kind: String, Sendable, CaseIterable {
            case string, number, integer, boolean, date, list
        }
        var name: String
        var kind: Kind
        var spec: ValueSpec
        var formats: [DatePattern]
        var decimal: UInt8
        var onInvalid: OnInvalid
    }

    /// A field that must end up in the contact, else the row is rejected with `reason`.
    struct Requirement: Sendable {
        var field: String
        var reason: String
    }

    /// A `where` rule: rows whose value fails it are filtered out.
    struct Condition: Sendable {
        enum Test: Sendable {
            case equals([String])
            case notEquals([String])
            case present(Bool)
            case matches(RegexBox)
        }
        var spec: ValueSpec
        var test: Test
        var location: String
    }

    /// The contact fields in wire order, with their mapping keys.
    static let fieldOrder: [(key: String, wire: String)] = [
        ("first_name", "firstName"), ("last_name", "lastName"), ("address", "address"), ("city", "city"),
        ("state", "state"), ("country", "country"), ("country_code", "countryCode"), ("postal_code", "postalCode"),
        ("gender", "gender"), ("birthdate", "birthdate"),
    ]

    /// The slot of column `name`, adding it (with its location) when new.
    mutating func slot(for name: String, at location: ConfigLocation) -> Int {
        if let i = columns.firstIndex(where: { $0.name == name }) {
            columns[i].locations.append(location)
            return i
        }
        columns.append(ColumnReference(name: name, locations: [location]))
        return columns.count - 1
    }

    /// The column names the mapping reads, in first-use order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Problems for every column the mapping reads that `header` lacks, located in the mapping file.
    /// - Parameter file: the input whose header it is, named in the message.
    public func check(header: Header, file: String) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for column in columns where BoundMapping.lookup(column.name, in: header) == nil {
            var hint = Suggestion.hint(for: column.name, in: header.names)
            if hint == nil && ["subscribed", "unsubscribed", "nonSubscribed"].contains(column.name) {
                hint = "a plain value names a column; for a constant write { value: \(column.name) }"
            }
            for location in column.locations {
                problems.append(ConfigProblem(
                    file: path, line: location.line, column: location.column,
                    message: "column '\(column.name)' is not in the header of \(file)",
                    hint: hint ?? "the header has: \(header.names.prefix(20).joined(separator: ", "))"))
            }
        }
        return problems
    }

    /// Resolves the mapping's columns against `header` (do it once per header, not per row).
    public func bind(_ header: Header) -> BoundMapping {
        BoundMapping(header: header, lookups: columns.map { BoundMapping.lookup($0.name, in: header) },
            dedupeDate: dedupeDateField.flatMap { BoundMapping.lookup($0, in: header) })
    }
}
