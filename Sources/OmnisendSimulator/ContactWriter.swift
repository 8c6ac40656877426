import Foundation
import GRDB

/// Upserts one valid contact body into the store with Omnisend's documented rules:
/// - a contact is found by its exact email (else by its phone when it has no email) and updated;
/// - an identifier that already belongs to another contact is ignored (and when it was the only
///   identifier, nothing is created);
/// - a channel's status and status date change only if the posted date is not older than the
///   stored one (a missing date means now), on every channel and for `statusDate` as for
///   `statusChangedAt`.
/// Top-level fields overwrite, `tags` are added to the stored ones, `customProperties` merge by name.
enum ContactWriter {
    /// What became of one contact body.
    enum Outcome: Equatable {
        case created(ContactRecord)
        case updated(ContactRecord)
        /// Every identifier belongs to other contacts.
        case ignored
    }

    /// Upserts `contact`. `fresh` (from ``fresh(_:now:)``, same `now`) saves rebuilding the
    /// document when the contact turns out to be new with every identifier kept.
    static func upsert(_ contact: [String: BodyJSON], brand: String, now: Date, in db: Database, fresh: FreshContact? = nil) throws -> Outcome {
        let identifiers = (contact["identifiers"]?.array ?? []).compactMap(\.object)
        let email = identifiers.first { $0["type"]?.string == "email" }?["id"]?.string
        let phone = identifiers.first { $0["type"]?.string == "phone" }?["id"]?.string
        var target: ContactRecord?
        if let email {
            target = try fetch(brand: brand, column: "email", value: email, in: db)
        } else if let phone {
            target = try fetch(brand: brand, column: "phone", value: phone, in: db)
        }
        // Identifiers owned by another contact are ignored.
        var kept: [[String: BodyJSON]] = []
        var keptPositions: [Int] = []
        var keptPhone: String?
        for (position, identifier) in identifiers.enumerated() {
            let type = identifier["type"]?.string
            let id = identifier["id"]?.string
            if type == "phone", let id {
                if let owner = try fetch(brand: brand, column: "phone", value: id, in: db), owner.rowID != target?.rowID { continue }
                if keptPhone != nil, keptPhone != id { continue }
                if let current = target?.phone, current != id { continue }
                keptPhone = id
            }
            if type == "email", let id, id != email { continue }
            kept.append(identifier)
            keptPositions.append(position)
        }
        if kept.isEmpty { return .ignored }

        let text: String
        if target == nil, let fresh, fresh.keptPositions == keptPositions {
            text = fresh.document
        } else {
            var document: [String: BodyJSON] = [:]
            if let target, let stored = BodyJSON.parse(target.document)?.object { document = stored }
            merge(contact, identifiers: kept, into: &document, now: now)
            text = BodyJSON.object(document).text
        }
        let stamp = now.timeIntervalSince1970
        if var target {
            target.document = text
            target.updatedAt = stamp
            if target.phone == nil { target.phone = keptPhone }
            try db.cachedStatement(sql: "UPDATE contact SET document = ?, phone = ?, updatedAt = ? WHERE id = ?")
                .execute(arguments: [text, target.phone, stamp, target.rowID])
            return .updated(target)
        }
        try db.cachedStatement(sql: "INSERT INTO contact(brand, email, phone, document, createdAt, updatedAt) VALUES (?,?,?,?,?,?)")
            .execute(arguments: [brand, email, keptPhone, text, stamp, stamp])
        return .created(ContactRecord(
            rowID: db.lastInsertedRowID, brand: brand, email: email, phone: keptPhone, document: text, createdAt: stamp, updatedAt: stamp))
    }

    /// The document `contact` gets as a new contact whose identifiers nobody else owns: the
    /// identifier rules that need no database (the first email, the first phone), then the merge.
    static func fresh(_ contact: [String: BodyJSON], now: Date) -> FreshContact {
        let identifiers = (contact["identifiers"]?.array ?? []).compactMap(\.object)
        let email = identifiers.first { $0["type"]?.string == "email" }?["id"]?.string
        var kept: [[String: BodyJSON]] = []
        var keptPositions: [Int] = []
        var keptPhone: String?
        for (position, identifier) in identifiers.enumerated() {
            let type = identifier["type"]?.string
            let id = identifier["id"]?.string
            if type == "phone", let id {
                if keptPhone != nil, keptPhone != id { continue }
                keptPhone = id
            }
            if type == "email", let id, id != email { continue }
            kept.append(identifier)
            keptPositions.append(position)
        }
        var document: [String: BodyJSON] = [:]
        merge(contact, identifiers: kept, into: &document, now: now)
        return FreshContact(keptPositions: keptPositions, document: BodyJSON.object(document).text)
    }

    static func fetch(brand: String, column: String, value: String, in db: Database) throws -> ContactRecord? {
        let sql = column == "email"
            ? "SELECT * FROM contact WHERE brand = ? AND email = ?"
            : "SELECT * FROM contact WHERE brand = ? AND phone = ?"
        return try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [brand, value]).map(record)
    }

    static func record(_ row: Row) -> ContactRecord {
        ContactRecord(
            rowID: row["id"], brand: row["brand"], email: row["email"], phone: row["phone"], document: row["document"],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }

    private static func merge(
        _ contact: [String: BodyJSON], identifiers: [[String: BodyJSON]], into document: inout [String: BodyJSON], now: Date
    ) {
        for (key, value) in contact {
            switch key {
            case "identifiers":
                continue
            case "tags":
                var tags = document["tags"]?.array ?? []
                for tag in value.array ?? [] where !tags.contains(tag) { tags.append(tag) }
                document["tags"] = .array(tags)
            case "customProperties":
                var properties = document["customProperties"]?.object ?? [:]
                for (name, property) in value.object ?? [:] { properties[name] = property }
                document["customProperties"] = .object(properties)
            case "createdAt":
                var properties = document["customProperties"]?.object ?? [:]
                properties["externalCreated"] = value
                document["customProperties"] = .object(properties)
            default:
                document[key] = value
            }
        }
        var stored = (document["identifiers"]?.array ?? []).compactMap(\.object)
        for identifier in identifiers {
            let type = identifier["type"]?.string
            let id = identifier["id"]?.string
            let position = stored.firstIndex { $0["type"]?.string == type && $0["id"]?.string == id }
            var target = position.map { stored[$0] } ?? ["type": .string(type ?? "email"), "id": .string(id ?? "")]
            var channels = target["channels"]?.object ?? [:]
            for (name, value) in identifier["channels"]?.object ?? [:] {
                channels[name] = .object(mergeChannel(value.object ?? [:], over: channels[name]?.object, now: now))
            }
            target["channels"] = .object(channels)
            for key in ["sendWelcomeMessage", "source", "consent"] where identifier[key] != nil {
                target[key] = identifier[key]
            }
            if let position { stored[position] = target } else { stored.append(target) }
        }
        document["identifiers"] = .array(stored.map(BodyJSON.object))
    }

    /// The documented rule: "If you post status date earlier than in system, status and statusDate won't be changed."
    /// It applies to every channel (`email`, `sms`) and both date keys: `statusDate` (v3, v5) and
    /// `statusChangedAt` (2026-03-15); a missing date means now. The date is stored under the key
    /// it was posted with (the stored key when none was posted).
    private static func mergeChannel(_ posted: [String: BodyJSON], over stored: [String: BodyJSON]?, now: Date) -> [String: BodyJSON] {
        let postedKey = posted["statusChangedAt"] != nil ? "statusChangedAt" : posted["statusDate"] != nil ? "statusDate" : nil
        let postedDate = postedKey.flatMap { posted[$0]?.string }.flatMap(DateText.parseTimestamp) ?? now
        let storedKey = stored?["statusChangedAt"] != nil ? "statusChangedAt" : "statusDate"
        if let stored, let storedDate = stored[storedKey]?.string.flatMap(DateText.parseTimestamp), postedDate < storedDate {
            return stored
        }
        return [
            "status": .string(posted["status"]?.string ?? "subscribed"),
            postedKey ?? (stored == nil ? "statusDate" : storedKey): .string(DateText.format(postedDate)),
        ]
    }
}
