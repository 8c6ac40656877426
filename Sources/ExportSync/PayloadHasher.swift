import Crypto
import ExportCore
import ExportFormats

/// What the destination state keeps of one contact item: its email, the hash of its payload
/// without the values that change every run, and its channels' consent.
public struct PayloadDigest: Sendable, Equatable {
    /// The item's email as `ContactItem.email(of:)` reads it (the email identifier's `id`, normalised
    /// by the mapper), or `nil` for an item without one.
    public var email: String?
    /// SHA-256 of the canonical payload (keys sorted, volatile values left out).
    public var hash: [UInt8]
    /// The consent sent per channel (`email`, `sms`): status and status date.
    public var channels: [String: DestinationStateLine.Channel]

    /// The hash as lowercase hex (how the state file and `state export` hold it).
    public var hashHex: String { Self.hex(hash) }

    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Hashes contact items (the JSON objects of a chunk) for the destination state.
///
/// The hash leaves out what changes every run without a change in the person: the fields the
/// mapping fills from `source: run_date`, `input_file`, `row_number` and `line`, and status dates
/// set to `now`. Prepare takes that list from the mapping plan (`MappingPlan.volatileFields`) and
/// writes it to the manifest, and the upload's recorder reads it from there, so both hash the same
/// way whatever the mapping engine does. Paths: `firstName` (a top-level field),
/// `customProperties.NAME`, `emailStatusDate`, `smsStatusDate`, `tags:PREFIX` (tags that start
/// with the prefix of a volatile tag source).
///
/// The hash is taken over the item's bytes with the volatile members cut out
/// (`PayloadHasher+Bytes`), without parsing; only when status dates are volatile (they sit deep
/// in `identifiers`) is the item parsed and hashed in a canonical form with its keys sorted.
public struct PayloadHasher: Sendable {
    private let topLevel: Set<String>
    private let customProperties: Set<String>
    private let emailStatusDate: Bool
    private let smsStatusDate: Bool
    private let tagPrefixes: [String]
    let topLevelBytes: [[UInt8]]
    let customPropertyBytes: [[UInt8]]
    /// The tag prefixes as they appear inside a JSON string (escaped).
    let tagPrefixBytes: [[UInt8]]
    /// Whether the hash needs the parsed item (volatile status dates).
    let parsesForHash: Bool
    /// Whether nothing is volatile: the hash is then taken over the item's bytes as they are
    /// (compact JSON, which is what cutting nothing out of it would give, byte for byte).
    let stripsNothing: Bool

    /// A hasher that leaves out `volatileFields` (paths, as above).
    public init(volatileFields: [String]) {
        var top = Set<String>()
        var properties = Set<String>()
        var email = false
        var sms = false
        var prefixes: [String] = []
        for path in volatileFields {
            if path == "emailStatusDate" { email = true }
            else if path == "smsStatusDate" { sms = true }
            else if path.hasPrefix("tags:") { prefixes.append(String(path.dropFirst(5))) }
            else if path.hasPrefix("customProperties.") { properties.insert(String(path.dropFirst("customProperties.".count))) }
            else { top.insert(path) }
        }
        topLevel = top
        customProperties = properties
        emailStatusDate = email
        smsStatusDate = sms
        tagPrefixes = prefixes
        topLevelBytes = top.sorted().map { Array($0.utf8) }
        customPropertyBytes = properties.sorted().map { Array($0.utf8) }
        tagPrefixBytes = prefixes.map { prefix in
            var escaped: [UInt8] = []
            JSONText.appendString(prefix, to: &escaped)
            return Array(escaped.dropFirst().dropLast())
        }
        parsesForHash = email || sms
        stripsNothing = top.isEmpty && properties.isEmpty && prefixes.isEmpty && !parsesForHash
    }

    /// The payload hash of one item's JSON bytes (what the diff compares).
    /// - Parameter scratch: a buffer reused from call to call.
    /// - Throws: `ExportError.corruptInput` when the bytes are not one JSON object.
    public func hash(_ item: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) throws -> [UInt8] {
        if parsesForHash { return try digest(UnsafeRawBufferPointer(item)).hash }
        return try byteHash(item, scratch: &scratch)
    }

    /// The digest of one item's JSON bytes.
    /// - Throws: `ExportError.corruptInput` when the bytes are not one JSON object.
    public func digest(_ item: UnsafeRawBufferPointer) throws -> PayloadDigest {
        guard case .object(let object)? = try? JSONValueParser.parse(item) else {
            throw ExportError(.corruptInput, "a contact item is not a JSON object")
        }
        var digest = canonical(object)
        if !parsesForHash {
            var scratch: [UInt8] = []
            digest.hash = try byteHash(item.assumingMemoryBound(to: UInt8.self), scratch: &scratch)
        }
        return digest
    }

    /// The digest of one item's JSON bytes.
    public func digest(_ item: [UInt8]) throws -> PayloadDigest {
        try item.withUnsafeBytes { try digest($0) }
    }

    /// The email and channels of one parsed item, with the hash of its canonical form (keys
    /// sorted, volatile values left out).
    func canonical(_ object: JSONObject) -> PayloadDigest {
        var channels: [String: DestinationStateLine.Channel] = [:]
        var stable = JSONObject()
        for (key, value) in zip(object.keys, object.values) {
            if topLevel.contains(key) { continue }
            stable.keys.append(key)
            switch (key, value) {
            case ("customProperties", .object(let properties)):
                var kept = JSONObject()
                for (name, property) in zip(properties.keys, properties.values) where !customProperties.contains(name) {
                    kept.keys.append(name)
                    kept.values.append(property)
                }
                stable.values.append(.object(kept))
            case ("tags", .array(let tags)):
                stable.values.append(.array(tags.filter { tag in
                    guard case .string(let text) = tag else { return true }
                    return !tagPrefixes.contains { text.hasPrefix($0) }
                }))
            case ("identifiers", .array(let identifiers)):
                var kept: [FieldValue] = []
                for identifier in identifiers {
                    guard case .object(let entry) = identifier else {
                        kept.append(identifier)
                        continue
                    }
                    kept.append(.object(stripChannels(entry, into: &channels)))
                }
                stable.values.append(.array(kept))
            default:
                stable.values.append(value)
            }
        }
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        Self.write(.object(stable), to: &canonical)
        return PayloadDigest(
            email: ContactItem.email(of: object), hash: Array(SHA256.hash(data: canonical)), channels: channels)
    }

    /// The identifier without its volatile channel dates; the channels' consent goes to `channels`.
    private func stripChannels(_ entry: JSONObject, into channels: inout [String: DestinationStateLine.Channel]) -> JSONObject {
        guard case .object(let byName)? = entry["channels"] else { return entry }
        var keptChannels = JSONObject()
        for (name, channel) in zip(byName.keys, byName.values) {
            guard case .object(let fields) = channel else {
                keptChannels.keys.append(name)
                keptChannels.values.append(channel)
                continue
            }
            var status: String?
            var date: String?
            var keptFields = JSONObject()
            let volatileDate = name == "email" ? emailStatusDate : (name == "sms" ? smsStatusDate : false)
            for (field, value) in zip(fields.keys, fields.values) {
                let isDate = field == "statusDate" || field == "statusChangedAt"
                if field == "status", case .string(let text) = value { status = text }
                if isDate, case .string(let text) = value { date = text }
                if isDate && volatileDate { continue }
                keptFields.keys.append(field)
                keptFields.values.append(value)
            }
            if let status { channels[name] = DestinationStateLine.Channel(status: status, statusDate: date) }
            keptChannels.keys.append(name)
            keptChannels.values.append(.object(keptFields))
        }
        var out = JSONObject()
        for (key, value) in zip(entry.keys, entry.values) {
            out.keys.append(key)
            out.values.append(key == "channels" ? .object(keptChannels) : value)
        }
        return out
    }

    /// Canonical JSON: object keys sorted (bytewise), no whitespace, strings escaped minimally.
    static func write(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text): writeString(text, to: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let order = object.keys.indices.sorted { object.keys[$0].utf8.lexicographicallyPrecedes(object.keys[$1].utf8) }
            for (n, index) in order.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeString(object.keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                write(object.values[index], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                let digits = Array("0123456789abcdef".utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
