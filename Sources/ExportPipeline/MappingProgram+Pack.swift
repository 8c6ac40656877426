import ExportContactRules
import ExportCore
import ExportFormats
import ExportRuntime

extension MappingProgram {
    /// The plan's column slots resolved against one header: a field index, or `-1` for none.
    public struct Columns: Sendable {
        /// The header these positions belong to.
        public let header: Header
        let fields: [Int]
        let dedupeDate: Int
    }

    /// Resolves the plan's columns against `header` (once per input, not per row). Only exact
    /// column names resolve: a flat record has no nested objects to walk.
    public func bind(_ header: Header) -> Columns {
        func index(_ lookup: BoundMapping.Lookup?) -> Int {
            if case .index(let i)? = lookup { return i }
            return -1
        }
        let bound = plan.bind(header)
        return Columns(header: header, fields: bound.lookups.map(index), dedupeDate: index(bound.dedupeDate))
    }

    /// What `pack` made of a record.
    public enum PackOutcome: Sendable, Equatable {
        /// A contact without warnings, written into the arena (with its dedupe date, if any).
        case packed(PackedContact)
        /// Anything else (a rejection; a contact with warnings), the arena as it was.
        case mapped(MappingResult)

        /// The outcome as a `MappingResult`, a packed contact copied out of `arena`.
        public func result(in arena: ByteArena) -> MappingResult {
            switch self {
            case .mapped(let result):
                return result
            case .packed(let contact):
                return .contact(MappedContact(
                    email: String(decoding: arena.bytes(contact.emailRange), as: UTF8.self),
                    json: Array(arena.bytes(contact.itemRange)),
                    dedupeDate: contact.dateTextRange.map { String(decoding: arena.bytes($0), as: UTF8.self) }))
            }
        }
    }

    /// Maps one record, given as its fields' bytes (a CSV record, a flat NDJSON line). `scratch`
    /// holds the row's JSON while it is written.
    public func map(_ record: RawFields, columns: Columns, origin: RecordOrigin, scratch: inout Scratch) -> MappingResult {
        scratch.arena.removeAll()
        return pack(record, columns: columns, origin: origin, into: scratch.arena).result(in: scratch.arena)
    }

    /// Maps one record as `map` does, writing a plain contact's email and item into `arena`
    /// instead of arrays of its own (the batch writer of `prepare`).
    public func pack(_ record: RawFields, columns: Columns, origin: RecordOrigin, into arena: ByteArena) -> PackOutcome {
        run(
            FieldRow(fields: record, slots: columns.fields, lists: [], origin: origin, runDate: runDate),
            dedupeDate: columns.dedupeDate, into: arena)
    }

    /// Which of the fields that `require` rules name a contact got: one bit per name (the
    /// program's `requirementBits`; `-1` is a field no rule names).
    struct Presence {
        private var bits: UInt64 = 0
        private var more: Set<Int> = []

        @inline(__always)
        mutating func mark(_ bit: Int) {
            if bit < 0 { return }
            if bit < 64 { bits |= 1 << UInt64(bit) } else { more.insert(bit) }
        }

        func contains(_ bit: Int) -> Bool { bit < 64 ? bits & (1 << UInt64(bit)) != 0 : more.contains(bit) }
    }

    /// What is worked out once per row before its item is written: the envelope's variable
    /// parts, and the warnings and fields found so far.
    struct Prepared {
        /// The rest of the email identifier (`,"channels":…}`); `nil`: the program's constant one.
        var emailTail: [UInt8]?
        /// The phone's E.164 id and the rest of its identifier (`,"channels":…}}`; `nil`: the
        /// program's constant one).
        var phone: (id: String, tail: [UInt8]?)?
        var problems: MappingProblems
        var presence: Presence
    }

    /// The program for one row: `where`, email, consent and phone, then the item into `arena`.
    func run(_ row: FieldRow, dedupeDate: Int, into arena: ByteArena) -> PackOutcome {
        for rule in conditionSteps.indices where !holds(rule, in: row) {
            return .mapped(.filtered(detail: "where rule at \(plan.conditions[rule].location) not met"))
        }

        // The email: ASCII bytes lower-cased straight into the arena, or a normalised `String`.
        var ascii: TrimmedField?
        var rawEmail: String?
        if case .column(let slot) = emailRead, !row.hasLists {
            guard let bytes = row.bytes(slot) else {
                return .mapped(.rejected(reason: "email_missing", detail: "the email field is empty", email: nil))
            }
            let field = TrimmedField(bytes)
            // Trimmed and not empty means a text: a `String` is only made when an end may be Unicode space.
            if field.isEmpty || (!field.isTrimmed && field.text.isEmpty) {
                return .mapped(.rejected(reason: "email_missing", detail: "the email field is empty", email: field.text))
            }
            if field.isASCII { ascii = field } else { rawEmail = field.text }
        } else {
            var text: String?
            if case .value(let v) = row.evaluate(plan.email) { text = v.map { $0.joined() } }
            guard let text, !TextOps.isBlank(text) else {
                return .mapped(.rejected(reason: "email_missing", detail: "the email field is empty", email: text))
            }
            rawEmail = text
        }
        func raw() -> String { rawEmail ?? ascii!.text }
        let normalized = rawEmail.map(EmailNormalizer.normalize)
        let emailCount = normalized?.utf8.count ?? ascii!.bytes.count

        // The email, then the item, written straight into the arena. Escaping at most sextuples a
        // value, but items are rarely more than twice their record: when one does not fit, again.
        // The transformed values are written after the item's room, in `scratch`.
        var size = emailCount + 1024 + 2 * (row.fields.bytes.count + emailCount)
        let scratchSize = row.fields.bytes.count + scratchGrowth
        while true {
            let room = arena.reserve(size + scratchSize)
            let scratch = room.baseAddress! + size
            if var normalized {
                normalized.withUTF8 { if let source = $0.baseAddress { room.baseAddress!.update(from: source, count: emailCount) } }
            } else {
                ascii!.writeASCIILowercased(to: room.baseAddress!)
            }
            let email = UnsafeBufferPointer(rebasing: room[0..<emailCount])
            // Worked out again on a second try (rare), which gives the same answers.
            if let problem = EmailAddress.validate(bytes: email) {
                return .mapped(.rejected(reason: problem.reason, detail: problem.detail, email: raw()))
            }
            var state: Prepared
            switch prepare(row, scratch: scratch) {
            case .success(let ready): state = ready
            case .failure(let rejection):
                return .mapped(.rejected(reason: rejection.reason, detail: rejection.detail, email: raw()))
            }
            var out = RowWriter(UnsafeMutableBufferPointer(rebasing: room[emailCount..<size]))
            write(row, email: email, state: &state, scratch: scratch, to: &out)
            if out.overflowed {
                size *= 2
                continue
            }
            if let rejection = state.problems.rejection {
                return .mapped(.rejected(reason: rejection.code, detail: rejection.detail, email: raw()))
            }
            for (requirement, bit) in zip(plan.requirements, requirementBits) where !state.presence.contains(bit) {
                return .mapped(.rejected(
                    reason: requirement.reason, detail: "required field '\(requirement.field)' is empty", email: raw()))
            }
            let itemEnd = emailCount + out.count
            var date: UnsafeBufferPointer<UInt8>?
            if dedupeDate >= 0 && dedupeDate < row.fields.count && !row.fields.isNull(dedupeDate) {
                date = row.fields[dedupeDate]
            }
            guard state.problems.warnings.isEmpty else {
                return .mapped(.contact(MappedContact(
                    email: String(decoding: email, as: UTF8.self), json: Array(room[emailCount..<itemEnd]),
                    warnings: state.problems.warnings, dedupeDate: date.map { String(decoding: $0, as: UTF8.self) })))
            }
            let start = arena.count
            guard let date else {
                arena.commit(itemEnd)
                return .packed(PackedContact(
                    key: EmailKey(utf8: email), start: start, emailEnd: start + emailCount, end: start + itemEnd))
            }
            // The date's raw text after the item, over the scratch (done with, and at least as
            // large as the record, of which the date is a field).
            if let source = date.baseAddress { (room.baseAddress! + itemEnd).update(from: source, count: date.count) }
            arena.commit(itemEnd + date.count)
            return .packed(PackedContact(
                key: EmailKey(utf8: email), start: start, emailEnd: start + emailCount, end: start + itemEnd,
                dateEnd: start + itemEnd + date.count, sortableDate: SortableDate.parse(bytes: date)))
        }
    }

    /// Whether `where` rule number `rule` holds for `row`: on its column's bytes when its step
    /// allows, else on text.
    private func holds(_ rule: Int, in row: FieldRow) -> Bool {
        if let step = conditionSteps[rule] {
            if step.chain.steps.isEmpty {
                if let bytes = step.chain.apply(to: row, scratch: nil), let holds = step.holds(bytes) { return holds }
            } else if let bytes = step.chain.apply(to: row), let holds = bytes.withUnsafeBufferPointer(step.holds) {
                return holds
            }
        }
        return row.holds(plan.conditions[rule])
    }

    /// Why a row is rejected before its item is written.
    struct RowRejection: Error {
        var reason: String
        var detail: String
    }

    /// The row's channels and phone: the envelope's variable parts, or the row's rejection.
    private func prepare(_ row: FieldRow, scratch: UnsafeMutablePointer<UInt8>) -> Result<Prepared, RowRejection> {
        var problems = MappingProblems()
        var presence = Presence()
        var emailTail: [UInt8]?
        let dated: Bool
        switch constantChannel {
        case .send?:
            dated = constantChannelDated
        case .reject(let reason, let detail)?:
            return .failure(RowRejection(reason: reason, detail: detail))
        case nil:
            let decision: ConsentPolicy.Decision
            switch emailConsent(row, problems: &problems) {
            case .send(let rowDecision): decision = rowDecision
            case .reject(let reason, let detail): return .failure(RowRejection(reason: reason, detail: detail))
            }
            dated = Self.isDated(decision)
            var tail: [UInt8] = []
            Self.appendEmailChannel(decision, sendWelcomeMessage: plan.sendWelcomeMessage, apiVersion: apiVersion, to: &tail)
            emailTail = tail
        }
        presence.mark(emailBit)
        presence.mark(statusBit)
        if plan.statusDate != nil && dated { presence.mark(statusDateBit) }

        var phone: (id: String, tail: [UInt8]?)?
        if let field = plan.phone, let parsed = parsePhone(field, in: row, scratch: scratch) {
            switch parsed {
            case .e164(let e164):
                presence.mark(phoneBit)
                if constantPhoneTail != nil {
                    phone = (e164, nil)
                    break
                }
                switch smsConsent(field, row: row, problems: &problems) {
                case .send(let sms):
                    var tail: [UInt8] = []
                    Self.appendPhoneChannel(sms, apiVersion: apiVersion, to: &tail)
                    phone = (e164, tail)
                case .reject(let reason, let detail):
                    return .failure(RowRejection(reason: reason, detail: detail))
                }
            case .needsCountry:
                problems.add("phone", "phone_country_unknown", field.onInvalid,
                    "a national number, and the row's country is not known (no calling code to put in front)")
            case .invalid:
                problems.add("phone", "phone_invalid", field.onInvalid, "not a phone number that can be written in E.164")
            }
        }
        return .success(Prepared(emailTail: emailTail, phone: phone, problems: problems, presence: presence))
    }

    /// The row's phone read as a number; `nil` when it has none (no value, or only white space).
    private func parsePhone(_ field: MappingPlan.PhoneField, in row: FieldRow, scratch: UnsafeMutablePointer<UInt8>)
        -> PhoneNumber.Parsed?
    {
        var code = field.defaultCountryCode
        func country() {
            guard let country = field.country else { return }
            code = nil
            if case .value(let c?) = row.evaluate(country), let alpha2 = CountryCodes.alpha2(for: c.joined()) {
                code = CallingCodes.code(for: alpha2)
            }
        }
        if let bytes = phoneChain?.apply(to: row, scratch: scratch) {
            if bytes.isEmpty { return nil }
            country()
            return PhoneNumber.parse(bytes: bytes, defaultCountryCode: code)
        }
        guard case .value(let v?) = row.evaluate(field.spec) else { return nil }
        let text = TextOps.trim(v.joined())
        if text.isEmpty { return nil }
        country()
        return PhoneNumber.parse(text, defaultCountryCode: code)
    }

    /// Writes the item of a row whose email and channels passed: the envelope, then each field,
    /// the tags and the custom properties, adding to `state`'s warnings and fields.
    private func write(
        _ row: FieldRow, email: UnsafeBufferPointer<UInt8>, state: inout Prepared, scratch: UnsafeMutablePointer<UInt8>,
        to out: inout RowWriter
    ) {
        out.write(Self.envelopeHead)
        out.writeString(email)
        if let tail = state.emailTail { out.write(tail) } else { out.write(constantEmailTail) }
        if let phone = state.phone {
            out.write(Self.phoneHead)
            out.writeString(phone.id)
            if let tail = phone.tail { out.write(tail) } else { out.write(constantPhoneTail!) }
        }
        out.write(UInt8(ascii: "]"))

        // Plain fields, then the tags and the custom properties.
        for step in fieldSteps {
            step._withUnsafeGuaranteedRef { writeStep($0, row, state: &state, scratch: scratch, to: &out) }
        }
        writeTags(row, state: &state, scratch: scratch, to: &out)
        writeProperties(row, state: &state, scratch: scratch, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    /// Writes one plain field of a row whose envelope is written.
    private func writeStep(
        _ step: FieldStep, _ row: FieldRow, state: inout Prepared, scratch: UnsafeMutablePointer<UInt8>,
        to out: inout RowWriter
    ) {
        var text: String?
        if case .column(let slot) = step.read, !row.hasLists {
            guard let bytes = row.bytes(slot) else { return }
            let value = TrimmedField(bytes)
            if value.isEmpty { return }
            if value.isTrimmed && writeField(value.bytes, step, state: &state, to: &out) { return }
            text = value.text
        } else if let bytes = step.chain?.apply(to: row, scratch: scratch),
            bytes.isEmpty || writeField(bytes, step, state: &state, to: &out)
        {
            return
        } else {
            switch row.evaluate(step.field.spec) {
            case .value(let v?): text = TextOps.trim(v.joined())
            case .value(nil): text = nil
            case .invalid(let why):
                state.problems.add(step.field.wireName, "\(step.field.key)_invalid", step.field.onInvalid, why)
            }
        }
        guard let value = text, !value.isEmpty else { return }
        switch Self.render(value, as: step.field) {
        case .invalid(let code, let detail):
            state.problems.add(step.field.wireName, code, step.field.onInvalid, detail)
        case .text(let rendered):
            out.write(step.field.jsonKey)
            out.writeString(rendered)
            state.presence.mark(step.presence)
        }
    }

    private static let propertiesKey = Array(",\"customProperties\":{".utf8)

    /// Writes `,"customProperties":{…}` with every property that has a valid value.
    private func writeProperties(
        _ row: FieldRow, state: inout Prepared, scratch: UnsafeMutablePointer<UInt8>, to out: inout RowWriter
    ) {
        var opened = false
        for step in propertySteps {
            step._withUnsafeGuaranteedRef { writeStep($0, row, opened: &opened, state: &state, scratch: scratch, to: &out) }
        }
        if opened { out.write(UInt8(ascii: "}")) }
    }

    /// Writes one custom property (with the `,"customProperties":{` or `,` before it).
    private func writeStep(
        _ step: PropertyStep, _ row: FieldRow, opened: inout Bool, state: inout Prepared,
        scratch: UnsafeMutablePointer<UInt8>, to out: inout RowWriter
    ) {
        let value: MappingValue
        if case .column(let slot) = step.read, !row.hasLists {
            guard let bytes = row.bytes(slot) else { return }
            let trimmed = TrimmedField(bytes)
            if trimmed.isEmpty { return }
            if trimmed.isTrimmed && writeProperty(trimmed.bytes, step, opened: &opened, state: &state, to: &out) {
                return
            }
            let text = trimmed.text
            if text.isEmpty { return }
            value = .text(text)
        } else if let bytes = step.chain?.apply(to: row, scratch: scratch),
            bytes.isEmpty || writeProperty(bytes, step, opened: &opened, state: &state, to: &out)
        {
            return
        } else {
            switch row.evaluate(step.property.spec) {
            case .value(let v?): value = v
            case .value(nil): return
            case .invalid(let why):
                state.problems.add(
                    "customProperties.\(step.property.name)", "custom_property_invalid", step.property.onInvalid, why)
                return
            }
            if value.isBlank { return }
        }
        var json: [UInt8] = []
        if case .invalid(let code, let detail) = CustomPropertyWriter.write(value, as: step.property, into: &json) {
            state.problems.add("customProperties.\(step.property.name)", code, step.property.onInvalid, detail)
            return
        }
        Self.openProperty(step, opened: &opened, to: &out)
        out.write(json)
        state.presence.mark(step.presence)
    }

    /// Writes the `,"customProperties":{` or `,` before a property, then its `"name":`.
    private static func openProperty(_ step: PropertyStep, opened: inout Bool, to out: inout RowWriter) {
        if opened {
            out.write(UInt8(ascii: ","))
        } else {
            out.write(propertiesKey)
            opened = true
        }
        out.write(step.key)
    }

    private static let trueWords: [StaticString] = ["true", "yes", "y", "1", "on"]
    private static let falseWords: [StaticString] = ["false", "no", "n", "0", "off"]

    /// Writes a property from the bytes of its trimmed, non-empty text as `CustomPropertyWriter`
    /// writes a valid one; `false`, with nothing written, when the text is left to it (a value
    /// that it may reject or must count in characters, or a number to rewrite).
    private func writeProperty(
        _ value: UnsafeBufferPointer<UInt8>, _ step: PropertyStep, opened: inout Bool, state: inout Prepared,
        to out: inout RowWriter
    ) -> Bool {
        switch step.property.kind {
        case .string:
            guard value.count <= CustomPropertyWriter.maxStringCharacters else { return false }
            Self.openProperty(step, opened: &opened, to: &out)
            out.writeString(value)
        case .number, .integer:
            guard step.property.decimal == UInt8(ascii: "."), NumberText.isCanonical(value) else { return false }
            // A canonical integer of at most 18 digits fits in 64 bits.
            if step.property.kind == .integer && (value.contains(UInt8(ascii: ".")) || value.count > 18) { return false }
            Self.openProperty(step, opened: &opened, to: &out)
            out.write(value)
        case .boolean:
            let flag: Bool
            if Self.trueWords.contains(where: { ASCIIText.equalsLowercased(value, $0) }) {
                flag = true
            } else if Self.falseWords.contains(where: { ASCIIText.equalsLowercased(value, $0) }) {
                flag = false
            } else {
                return false
            }
            Self.openProperty(step, opened: &opened, to: &out)
            out.write(flag ? Self.trueBytes : Self.falseBytes)
        case .date:
            guard let parts = Self.parseDate(value, step.property.formats) else { return false }
            Self.openProperty(step, opened: &opened, to: &out)
            DatePattern.withDayText(parts) { out.writeString($0) }
        case .list:
            guard value.count <= CustomPropertyWriter.maxStringCharacters else { return false }
            Self.openProperty(step, opened: &opened, to: &out)
            out.write(UInt8(ascii: "["))
            out.writeString(value)
            out.write(UInt8(ascii: "]"))
        }
        state.presence.mark(step.presence)
        return true
    }

    /// What a plain field's trimmed, non-empty value becomes on the wire.
    enum Rendered {
        case text(String)
        case invalid(code: String, detail: String)
    }

    /// `value` rendered as `field`'s kind wants it (a country code, `m`/`f`, a day).
    static func render(_ value: String, as field: MappingPlan.ContactField) -> Rendered {
        switch field.kind {
        case .text:
            return .text(value)
        case .countryCode:
            guard let code = CountryCodes.alpha2(for: value) else {
                return .invalid(code: "country_code_unknown", detail: unknownCountry)
            }
            return .text(code)
        case .gender:
            switch value.lowercased() {
            case "m", "male": return .text("m")
            case "f", "female": return .text("f")
            default: return .invalid(code: "gender_invalid", detail: unknownGender)
            }
        case .birthdate(let formats):
            guard let parts = formats.lazy.compactMap({ $0.parse(value) }).first else {
                return .invalid(code: "birthdate_invalid", detail: unknownBirthdate)
            }
            return .text(day.format(parts))
        }
    }

    private static let day = DatePattern("YYYY-MM-DD")!

    /// Writes a plain field from the bytes of its trimmed, non-empty text as `render` renders
    /// the text; `false`, with nothing written, when the text must be rendered as a `String`
    /// (a country or gender that is not ASCII).
    private func writeField(
        _ value: UnsafeBufferPointer<UInt8>, _ step: FieldStep, state: inout Prepared, to out: inout RowWriter
    ) -> Bool {
        switch step.field.kind {
        case .text:
            out.write(step.field.jsonKey)
            out.writeString(value)
        case .countryCode:
            guard ASCIIText.isASCII(value) else { return false }
            guard let code = CountryCodes.alpha2(ascii: value) else {
                state.problems.add(step.field.wireName, "country_code_unknown", step.field.onInvalid, Self.unknownCountry)
                return true
            }
            out.write(step.field.jsonKey)
            out.writeString(code)
        case .gender:
            guard ASCIIText.isASCII(value) else { return false }
            let gender: StaticString
            if ASCIIText.equalsLowercased(value, "m") || ASCIIText.equalsLowercased(value, "male") {
                gender = "\"m\""
            } else if ASCIIText.equalsLowercased(value, "f") || ASCIIText.equalsLowercased(value, "female") {
                gender = "\"f\""
            } else {
                state.problems.add(step.field.wireName, "gender_invalid", step.field.onInvalid, Self.unknownGender)
                return true
            }
            out.write(step.field.jsonKey)
            out.write(UnsafeBufferPointer(start: gender.utf8Start, count: gender.utf8CodeUnitCount))
        case .birthdate(let formats):
            guard let parts = Self.parseDate(value, formats) else {
                state.problems.add(step.field.wireName, "birthdate_invalid", step.field.onInvalid, Self.unknownBirthdate)
                return true
            }
            out.write(step.field.jsonKey)
            DatePattern.withDayText(parts) { out.writeString($0) }
        }
        state.presence.mark(step.presence)
        return true
    }

    /// The first of `formats` that reads the UTF-8 text `bytes` as a date.
    static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>, _ formats: [DatePattern]) -> DateParts? {
        for format in formats {
            if let parts = format.parse(bytes: bytes) { return parts }
        }
        return nil
    }

    static let unknownCountry = "not a country name or ISO 3166 code"
    static let unknownGender = "not m or f (map the source values with 'map')"
    static let unknownBirthdate = "not a date in the configured formats"
}
