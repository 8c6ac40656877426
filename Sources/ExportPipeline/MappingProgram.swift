import ExportCore
import ExportFormats

/// A `MappingPlan` compiled into one program of per-field steps over a record's field bytes: the
/// one engine that turns records into Omnisend contacts (batch items), for `prepare`, `run` and
/// `check` alike.
///
/// Each field is read the cheapest way its plan allows (`Read`):
/// - a column without transforms (or only `trim`) is written from the reader's bytes (ASCII white
///   space trimmed in place, escaped from the bytes); a country, gender, date or typed property is
///   read from them too when its text is ASCII or valid (`writeField`, `writeProperty`);
/// - a column whose transforms have a byte form (`ByteChain`) runs them over its bytes into the
///   row's scratch, after the item's room, and is written from there;
/// - anything else (other transforms or texts, several columns, constants, `first_non_empty`, a
///   list from an NDJSON array) decodes only that field, runs its steps and writes the result.
/// Every byte path gives the bytes the text path gives, or hands the value over to it.
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

    /// A plain contact field (a class, so that a row's loop over the steps copies no field).
    final class FieldStep: Sendable {
        let field: MappingPlan.ContactField
        let read: Read
        /// The evaluated spec over the column's bytes, when it has that form.
        let chain: ByteChain?
        /// The field's `require` bit.
        let presence: Int

        init(field: MappingPlan.ContactField, read: Read, chain: ByteChain?, presence: Int) {
            self.field = field
            self.read = read
            self.chain = chain
            self.presence = presence
        }
    }

    /// A tag source.
    final class TagStep: Sendable {
        let tag: MappingPlan.TagSpec
        /// `.column` only when the source gives at most one tag (no `split`).
        let read: Read
        let prefix: [UInt8]
        let suffix: [UInt8]
        /// How the source's tags are made from bytes, when they can be.
        let bytes: TagBytes?

        init(tag: MappingPlan.TagSpec, read: Read, prefix: [UInt8], suffix: [UInt8], bytes: TagBytes?) {
            self.tag = tag
            self.read = read
            self.prefix = prefix
            self.suffix = suffix
            self.bytes = bytes
        }
    }

    /// A tag source's tags made from bytes (`MappingProgram+Tags`).
    enum TagBytes: Sendable {
        /// A constant's tags, each `"prefix+text+suffix"` JSON-escaped with its quotes (ASCII).
        case constant([[UInt8]])
        /// A column through its byte chain (one object, so that a row's look at it takes one reference).
        case chain(ChainTags)
    }

    /// A column's tags made from bytes: its byte chain, split on `separator` (ASCII, no CR or LF)
    /// when given, with the JSON-escaped prefix and suffix.
    final class ChainTags: Sendable {
        let chain: ByteChain
        let separator: [UInt8]?
        let prefix: [UInt8]
        let suffix: [UInt8]

        init(chain: ByteChain, separator: [UInt8]?, prefix: [UInt8], suffix: [UInt8]) {
            self.chain = chain
            self.separator = separator
            self.prefix = prefix
            self.suffix = suffix
        }
    }

    /// A `where` rule that can be tested on its column's bytes: a chain, and ASCII options (a
    /// class, so that a row's look at it takes one reference).
    final class ConditionStep: Sendable {
        let chain: ByteChain
        let test: Test

        init(chain: ByteChain, test: Test) {
            self.chain = chain
            self.test = test
        }

        enum Test: Sendable {
            case equals([[UInt8]])
            case notEquals([[UInt8]])
            case present(Bool)
        }

        /// Whether the rule holds for the trimmed text `bytes`; `nil` when it must be tested on
        /// text (options compared with a value that is not ASCII).
        func holds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
            func matchesOne(_ options: [[UInt8]]) -> Bool? {
                if bytes.isEmpty { return false }
                guard ASCIIText.isASCII(bytes) else { return nil }
                return options.contains { $0.withUnsafeBufferPointer { $0.elementsEqual(bytes) } }
            }
            switch test {
            case .equals(let options): return matchesOne(options)
            case .notEquals(let options): return matchesOne(options).map { !$0 }
            case .present(let wanted): return !bytes.isEmpty == wanted
            }
        }
    }

    /// A custom property.
    final class PropertyStep: Sendable {
        let property: MappingPlan.CustomProperty
        let read: Read
        /// `"name":`.
        let key: [UInt8]
        /// The evaluated spec over the column's bytes, when it has that form.
        let chain: ByteChain?
        /// The property's `require` bit (of `custom_properties.NAME`).
        let presence: Int

        init(property: MappingPlan.CustomProperty, read: Read, key: [UInt8], chain: ByteChain?, presence: Int) {
            self.property = property
            self.read = read
            self.key = key
            self.chain = chain
            self.presence = presence
        }
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
    /// The constant channel's tail (empty when there is none), and whether it sends a status date.
    private(set) var constantEmailTail: [UInt8] = []
    private(set) var constantChannelDated = false
    let fields: [FieldStep]
    let tags: [TagStep]
    /// Whether every tag source makes its tags from bytes.
    let tagsFromBytes: Bool
    let properties: [PropertyStep]
    /// `fields` and `properties` again, unretained (those arrays keep them alive), so that a
    /// row's loop over them takes no reference.
    let fieldSteps: [Unmanaged<FieldStep>]
    let propertySteps: [Unmanaged<PropertyStep>]
    /// Per `where` rule, its test on bytes when it has one.
    let conditionSteps: [ConditionStep?]
    /// The phone's spec over its column's bytes, when it has that form.
    let phoneChain: ByteChain?
    /// The SMS channel after the phone's id, `,"channels":{"sms":{…}}}`, when no row can change it.
    private(set) var constantPhoneTail: [UInt8]? = nil
    /// The SMS status date's name in warnings.
    let smsDateWire: String
    /// Per `require` rule, its name's bit.
    let requirementBits: [Int]
    /// How much more than a record's bytes a row's scratch needs (the chains' largest `growth`).
    let scratchGrowth: Int
    /// The `require` bits of the fields the envelope fills.
    let emailBit: Int, statusBit: Int, statusDateBit: Int, phoneBit: Int, tagsBit: Int

    /// Compiles `plan`. Every plan feature is placed by an exhaustive `switch` (on value sources,
    /// field kinds and property types), so a new one does not compile until it is placed.
    public init(plan: MappingPlan, apiVersion: APIVersion, runDate: String) {
        self.plan = plan
        self.apiVersion = apiVersion
        self.runDate = runDate
        emailRead = Self.read(plan.email)
        var requiredNames: [String] = []
        for requirement in plan.requirements where !requiredNames.contains(requirement.field) {
            requiredNames.append(requirement.field)
        }
        func bit(_ name: String) -> Int { requiredNames.firstIndex(of: name) ?? -1 }
        requirementBits = plan.requirements.map { bit($0.field) }
        emailBit = bit("email")
        statusBit = bit("status")
        statusDateBit = bit("status_date")
        phoneBit = bit("phone")
        tagsBit = bit("tags")

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
            let read = Self.read(field.spec)
            return FieldStep(field: field, read: read, chain: Self.chain(field.spec, read), presence: bit(field.key))
        }
        tags = plan.tags.map { tag in
            TagStep(
                tag: tag, read: tag.split == nil ? Self.read(tag.spec) : .evaluated, prefix: Array(tag.prefix.utf8),
                suffix: Array(tag.suffix.utf8), bytes: Self.tagBytes(tag))
        }
        tagsFromBytes = tags.allSatisfy { $0.bytes != nil }
        conditionSteps = plan.conditions.map(Self.conditionStep)
        phoneChain = plan.phone.flatMap { ByteChain($0.spec) }
        smsDateWire = "sms.\(apiVersion.statusDateKey)"
        properties = plan.customProperties.map { property in
            var key: [UInt8] = []
            JSONText.appendString(property.name, to: &key)
            key.append(UInt8(ascii: ":"))
            let read = Self.read(property.spec)
            return PropertyStep(
                property: property, read: read, key: key, chain: Self.chain(property.spec, read),
                presence: bit("custom_properties.\(property.name)"))
        }
        fieldSteps = fields.map(Unmanaged.passUnretained)
        propertySteps = properties.map(Unmanaged.passUnretained)
        var chains = fields.compactMap(\.chain) + properties.compactMap(\.chain) + (phoneChain.map { [$0] } ?? [])
        for tag in tags { if case .chain(let source)? = tag.bytes { chains.append(source.chain) } }
        scratchGrowth = chains.map(\.growth).max() ?? 0
        constantChannel = compileChannel(empty)
        if case .send(let decision, let tail)? = constantChannel {
            constantEmailTail = tail
            constantChannelDated = Self.isDated(decision)
        }
        constantPhoneTail = compilePhoneTail(empty)
    }

    /// How `spec` is read: a column without transforms as bytes, everything else evaluated. A
    /// `trim` is no transform here: a column's value is trimmed as it is read.
    static func read(_ spec: ValueSpec) -> Read {
        switch spec.source {
        case .column(let slot):
            let trimsOnly = spec.transforms.allSatisfy { if case .trim = $0 { true } else { false } }
            return trimsOnly ? .column(slot) : .evaluated
        case .columns, .constant, .inputFile, .rowNumber, .line, .runDate, .firstNonEmpty: return .evaluated
        }
    }

    /// The byte chain of an evaluated `spec`, when it has one.
    static func chain(_ spec: ValueSpec, _ read: Read) -> ByteChain? {
        if case .evaluated = read { return ByteChain(spec) }
        return nil
    }

    /// The byte test of `condition`, when its column has a chain and its options are ASCII (a
    /// `matches` rule runs on text).
    static func conditionStep(_ condition: MappingPlan.Condition) -> ConditionStep? {
        guard let chain = ByteChain(condition.spec) else { return nil }
        func ascii(_ options: [String]) -> [[UInt8]]? {
            let bytes = options.map { Array($0.utf8) }
            return bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? bytes : nil
        }
        switch condition.test {
        case .equals(let options): return ascii(options).map { ConditionStep(chain: chain, test: .equals($0)) }
        case .notEquals(let options): return ascii(options).map { ConditionStep(chain: chain, test: .notEquals($0)) }
        case .present(let wanted): return ConditionStep(chain: chain, test: .present(wanted))
        case .matches: return nil
        }
    }

    /// Whether `decision` sends a status date (the `status_date` field then counts as present).
    static func isDated(_ decision: ConsentPolicy.Decision) -> Bool {
        decision.date != nil && decision.date != ConsentPolicy.keepExistingDate
    }

    /// The SMS channel's bytes when the phone has no SMS status mapped (every phone then keeps its status).
    private func compilePhoneTail(_ empty: FieldRow) -> [UInt8]? {
        guard let field = plan.phone, field.smsStatus == nil else { return nil }
        var problems = MappingProblems()
        guard case .send(let sms) = smsConsent(field, row: empty, problems: &problems), problems.warnings.isEmpty,
            problems.rejection == nil
        else { return nil }
        var tail: [UInt8] = []
        Self.appendPhoneChannel(sms, apiVersion: apiVersion, to: &tail)
        return tail
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
