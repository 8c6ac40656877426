/// Validates one contact body (a `POST /contacts` body or one batch item) as Omnisend does:
/// identifiers and channels required, status enum, email and phone syntax, countryCode length,
/// gender, birthdate format, tag and custom-property limits. Returns every problem at once.
enum ContactValidator {
    static let statuses: Set<String> = ["subscribed", "unsubscribed", "nonSubscribed", "nonsubscribed"]
    static let stringFields = ["firstName", "lastName", "country", "state", "city", "address", "postalCode"]
    static let maxTags = 100
    static let maxCustomProperties = 200
    static let maxCustomPropertyName = 128
    static let maxCustomStringValue = 2048

    static func validate(_ body: BodyJSON, version: SimulatorAPIVersion) -> [FieldProblem] {
        guard let contact = body.object else {
            return [FieldProblem(field: "body", code: "invalid_type", message: "must be a JSON object")]
        }
        var problems: [FieldProblem] = []
        validateIdentifiers(contact["identifiers"], version: version, into: &problems)
        for name in stringFields where contact[name] != nil && contact[name]?.string == nil {
            problems.append(FieldProblem(field: name, code: "invalid_type", message: "must be a string"))
        }
        if let value = contact["countryCode"] {
            if let code = value.string, code.utf8.count == 2, code.utf8.allSatisfy(isASCIILetter) {
            } else {
                problems.append(FieldProblem(field: "countryCode", code: "invalid_format", message: "must be an ISO 3166-1 alpha-2 code (2 letters)"))
            }
        }
        if let value = contact["gender"], !(value.string.map { $0 == "m" || $0 == "f" } ?? false) {
            problems.append(FieldProblem(field: "gender", code: "invalid_value", message: "can't be this value. Available values: m,f"))
        }
        if let value = contact["birthdate"], value.string.flatMap(DateText.parseDay) == nil {
            problems.append(FieldProblem(field: "birthdate", code: "invalid_format", message: "must be a date in YYYY-MM-DD format"))
        }
        validateTags(contact["tags"], into: &problems)
        validateCustomProperties(contact["customProperties"], into: &problems)
        return problems
    }

    private static func validateIdentifiers(_ value: BodyJSON?, version: SimulatorAPIVersion, into problems: inout [FieldProblem]) {
        guard let value else {
            problems.append(FieldProblem(field: "identifiers", code: "required", message: "field required but not found in Json"))
            return
        }
        guard let identifiers = value.array, !identifiers.isEmpty else {
            problems.append(FieldProblem(field: "identifiers", code: "invalid_type", message: "must be a non-empty array"))
            return
        }
        for (index, element) in identifiers.enumerated() {
            // Paths are built only for problems: a million valid items a run need none.
            func path() -> String { "identifiers[\(index)]" }
            guard let identifier = element.object else {
                problems.append(FieldProblem(field: path(), code: "invalid_type", message: "must be an object"))
                continue
            }
            let type = identifier["type"]?.string
            if type != "email" && type != "phone" {
                problems.append(FieldProblem(field: "\(path()).type", code: identifier["type"] == nil ? "required" : "invalid_value",
                                             message: "can't be this value. Available values: email,phone"))
            }
            if let id = identifier["id"]?.string, !id.isEmpty {
                if type == "email" && !isValidEmail(id) {
                    problems.append(FieldProblem(field: "\(path()).id", code: "invalid_format", message: "is not a valid email address"))
                }
                if type == "phone" && !isValidPhone(id) {
                    problems.append(FieldProblem(field: "\(path()).id", code: "invalid_format", message: "must be a phone number in E.164 format"))
                }
            } else {
                problems.append(FieldProblem(field: "\(path()).id", code: "required", message: "field required but not found in Json"))
            }
            if let welcome = identifier["sendWelcomeMessage"], !welcome.isBool {
                problems.append(FieldProblem(field: "\(path()).sendWelcomeMessage", code: "invalid_type", message: "must be a boolean"))
            }
            guard let channelsValue = identifier["channels"] else {
                problems.append(FieldProblem(field: "\(path()).channels", code: "required", message: "field required but not found in Json"))
                continue
            }
            guard let channels = channelsValue.object else {
                problems.append(FieldProblem(field: "\(path()).channels", code: "invalid_type", message: "must be an object"))
                continue
            }
            let needed = type == "phone" ? "sms" : "email"
            if (type == "email" || type == "phone") && channels[needed] == nil {
                problems.append(FieldProblem(field: "\(path()).channels.\(needed)", code: "required", message: "field required but not found in Json"))
            }
            // In name order when there are problems; unsorted (no copy) while there are none.
            var found: [FieldProblem] = []
            for (name, channelValue) in channels { validateChannel(name, channelValue, path: path, into: &found) }
            if !found.isEmpty {
                for (name, channelValue) in channels.sorted(by: { $0.key < $1.key }) {
                    validateChannel(name, channelValue, path: path, into: &problems)
                }
            }
        }
    }

    private static func validateChannel(
        _ name: String, _ value: BodyJSON, path: () -> String, into problems: inout [FieldProblem]
    ) {
        func channelPath() -> String { "\(path()).channels.\(name)" }
        guard name == "email" || name == "sms" else {
            problems.append(FieldProblem(field: channelPath(), code: "invalid_value", message: "unknown channel. Available channels: email,sms"))
            return
        }
        guard let channel = value.object else {
            problems.append(FieldProblem(field: channelPath(), code: "invalid_type", message: "must be an object"))
            return
        }
        if let status = channel["status"] {
            if !(status.string.map(statuses.contains) ?? false) {
                problems.append(FieldProblem(field: "\(channelPath()).status", code: "invalid_value",
                                             message: "can't be this value. Available values: subscribed,nonsubscribed,nonSubscribed,unsubscribed"))
            }
        }
        if let date = channel["statusDate"], date.string.flatMap(DateText.parseTimestamp) == nil {
            problems.append(FieldProblem(field: "\(channelPath()).statusDate", code: "invalid_format", message: "must be an ISO 8601 date-time"))
        }
        if let date = channel["statusChangedAt"], date.string.flatMap(DateText.parseTimestamp) == nil {
            problems.append(FieldProblem(field: "\(channelPath()).statusChangedAt", code: "invalid_format", message: "must be an ISO 8601 date-time"))
        }
    }

    private static func validateTags(_ value: BodyJSON?, into problems: inout [FieldProblem]) {
        guard let value else { return }
        guard let tags = value.array, tags.allSatisfy({ $0.string != nil }) else {
            problems.append(FieldProblem(field: "tags", code: "invalid_type", message: "must be an array of strings"))
            return
        }
        if tags.count > maxTags {
            problems.append(FieldProblem(field: "tags", code: "too_many", message: "at most \(maxTags) tags are allowed"))
        }
    }

    private static func validateCustomProperties(_ value: BodyJSON?, into problems: inout [FieldProblem]) {
        guard let value else { return }
        guard let properties = value.object else {
            problems.append(FieldProblem(field: "customProperties", code: "invalid_type", message: "must be an object"))
            return
        }
        if properties.count > maxCustomProperties {
            problems.append(FieldProblem(field: "customProperties", code: "too_many", message: "at most \(maxCustomProperties) custom properties are allowed"))
        }
        // In name order when there are problems; unsorted (no copy) while there are none.
        var found: [FieldProblem] = []
        for (name, property) in properties { validateCustomProperty(name, property, into: &found) }
        if !found.isEmpty {
            for (name, property) in properties.sorted(by: { $0.key < $1.key }) { validateCustomProperty(name, property, into: &problems) }
        }
    }

    private static func validateCustomProperty(_ name: String, _ property: BodyJSON, into problems: inout [FieldProblem]) {
        func path() -> String { "customProperties.\(name.utf8.count <= maxCustomPropertyName ? name : String(name.prefix(32)) + "…")" }
        if name.isEmpty || name.utf8.count > maxCustomPropertyName || !name.utf8.allSatisfy({ isASCIILetter($0) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
            problems.append(FieldProblem(field: path(), code: "invalid_format", message: "names may hold only Latin letters, digits and _ (1-128 characters)"))
        }
        switch property {
        case .string(let text):
            if text.utf8.count > maxCustomStringValue {
                problems.append(FieldProblem(field: path(), code: "too_long", message: "string values are limited to \(maxCustomStringValue) characters"))
            }
        case .array(let list):
            if !list.allSatisfy({ $0.string != nil }) {
                problems.append(FieldProblem(field: path(), code: "invalid_type", message: "arrays may hold only strings"))
            }
        case .number, .bool:
            break
        case .null, .object:
            problems.append(FieldProblem(field: path(), code: "invalid_type", message: "must be a string, number, boolean or array of strings"))
        }
    }

    static func isValidEmail(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: 64), at > 0, at < bytes.count - 1,
            bytes.lastIndex(of: 64) == at
        else { return false }
        for byte in bytes where byte <= 32 || byte == 127 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") {
            return false
        }
        let domain = bytes[(at + 1)...]
        guard let dot = domain.lastIndex(of: UInt8(ascii: ".")), dot > domain.startIndex, dot < bytes.count - 1,
            domain.first != UInt8(ascii: "."), !domain.contains(where: { $0 == UInt8(ascii: "@") })
        else { return false }
        var previous: UInt8 = 0
        for byte in domain {
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return true
    }

    static func isValidPhone(_ phone: String) -> Bool {
        let bytes = Array(phone.utf8)
        guard bytes.count >= 8, bytes.count <= 16, bytes[0] == UInt8(ascii: "+"), bytes[1] != UInt8(ascii: "0") else { return false }
        return bytes.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
