import ExportCore
import ExportFormats

/// A `ContactMapper` compiled for the common shape of a mapping, run on a record's field bytes
/// instead of a `String` per field.
///
/// `ContactMapper` evaluates every value as text (source, trim, transforms, rules); on a million
/// rows that is most of `prepare`'s time. When a mapping reads columns (or constants) as they are
/// (no transforms, no `where` or `require` rules, no phone identifier, no status or a constant
/// status with a constant status date, at most 16 tag sources), this writes the same JSON straight from the bytes the
/// reader parsed: ASCII white space is trimmed in place and text is escaped from the bytes.
/// What it cannot do on bytes (a value whose ends are not ASCII, a country code, a number, a long
/// string property) goes through the functions `ContactMapper` uses, so both give the same bytes,
/// warnings and rejections (a property test, the fuzz replay and the mapping fuzzer compare them).
///
/// The fields are texts: a CSV record's fields, a flat NDJSON line's scalars (strings decoded,
/// numbers as written, `true`/`false`), or a parsed record's scalars laid out by
/// `map(_:bound:scratch:)`. A record with an array or object in a mapped column is left to
/// `ContactMapper`; a dotted column name that is not in the header then has no value.
public struct ByteMapping: Sendable {
    /// Where a value comes from.
    enum Source: Sendable {
        /// A column, by the plan's column slot.
        case column(Int)
        /// A constant, as written in the mapping.
        case constant(String)
    }

    /// A plain field: a column slot (or `-1` for a constant, in `fieldConstants`) and where its
    /// key is in `bytes`. Plain values only, so reading one copies no reference.
    struct Field: Sendable {
        let slot: Int
        /// `,"wireName":`.
        let key: Range<Int>
        /// Whether the value is written as it is (no country code, gender or date rules).
        let isText: Bool
    }

    /// A tag source: a column slot (or `-1` and the trimmed constant), prefix and suffix, all
    /// as ranges of `bytes`.
    struct Tag: Sendable {
        let slot: Int
        let constant: Range<Int>?
        let prefix: Range<Int>
        let suffix: Range<Int>
    }

    /// A custom property: a column slot (or `-1` for a constant, in `propertyConstants`) and
    /// where its `"name":` is in `bytes`.
    struct Property: Sendable {
        let slot: Int
        let key: Range<Int>
        /// What the value is when it can be written as it is.
        let kind: DirectKind
    }

    /// The constant bytes of the contact (keys, fixed values, tag affixes), back to back, so
    /// that writing a row makes one `withUnsafeBufferPointer` and no reference counting per
    /// piece; the pieces every item has are named.
    final class ConstantBytes: Sendable {
        let bytes: [UInt8]
        /// The item up to the email id, and from after it to the end of `identifiers`.
        let head: Range<Int>
        let identifiersTail: Range<Int>
        /// `,"tags":[`, `,"customProperties":{` and `,`.
        let tagsKey: Range<Int>
        let propertiesKey: Range<Int>
        let comma: Range<Int>

        init(_ builder: Builder, identifiersTail: [UInt8]) {
            var builder = builder
            head = builder.add("{\"identifiers\":[{\"type\":\"email\",\"id\":".utf8)
            tagsKey = builder.add(",\"tags\":[".utf8)
            propertiesKey = builder.add(",\"customProperties\":{".utf8)
            comma = builder.add(",".utf8)
            self.identifiersTail = builder.add(identifiersTail)
            bytes = builder.bytes
        }

        /// Collects the pieces of fields, tags and properties.
        struct Builder {
            private(set) var bytes: [UInt8] = []

            /// Adds `piece` and returns where it is.
            mutating func add(_ piece: some Sequence<UInt8>) -> Range<Int> {
                let start = bytes.count
                bytes.append(contentsOf: piece)
                return start..<bytes.count
            }
        }
    }

    /// The property values written straight from their bytes.
    enum DirectKind: Sendable {
        /// A `string` (at most 2048 bytes, so at most 2048 characters).
        case string
        /// A `number` with `.` as its decimal mark, already in canonical form (`12`, `-3.50`).
        case number
        /// Anything else: through `CustomPropertyWriter`.
        case none
    }

    private let plan: MappingPlan
    private let emailSlot: Int
    /// Every row with a valid email is rejected for its (constant) consent: the reason and detail.
    private let statusRejection: (reason: String, detail: String)?
    /// Every constant piece of the item.
    private let constants: ConstantBytes
    private let fields: [Field]
    /// The trimmed constant of each field whose slot is `-1` (`nil` when blank).
    private let fieldConstants: [String?]
    private let tags: [Tag]
    private let properties: [Property]
    /// The constant of each property whose slot is `-1`.
    private let propertyConstants: [String?]

    /// Compiles `mapper`'s plan, or `nil` when it uses something only `ContactMapper` does.
    init?(_ mapper: ContactMapper) {
        let plan = mapper.plan
        guard plan.conditions.isEmpty, plan.requirements.isEmpty, plan.phone == nil, plan.tags.count <= 16,
            plan.email.transforms.isEmpty, case .column(let emailSlot) = plan.email.source
        else { return nil }
        self.plan = plan
        self.emailSlot = emailSlot

        // The email channel, when it is the same for every row: no status (kept, see
        // `ConsentPolicy`), or a constant status with a constant date, none, or `now`, worked out
        // once by `ContactMapper`'s own rule. A date read from the row, or one that gives a
        // warning, is left to `ContactMapper`.
        if plan.status != nil && mapper.constantStatus == nil { return nil }
        if let field = plan.statusDate, !MappingPlan.isConstant(field.spec) { return nil }
        let header = Header([])
        let row = Row(
            record: Record(header: header, values: [], origin: RecordOrigin(file: "", line: 0, index: 0)),
            bound: plan.bind(header), runDate: mapper.runDate)
        var warned = false
        let email = mapper.consent(
            status: plan.status, constantStatus: mapper.constantStatus, date: plan.statusDate,
            constantDate: mapper.constantStatusDate, isNow: plan.statusDateNow != nil, row: row, prefix: "",
            dateWire: mapper.apiVersion.statusDateKey, invalid: { _, _, _, _ in warned = true })
        if warned { return nil }
        var status = "nonSubscribed"
        var statusDate: String?
        switch email {
        case .send(let decision):
            status = decision.status
            statusDate = decision.date
            statusRejection = nil
        case .reject(let reason, let detail):
            statusRejection = (reason, detail)
        }
        var constants = ConstantBytes.Builder()
        var tail = Array(",\"channels\":{\"email\":{\"status\":".utf8)
        JSONText.appendString(status, to: &tail)
        if let statusDate {
            tail += Array(",\"\(mapper.apiVersion.statusDateKey)\":".utf8)
            JSONText.appendString(statusDate, to: &tail)
        }
        tail += Array("}},\"sendWelcomeMessage\":".utf8)
        tail += Array((plan.sendWelcomeMessage ? "true}]" : "false}]").utf8)

        var fields: [Field] = []
        var fieldConstants: [String?] = []
        for field in plan.fields {
            guard let source = Self.source(field.spec) else { return nil }
            let isText: Bool
            if case .text = field.kind { isText = true } else { isText = false }
            let key = constants.add(field.jsonKey)
            switch source {
            case .column(let slot):
                fields.append(Field(slot: slot, key: key, isText: isText))
                fieldConstants.append(nil)
            case .constant(let text):
                let value = TextOps.trim(text)
                fields.append(Field(slot: -1, key: key, isText: isText))
                fieldConstants.append(value.isEmpty ? nil : value)
            }
        }
        self.fields = fields
        self.fieldConstants = fieldConstants
        var tags: [Tag] = []
        for tag in plan.tags {
            guard tag.split == nil, let source = Self.source(tag.spec) else { return nil }
            let prefix = constants.add(tag.prefix.utf8)
            let suffix = constants.add(tag.suffix.utf8)
            switch source {
            case .column(let slot):
                tags.append(Tag(slot: slot, constant: nil, prefix: prefix, suffix: suffix))
            case .constant(let text):
                let value = TextOps.trim(text)
                tags.append(Tag(
                    slot: -1, constant: value.isEmpty ? nil : constants.add(value.utf8), prefix: prefix, suffix: suffix))
            }
        }
        self.tags = tags
        var properties: [Property] = []
        var propertyConstants: [String?] = []
        for property in plan.customProperties {
            guard let source = Self.source(property.spec) else { return nil }
            var key: [UInt8] = []
            JSONText.appendString(property.name, to: &key)
            key.append(UInt8(ascii: ":"))
            let kind: DirectKind
            switch property.kind {
            case .string: kind = .string
            case .number where property.decimal == UInt8(ascii: "."): kind = .number
            default: kind = .none
            }
            switch source {
            case .column(let slot):
                properties.append(Property(slot: slot, key: constants.add(key), kind: kind))
                propertyConstants.append(nil)
            case .constant(let text):
                properties.append(Property(slot: -1, key: constants.add(key), kind: kind))
                propertyConstants.append(text)
            }
        }
        self.properties = properties
        self.propertyConstants = propertyConstants
        self.constants = ConstantBytes(constants, identifiersTail: tail)
    }

    /// A spec's source when it is one this mapping reads as it is.
    private static func source(_ spec: ValueSpec) -> Source? {
        guard spec.transforms.isEmpty else { return nil }
        switch spec.source {
        case .column(let slot): return .column(slot)
        case .constant(let text): return .constant(text)
        default: return nil
        }
    }

    /// The plan's column slots resolved against one CSV header: a field index, or `-1` for none.
    public struct Columns: Sendable {
        /// The header these positions belong to.
        public let header: Header
        let fields: [Int]
        let dedupeDate: Int
    }

    /// Resolves the plan's columns against `header` (once per input, not per row).
    public func bind(_ header: Header) -> Columns {
        func index(_ lookup: BoundMapping.Lookup?) -> Int {
            if case .index(let i)? = lookup { return i }
            return -1
        }
        let bound = plan.bind(header)
        return Columns(header: header, fields: bound.lookups.map(index), dedupeDate: index(bound.dedupeDate))
    }

    /// Maps one record, given as its fields' bytes, exactly as `ContactMapper.map` maps the
    /// `Record` of the same fields. `scratch` holds the row's JSON while it is written.
    public func map(_ record: RawFields, columns: Columns, scratch: inout Scratch) -> MappingResult {
        scratch.arena.removeAll()
        return pack(record, columns: columns, into: scratch.arena).result(in: scratch.arena)
    }

    /// What `pack` made of a record.
    public enum PackOutcome: Sendable, Equatable {
        /// A contact without warnings or dedupe date, written into the arena.
        case packed(PackedContact)
        /// Anything else (a rejection; a contact with warnings or a dedupe date), the arena as it was.
        case mapped(MappingResult)

        /// The outcome as a `MappingResult`, a packed contact copied out of `arena`.
        func result(in arena: ByteArena) -> MappingResult {
            switch self {
            case .mapped(let result):
                return result
            case .packed(let contact):
                return .contact(MappedContact(
                    email: String(decoding: arena.bytes(contact.emailRange), as: UTF8.self),
                    json: Array(arena.bytes(contact.itemRange))))
            }
        }
    }

    /// Maps one record as `map` does, writing a plain contact's email and item into `arena`
    /// instead of arrays of its own (the batch writer of `prepare`).
    public func pack(_ record: RawFields, columns: Columns, into arena: ByteArena) -> PackOutcome {
        let slots = columns.fields
        // A null (an NDJSON `null`) is an absent value, as `ContactMapper` has it.
        @inline(__always) func column(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
            let i = slots[slot]
            return i >= 0 && i < record.count && !record.isNull(i) ? record[i] : nil
        }

        // Email.
        guard let emailField = column(emailSlot) else {
            return .mapped(.rejected(reason: "email_missing", detail: "the email field is empty", email: nil))
        }
        let rawEmail = Trimmed(emailField)
        // Trimmed and not empty means a text: a `String` is only made when an end may be Unicode space.
        if rawEmail.isEmpty || (!rawEmail.isTrimmed && rawEmail.text.isEmpty) {
            return .mapped(.rejected(reason: "email_missing", detail: "the email field is empty", email: rawEmail.text))
        }
        // All ASCII: lower-cased into the arena; otherwise by the String rules of `EmailAddress.normalize`.
        let normalized = rawEmail.isASCII ? nil : EmailAddress.normalize(rawEmail.text)
        let emailCount = normalized?.utf8.count ?? rawEmail.bytes.count

        // The email, then the item, written straight into the arena. Escaping at most sextuples a
        // value, but items are rarely more than twice their record: when one does not fit, again.
        var size = emailCount + 1024 + 2 * (record.bytes.count + emailCount)
        var checked = false
        while true {
            let room = arena.reserve(size)
            let email = UnsafeBufferPointer(rebasing: room[0..<emailCount])
            if var normalized {
                normalized.withUTF8 { room.baseAddress!.update(from: $0.baseAddress!, count: emailCount) }
            } else {
                rawEmail.writeASCIILowercased(to: room.baseAddress!)
            }
            if !checked {
                checked = true
                if let problem = EmailAddress.validate(bytes: email) {
                    return .mapped(.rejected(reason: problem.reason, detail: problem.detail, email: rawEmail.text))
                }
                if let statusRejection {
                    return .mapped(.rejected(
                        reason: statusRejection.reason, detail: statusRejection.detail, email: rawEmail.text))
                }
            }
            var problems = Problems()
            var out = RowWriter(UnsafeMutableBufferPointer(rebasing: room[emailCount...]))
            write(record, column: column, email: email, to: &out, problems: &problems)
            if out.overflowed {
                size *= 2
                continue
            }
            if let rejection = problems.rejection {
                return .mapped(.rejected(reason: rejection.code, detail: rejection.detail, email: rawEmail.text))
            }
            let item = UnsafeBufferPointer(rebasing: room[emailCount..<(emailCount + out.count)])
            var dedupeDate: String?
            if columns.dedupeDate >= 0 && columns.dedupeDate < record.count && !record.isNull(columns.dedupeDate) {
                dedupeDate = String(decoding: record[columns.dedupeDate], as: UTF8.self)
            }
            if problems.warnings.isEmpty && dedupeDate == nil {
                let start = arena.count
                arena.commit(emailCount + out.count)
                return .packed(PackedContact(
                    key: EmailKey(utf8: email), start: start, emailEnd: start + emailCount,
                    end: start + emailCount + out.count))
            }
            return .mapped(.contact(MappedContact(
                email: String(decoding: email, as: UTF8.self), json: Array(item), warnings: problems.warnings,
                dedupeDate: dedupeDate)))
        }
    }

    /// Writes the contact item of a record whose email passed.
    private func write(
        _ record: RawFields, column: (Int) -> UnsafeBufferPointer<UInt8>?, email: UnsafeBufferPointer<UInt8>,
        to out: inout RowWriter,
        problems: inout Problems
    ) {
        let (head, identifiersTail) = (constants.head, constants.identifiersTail)
        let (tagsKey, propertiesKey, comma) = (constants.tagsKey, constants.propertiesKey, constants.comma)
        constants.bytes.withUnsafeBufferPointer { constants in
            @inline(__always) func piece(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: constants[range])
            }
            out.write(piece(head))
            out.writeString(email)
            out.write(piece(identifiersTail))

            // Plain fields.
            for i in fields.indices {
                let text: String
                if fields[i].slot < 0 {
                    guard let constant = fieldConstants[i] else { continue }
                    text = constant
                } else {
                    guard let bytes = column(fields[i].slot) else { continue }
                    let value = Trimmed(bytes)
                    if value.isEmpty { continue }
                    if fields[i].isText && value.isTrimmed {
                        out.write(piece(fields[i].key))
                        out.writeString(value.bytes)
                        continue
                    }
                    text = value.text
                    if text.isEmpty { continue }
                }
                switch ContactMapper.render(text, as: plan.fields[i]) {
                case .invalid(let code, let detail):
                    problems.add(plan.fields[i].wireName, code, plan.fields[i].onInvalid, detail)
                case .text(let rendered):
                    out.write(piece(fields[i].key))
                    out.writeString(rendered)
                }
            }

            /// Writes `,"tags":[` (before the first tag) or `,`, then the tag `prefix + value + suffix`
            /// as one JSON string (escaping the pieces apart gives the same bytes: each is whole UTF-8).
            func writeTag(
                prefix: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>,
                suffix: UnsafeBufferPointer<UInt8>, first: Bool
            ) {
                out.write(piece(first ? tagsKey : comma))
                out.write(UInt8(ascii: "\""))
                out.writeEscaped(prefix)
                out.writeEscaped(value)
                out.writeEscaped(suffix)
                out.write(UInt8(ascii: "\""))
            }

            // Tags: each source gives at most one tag here (no `split`), so at most 16, kept once.
            if tags.count == 1 && tags[0].slot >= 0 {
                // One tag source from a column (the usual case): no list to keep.
                if let bytes = column(tags[0].slot) {
                    let value = Trimmed(bytes)
                    let (prefix, suffix) = (piece(tags[0].prefix), piece(tags[0].suffix))
                    if value.isTrimmed && !value.isEmpty {
                        writeTag(prefix: prefix, value.bytes, suffix: suffix, first: true)
                        out.write(UInt8(ascii: "]"))
                    } else if !value.isEmpty {
                        var text = value.text
                        if !text.isEmpty {
                            text.withUTF8 { writeTag(prefix: prefix, $0, suffix: suffix, first: true) }
                            out.write(UInt8(ascii: "]"))
                        }
                    }
                }
            } else if !tags.isEmpty {
                var written: [[UInt8]] = []
                for i in tags.indices {
                    var full = Array(piece(tags[i].prefix))
                    if tags[i].slot < 0 {
                        guard let constant = tags[i].constant else { continue }
                        full.append(contentsOf: piece(constant))
                    } else {
                        guard let bytes = column(tags[i].slot) else { continue }
                        let value = Trimmed(bytes)
                        if value.isEmpty { continue }
                        if value.isTrimmed {
                            full.append(contentsOf: value.bytes)
                        } else {
                            let text = value.text
                            if text.isEmpty { continue }
                            full.append(contentsOf: text.utf8)
                        }
                    }
                    full.append(contentsOf: piece(tags[i].suffix))
                    if !written.contains(where: { Self.sameText($0, full) }) { written.append(full) }
                }
                let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                for (i, tag) in written.enumerated() {
                    tag.withUnsafeBufferPointer { writeTag(prefix: none, $0, suffix: none, first: i == 0) }
                }
                if !written.isEmpty { out.write(UInt8(ascii: "]")) }
            }

            // Custom properties.
            var openedProperties = false
            for i in properties.indices {
                let value: String
                if properties[i].slot < 0 {
                    guard let constant = propertyConstants[i], !TextOps.isBlank(constant) else { continue }
                    value = constant
                } else {
                    guard let bytes = column(properties[i].slot) else { continue }
                    let trimmed = Trimmed(bytes)
                    if trimmed.isEmpty { continue }
                    if trimmed.isTrimmed {
                        let direct: Bool
                        switch properties[i].kind {
                        case .string: direct = trimmed.bytes.count <= CustomPropertyWriter.maxStringCharacters
                        case .number: direct = NumberText.isCanonical(trimmed.bytes)
                        case .none: direct = false
                        }
                        if direct {
                            out.write(piece(openedProperties ? comma : propertiesKey))
                            openedProperties = true
                            out.write(piece(properties[i].key))
                            if case .string = properties[i].kind {
                                out.writeString(trimmed.bytes)
                            } else {
                                out.write(trimmed.bytes)
                            }
                            continue
                        }
                    }
                    value = trimmed.text
                    if value.isEmpty { continue }
                }
                var json: [UInt8] = []
                if case .invalid(let code, let detail) = CustomPropertyWriter.write(
                    .text(value), as: plan.customProperties[i], into: &json)
                {
                    let property = plan.customProperties[i]
                    problems.add("customProperties.\(property.name)", code, property.onInvalid, detail)
                    continue
                }
                out.write(piece(openedProperties ? comma : propertiesKey))
                openedProperties = true
                out.write(piece(properties[i].key))
                out.write(json)
            }
            if openedProperties { out.write(UInt8(ascii: "}")) }
            out.write(UInt8(ascii: "}"))
        }
    }

    /// The warnings of one row and its first rejecting failure, collected as `ContactMapper` does.
    private struct Problems {
        var warnings: [MappingWarning] = []
        var rejection: (code: String, detail: String)?

        mutating func add(_ field: String, _ code: String, _ onInvalid: OnInvalid, _ detail: String) {
            if onInvalid == .reject {
                if rejection == nil { rejection = (code, "\(field): \(detail)") }
            } else {
                warnings.append(MappingWarning(field: field, code: code))
            }
        }
    }

    /// A field without the ASCII white space at its ends: what `TextOps.trim` gives when
    /// `isTrimmed`; otherwise an end may be Unicode white space, which `text` trims.
    struct Trimmed {
        /// The bytes between the ASCII white space.
        let bytes: UnsafeBufferPointer<UInt8>

        @inline(__always)
        init(_ field: UnsafeBufferPointer<UInt8>) {
            var start = 0
            var end = field.count
            while start < end && Self.isASCIISpace(field[start]) { start += 1 }
            while end > start && Self.isASCIISpace(field[end - 1]) { end -= 1 }
            bytes = UnsafeBufferPointer(rebasing: field[start..<end])
        }

        var isEmpty: Bool { bytes.isEmpty }

        /// Whether no Unicode white space is left at either end. Non-ASCII white space (U+0085,
        /// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) starts with byte
        /// C2, E1, E2 or E3: an end character with another first byte cannot be white space.
        var isTrimmed: Bool {
            let n = bytes.count
            if n == 0 { return true }
            if bytes[0] >= 0x80 && Self.mayStartSpace(bytes[0]) { return false }
            if bytes[n - 1] < 0x80 { return true }
            var lead = n - 1
            while lead > 0 && lead > n - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            return !Self.mayStartSpace(bytes[lead])
        }

        /// The text, trimmed as `TextOps.trim` trims.
        var text: String {
            let text = String(decoding: bytes, as: UTF8.self)
            return isTrimmed ? text : TextOps.trim(text)
        }

        @inline(__always)
        private static func mayStartSpace(_ lead: UInt8) -> Bool {
            lead == 0xC2 || lead == 0xE1 || lead == 0xE2 || lead == 0xE3
        }

        /// Whether every byte is ASCII.
        var isASCII: Bool {
            var i = 0
            let n = bytes.count
            if let base = bytes.baseAddress {
                while i + 8 <= n {
                    if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                    i += 8
                }
            }
            while i < n {
                if bytes[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }

        /// Writes the bytes lower-cased (what `EmailAddress.normalize` gives when `isASCII`) to
        /// `out`, which has room for `bytes.count`.
        func writeASCIILowercased(to out: UnsafeMutablePointer<UInt8>) {
            for i in 0..<bytes.count {
                let b = bytes[i]
                out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            }
        }

        @inline(__always)
        private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    }

    /// Whether two tags are the same `String` (Swift compares canonical equivalents as equal, so
    /// differing bytes are only surely different when both are ASCII).
    private static func sameText(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return true }
        if a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }
}
