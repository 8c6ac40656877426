import ExportCore
import ExportFormats

/// A `MappingPlan` compiled into one program of per-field steps over a record's field bytes: the
/// one engine that turns records into Omnisend contacts (batch items), for `prepare`, `run` and
/// `check` alike.
///
/// Each field is read the cheapest way its plan allows (`Read`):
/// - a column without transforms is written straight from the reader's bytes (ASCII white space
///   trimmed in place, escaped from the bytes) when its kind writes text as it is;
/// - anything else (transforms, several columns, constants, `first_non_empty`, a list from an
///   NDJSON array, a kind with rules) decodes only that field, runs its steps and writes the result.
/// `where`, `require`, the phone identifier, consent and every custom property type run on the same
/// program, and `MappingProgram+Envelope` is the one writer of the contact envelope.
///
/// Order of checks for a record: `where` rules (→ `filtered`), the email (normalised, validated →
/// `rejected`), the status, then each field; fields that break a rule are dropped with a warning
/// or reject the row, as the mapping says; finally the `require` rules. The item has a fixed key
/// order: `identifiers` (email, then the optional phone), `firstName`, `lastName`, `address`,
/// `city`, `state`, `country`, `countryCode`, `postalCode`, `gender`, `birthdate`, `tags`,
/// `customProperties` (in mapping order). No spaces; same input, same bytes.
public struct MappingProgram: Sendable {
    /// How a step reads its value.
    enum Read: Sendable {
        /// A column as it is, by the plan's column slot: its bytes, unless the row holds a list.
        case column(Int)
        /// The spec's value, decoded, through its transforms.
        case evaluated
    }

    /// A plain contact field.
    struct FieldStep: Sendable {
        let field: MappingPlan.ContactField
        let read: Read
        /// Whether a trimmed value is written as it is (a `text` field: no country, gender or date rule).
        let writesBytes: Bool
    }

    /// A tag source.
    struct TagStep: Sendable {
        let tag: MappingPlan.TagSpec
        /// `.column` only when the source gives at most one tag (no `split`).
        let read: Read
        let prefix: [UInt8]
        let suffix: [UInt8]
    }

    /// How a custom property's trimmed text can be written straight from its bytes.
    enum DirectKind: Sendable {
        /// A `string` of at most 2048 bytes (so at most 2048 characters).
        case string
        /// A `number` with `.` as its decimal mark, already in canonical form (`12`, `-3.50`).
        case number
        /// Never: through `CustomPropertyWriter`.
        case none
    }

    /// A custom property.
    struct PropertyStep: Sendable {
        let property: MappingPlan.CustomProperty
        let read: Read
        let direct: DirectKind
        /// `"name":`.
        let key: [UInt8]
        /// The `require` name of the property (`custom_properties.NAME`).
        let presenceName: String
    }

    /// The email channel when it is the same for every row: worked out once.
    enum ConstantChannel: Sendable {
        /// Every contact's `,"channels":…,"sendWelcomeMessage":…}` (the email identifier's tail).
        case send(ConsentPolicy.Decision, tail: [UInt8])
        /// Every row with a valid email is rejected.
        case reject(reason: String, detail: String)
    }

    /// The checked mapping.
    public let plan: MappingPlan
    /// The API version (decides `statusDate` vs `statusChangedAt`).
    public let apiVersion: APIVersion
    /// The run's date, `YYYY-MM-DD` (the `run_date` source).
    public let runDate: String
    let emailRead: Read
    /// The status when the mapping gives it as a constant (`.some(nil)`: a constant that is no status).
    let constantStatus: String??
    /// The status date when the mapping gives it as a constant.
    let constantStatusDate: DateOutcome?
    /// The email channel when no row can change it (and it warns about nothing).
    private(set) var constantChannel: ConstantChannel? = nil
    let fields: [FieldStep]
    let tags: [TagStep]
    let properties: [PropertyStep]
    /// Whether `require` rules need to know which fields each contact got.
    let tracksPresence: Bool

    /// Compiles `plan`. Every plan feature is placed by an exhaustive `switch` (on value sources,
    /// field kinds and property types), so a new one does not compile until it is placed.
    public init(plan: MappingPlan, apiVersion: APIVersion, runDate: String) {
        self.plan = plan
        self.apiVersion = apiVersion
        self.runDate = runDate
        emailRead = Self.read(plan.email)
        tracksPresence = !plan.requirements.isEmpty

        let empty = FieldRow.empty(slots: plan.columns.count, runDate: runDate)
        if let spec = plan.status, MappingPlan.isConstant(spec) {
            constantStatus = .some(Self.status(of: spec, in: empty))
        } else {
            constantStatus = nil
        }
        if let field = plan.statusDate, MappingPlan.isConstant(field.spec) {
            constantStatusDate = Self.statusDate(of: field, in: empty)
        } else {
            constantStatusDate = nil
        }

        fields = plan.fields.map { field in
            let writesBytes: Bool
            switch field.kind {
            case .text: writesBytes = true
            case .countryCode, .gender, .birthdate: writesBytes = false
            }
            return FieldStep(field: field, read: Self.read(field.spec), writesBytes: writesBytes)
        }
        tags = plan.tags.map { tag in
            TagStep(
                tag: tag, read: tag.split == nil ? Self.read(tag.spec) : .evaluated, prefix: Array(tag.prefix.utf8),
                suffix: Array(tag.suffix.utf8))
        }
        properties = plan.customProperties.map { property in
            let direct: DirectKind
            switch property.kind {
            case .string: direct = .string
            case .number: direct = property.decimal == UInt8(ascii: ".") ? .number : .none
            case .integer, .boolean, .date, .list: direct = .none
            }
            var key: [UInt8] = []
            JSONText.appendString(property.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return PropertyStep(
                property: property, read: Self.read(property.spec), direct: direct, key: key,
                presenceName: "custom_properties.\(property.name)")
        }
        constantChannel = compileChannel(empty)
    }

    /// How `spec` is read: a column without transforms as bytes, everything else evaluated.
    static func read(_ spec: ValueSpec) -> Read {
        switch spec.source {
        case .column(let slot): return spec.transforms.isEmpty ? .column(slot) : .evaluated
        case .columns, .constant, .inputFile, .rowNumber, .line, .runDate, .firstNonEmpty: return .evaluated
        }
    }

    /// The email channel when no row can change it: no status (kept, see `ConsentPolicy`), or a
    /// constant status with no date, a constant one, or `now`, that warns about nothing.
    private func compileChannel(_ empty: FieldRow) -> ConstantChannel? {
        if plan.status != nil && constantStatus == nil { return nil }
        if let field = plan.statusDate, !MappingPlan.isConstant(field.spec) { return nil }
        var problems = MappingProblems()
        let consent = emailConsent(empty, problems: &problems)
        guard problems.warnings.isEmpty && problems.rejection == nil else { return nil }
        switch consent {
        case .send(let decision):
            var tail: [UInt8] = []
            Self.appendEmailChannel(decision, sendWelcomeMessage: plan.sendWelcomeMessage, apiVersion: apiVersion, to: &tail)
            return .send(decision, tail: tail)
        case .reject(let reason, let detail):
            return .reject(reason: reason, detail: detail)
        }
    }
}

/// The warnings of one row and its first rejecting failure, in the order the fields are mapped.
struct MappingProblems {
    var warnings: [MappingWarning] = []
    var rejection: (code: String, detail: String)?

    /// Records that `field` broke a rule: a warning, or the row's rejection under `on_invalid: reject`.
    mutating func add(_ field: String, _ code: String, _ onInvalid: OnInvalid, _ detail: String) {
        if onInvalid == .reject {
            if rejection == nil { rejection = (code, "\(field): \(detail)") }
        } else {
            warnings.append(MappingWarning(field: field, code: code))
        }
    }
}
