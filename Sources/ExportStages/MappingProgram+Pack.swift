import ExportCore
import ExportFormats

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
        /// A contact without warnings or dedupe date, written into the arena.
        case packed(PackedContact)
        /// Anything else (a rejection; a contact with warnings or a dedupe date), the arena as it was.
        case mapped(MappingResult)

        /// The outcome as a `MappingResult`, a packed contact copied out of `arena`.
        public func result(in arena: ByteArena) -> MappingResult {
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

    /// Which mapping fields a contact got, for `require` (only kept when the plan has rules).
    struct Presence {
        let tracks: Bool
        var names: Set<String> = []

        mutating func mark(_ name: String) { if tracks { names.insert(name) } }
    }

    /// What is worked out once per row before its item is written: the envelope's variable
    /// parts, and the warnings and fields found so far.
    struct Prepared {
        var emailTail: [UInt8]
        var phone: [UInt8]?
        var problems: MappingProblems
        var presence: Presence
    }

    /// The program for one row: `where`, email, consent and phone, then the item into `arena`.
    func run(_ row: FieldRow, dedupeDate: Int, into arena: ByteArena) -> PackOutcome {
        for condition in plan.conditions where !row.holds(condition) {
            return .mapped(.filtered(detail: "where rule at \(condition.location) not met"))
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
        let normalized = rawEmail.map(EmailAddress.normalize)
        let emailCount = normalized?.utf8.count ?? ascii!.bytes.count

        // The email, then the item, written straight into the arena. Escaping at most sextuples a
        // value, but items are rarely more than twice their record: when one does not fit, again.
        var size = emailCount + 1024 + 2 * (row.fields.bytes.count + emailCount)
        var prepared: Prepared?
        while true {
            let room = arena.reserve(size)
            if var normalized {
                normalized.withUTF8 { if let source = $0.baseAddress { room.baseAddress!.update(from: source, count: emailCount) } }
            } else {
                ascii!.writeASCIILowercased(to: room.baseAddress!)
            }
            let email = UnsafeBufferPointer(rebasing: room[0..<emailCount])
            if prepared == nil {
                if let problem = EmailAddress.validate(bytes: email) {
                    return .mapped(.rejected(reason: problem.reason, detail: problem.detail, email: raw()))
                }
                switch prepare(row) {
                case .success(let ready): prepared = ready
                case .failure(let rejection):
                    return .mapped(.rejected(reason: rejection.reason, detail: rejection.detail, email: raw()))
                }
            }
            var state = prepared!
            var out = RowWriter(UnsafeMutableBufferPointer(rebasing: room[emailCount...]))
            write(row, email: email, state: &state, to: &out)
            if out.overflowed {
                size *= 2
                continue
            }
            if let rejection = state.problems.rejection {
                return .mapped(.rejected(reason: rejection.code, detail: rejection.detail, email: raw()))
            }
            for requirement in plan.requirements where !state.presence.names.contains(requirement.field) {
                return .mapped(.rejected(
                    reason: requirement.reason, detail: "required field '\(requirement.field)' is empty", email: raw()))
            }
            let item = UnsafeBufferPointer(rebasing: room[emailCount..<(emailCount + out.count)])
            var date: String?
            if dedupeDate >= 0 && dedupeDate < row.fields.count && !row.fields.isNull(dedupeDate) {
                date = String(decoding: row.fields[dedupeDate], as: UTF8.self)
            }
            if state.problems.warnings.isEmpty && date == nil {
                let start = arena.count
                arena.commit(emailCount + out.count)
                return .packed(PackedContact(
                    key: EmailKey(utf8: email), start: start, emailEnd: start + emailCount,
                    end: start + emailCount + out.count))
            }
            return .mapped(.contact(MappedContact(
                email: String(decoding: email, as: UTF8.self), json: Array(item), warnings: state.problems.warnings,
                dedupeDate: date)))
        }
    }

    /// Why a row is rejected before its item is written.
    struct RowRejection: Error {
        var reason: String
        var detail: String
    }

    /// The row's channels and phone: the envelope's variable parts, or the row's rejection.
    private func prepare(_ row: FieldRow) -> Result<Prepared, RowRejection> {
        var problems = MappingProblems()
        var presence = Presence(tracks: tracksPresence)
        let decision: ConsentPolicy.Decision
        var emailTail: [UInt8]
        switch constantChannel {
        case .send(let constant, let tail)?:
            decision = constant
            emailTail = tail
        case .reject(let reason, let detail)?:
            return .failure(RowRejection(reason: reason, detail: detail))
        case nil:
            switch emailConsent(row, problems: &problems) {
            case .send(let rowDecision): decision = rowDecision
            case .reject(let reason, let detail): return .failure(RowRejection(reason: reason, detail: detail))
            }
            emailTail = []
            Self.appendEmailChannel(
                decision, sendWelcomeMessage: plan.sendWelcomeMessage, apiVersion: apiVersion, to: &emailTail)
        }
        presence.mark("email")
        presence.mark("status")
        if plan.statusDate != nil && decision.date != nil && decision.date != ConsentPolicy.keepExistingDate {
            presence.mark("status_date")
        }

        var phoneBytes: [UInt8]?
        if let field = plan.phone, case .value(let v?) = row.evaluate(field.spec) {
            var phone: String?
            let text = TextOps.trim(v.joined())
            if !text.isEmpty {
                var code = field.defaultCountryCode
                if let country = field.country {
                    code = nil
                    if case .value(let c?) = row.evaluate(country), let alpha2 = CountryCodes.alpha2(for: c.joined()) {
                        code = CallingCodes.code(for: alpha2)
                    }
                }
                switch PhoneNumber.parse(text, defaultCountryCode: code) {
                case .e164(let e164):
                    phone = e164
                    presence.mark("phone")
                case .needsCountry:
                    problems.add("phone", "phone_country_unknown", field.onInvalid,
                        "a national number, and the row's country is not known (no calling code to put in front)")
                case .invalid:
                    problems.add("phone", "phone_invalid", field.onInvalid, "not a phone number that can be written in E.164")
                }
            }
            if let phone {
                switch consent(
                    status: field.smsStatus, constantStatus: nil, date: field.smsStatusDate, constantDate: nil,
                    isNow: field.smsStatusDateNow != nil, row: row, prefix: "sms_",
                    dateWire: "sms.\(apiVersion.statusDateKey)", problems: &problems)
                {
                case .send(let sms):
                    var bytes: [UInt8] = []
                    Self.appendPhone(phone, consent: sms, apiVersion: apiVersion, to: &bytes)
                    phoneBytes = bytes
                case .reject(let reason, let detail):
                    return .failure(RowRejection(reason: reason, detail: detail))
                }
            }
        }
        return .success(Prepared(emailTail: emailTail, phone: phoneBytes, problems: problems, presence: presence))
    }

    /// Writes the item of a row whose email and channels passed: the envelope, then each field,
    /// the tags and the custom properties, adding to `state`'s warnings and fields.
    private func write(_ row: FieldRow, email: UnsafeBufferPointer<UInt8>, state: inout Prepared, to out: inout RowWriter) {
        out.write(Self.envelopeHead)
        out.writeString(email)
        out.write(state.emailTail)
        if let phone = state.phone { out.write(phone) }
        out.write(UInt8(ascii: "]"))

        // Plain fields.
        for step in fields {
            let field = step.field
            var text: String?
            if case .column(let slot) = step.read, !row.hasLists {
                guard let bytes = row.bytes(slot) else { continue }
                let value = TrimmedField(bytes)
                if value.isEmpty { continue }
                if step.writesBytes && value.isTrimmed {
                    out.write(field.jsonKey)
                    out.writeString(value.bytes)
                    state.presence.mark(field.key)
                    continue
                }
                text = value.text
            } else {
                switch row.evaluate(field.spec) {
                case .value(let v?): text = TextOps.trim(v.joined())
                case .value(nil): text = nil
                case .invalid(let why): state.problems.add(field.wireName, "\(field.key)_invalid", field.onInvalid, why)
                }
            }
            guard let value = text, !value.isEmpty else { continue }
            switch Self.render(value, as: field) {
            case .invalid(let code, let detail):
                state.problems.add(field.wireName, code, field.onInvalid, detail)
            case .text(let rendered):
                out.write(field.jsonKey)
                out.writeString(rendered)
                state.presence.mark(field.key)
            }
        }

        writeTags(row, state: &state, to: &out)
        writeProperties(row, state: &state, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    private static let tagsKey = Array(",\"tags\":[".utf8)
    private static let propertiesKey = Array(",\"customProperties\":{".utf8)

    /// Writes `,"tags":[…]`: each source's items trimmed, with prefix and suffix, kept once, at
    /// most 100.
    private func writeTags(_ row: FieldRow, state: inout Prepared, to out: inout RowWriter) {
        if tags.isEmpty { return }
        // One source read as bytes (the usual case): at most one tag, no list to keep.
        if tags.count == 1, case .column(let slot) = tags[0].read, !row.hasLists {
            guard let bytes = row.bytes(slot) else { return }
            let value = TrimmedField(bytes)
            if value.isEmpty { return }
            func writeTag(_ value: UnsafeBufferPointer<UInt8>) {
                // Escaping the pieces apart gives the bytes of escaping them together: each is whole UTF-8.
                out.write(Self.tagsKey)
                out.write(UInt8(ascii: "\""))
                tags[0].prefix.withUnsafeBufferPointer { out.writeEscaped($0) }
                out.writeEscaped(value)
                tags[0].suffix.withUnsafeBufferPointer { out.writeEscaped($0) }
                out.write(UInt8(ascii: "\""))
                out.write(UInt8(ascii: "]"))
                state.presence.mark("tags")
            }
            if value.isTrimmed {
                writeTag(value.bytes)
            } else {
                var text = value.text
                if !text.isEmpty { text.withUTF8 { writeTag($0) } }
            }
            return
        }

        var list: [String] = []
        var seen = Set<String>()
        for step in tags {
            var items: [String]
            if case .column(let slot) = step.read, !row.hasLists {
                guard let bytes = row.bytes(slot) else { continue }
                items = [TrimmedField(bytes).text]
            } else {
                guard case .value(let v?) = row.evaluate(step.tag.spec) else { continue }
                items = v.items
                if let separator = step.tag.split {
                    items = items.flatMap { $0.split(separator: separator).map(String.init) }
                }
            }
            for item in items {
                let trimmed = TextOps.trim(item)
                if trimmed.isEmpty { continue }
                let full = step.tag.prefix + trimmed + step.tag.suffix
                // A linear scan beats hashing for the usual handful of tags.
                if list.count < 16 {
                    if !list.contains(full) { list.append(full) }
                } else if seen.isEmpty {
                    seen = Set(list)
                    if seen.insert(full).inserted { list.append(full) }
                } else if seen.insert(full).inserted {
                    list.append(full)
                }
            }
        }
        if list.count > 100 {
            state.problems.add(
                "tags", "tags_over_limit", plan.tagsOnInvalid, "\(list.count) tags; Omnisend accepts at most 100")
            list.removeLast(list.count - 100)
        }
        if list.isEmpty { return }
        out.write(Self.tagsKey)
        for (i, tag) in list.enumerated() {
            if i > 0 { out.write(UInt8(ascii: ",")) }
            out.writeString(tag)
        }
        out.write(UInt8(ascii: "]"))
        state.presence.mark("tags")
    }

    /// Writes `,"customProperties":{…}` with every property that has a valid value.
    private func writeProperties(_ row: FieldRow, state: inout Prepared, to out: inout RowWriter) {
        var opened = false
        func open() {
            if opened {
                out.write(UInt8(ascii: ","))
            } else {
                out.write(Self.propertiesKey)
                opened = true
            }
        }
        for step in properties {
            let property = step.property
            let value: MappingValue
            if case .column(let slot) = step.read, !row.hasLists {
                guard let bytes = row.bytes(slot) else { continue }
                let trimmed = TrimmedField(bytes)
                if trimmed.isEmpty { continue }
                if trimmed.isTrimmed {
                    let direct: Bool
                    switch step.direct {
                    case .string: direct = trimmed.bytes.count <= CustomPropertyWriter.maxStringCharacters
                    case .number: direct = NumberText.isCanonical(trimmed.bytes)
                    case .none: direct = false
                    }
                    if direct {
                        open()
                        out.write(step.key)
                        if case .string = step.direct { out.writeString(trimmed.bytes) } else { out.write(trimmed.bytes) }
                        state.presence.mark(step.presenceName)
                        continue
                    }
                }
                let text = trimmed.text
                if text.isEmpty { continue }
                value = .text(text)
            } else {
                switch row.evaluate(property.spec) {
                case .value(let v?): value = v
                case .value(nil): continue
                case .invalid(let why):
                    state.problems.add("customProperties.\(property.name)", "custom_property_invalid", property.onInvalid, why)
                    continue
                }
                if value.isBlank { continue }
            }
            var json: [UInt8] = []
            if case .invalid(let code, let detail) = CustomPropertyWriter.write(value, as: property, into: &json) {
                state.problems.add("customProperties.\(property.name)", code, property.onInvalid, detail)
                continue
            }
            open()
            out.write(step.key)
            out.write(json)
            state.presence.mark(step.presenceName)
        }
        if opened { out.write(UInt8(ascii: "}")) }
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
                return .invalid(code: "country_code_unknown", detail: "not a country name or ISO 3166 code")
            }
            return .text(code)
        case .gender:
            switch value.lowercased() {
            case "m", "male": return .text("m")
            case "f", "female": return .text("f")
            default: return .invalid(code: "gender_invalid", detail: "not m or f (map the source values with 'map')")
            }
        case .birthdate(let formats):
            guard let parts = formats.lazy.compactMap({ $0.parse(value) }).first else {
                return .invalid(code: "birthdate_invalid", detail: "not a date in the configured formats")
            }
            return .text(day.format(parts))
        }
    }

    private static let day = DatePattern("YYYY-MM-DD")!
}
