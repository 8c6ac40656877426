import Foundation
import GRDB

/// Upserts one valid contact body into the store with Omnisend's documented rules:
/// - a contact is found by its exact email (else by its phone when it has no email) and updated;
/// - an identifier that already belongs to another contact is ignored (and when it was the only
///   identifier, nothing is created);
/// - a channel's status and status date change only if the posted date is not older than the
///   stored one (a missing date means now).
/// Top-level fields overwrite, `tags` are added to the stored ones, `customProperties` merge by name.
enum ContactWriter {
    /// What became of one contact body.
    enum Outcome: Equatable {
        case created(ContactRecord)
        case updated(ContactRecord)
        /// Every identifier belongs to other contacts.
        case ignored
    }

    static func upsert(_ contact: [String: Any], brand: String, now: Date, in db: Database) throws -> Outcome {
        let identifiers = (contact["identifiers"] as? [[String: Any]]) ?? []
        let email = identifiers.first { $0["type"] as? String == "email" }?["id"] as? String
        let phone = identifiers.first { $0["type"] as? String == "phone" }?["id"] as? String
        var target: ContactRecord?
        if let email {
            target = try fetch(brand: brand, column: "email", value: email, in: db)
        } else if let phone {
            target = try fetch(brand: brand, column: "phone", value: phone, in: db)
        }
        // Identifiers owned by another contact are ignored.
        var kept: [[String: Any]] = []
        var keptPhone: String?
        for identifier in identifiers {
            let type = identifier["type"] as? String
            let id = identifier["id"] as? String
            if type == "phone", let id {
                if let owner = try fetch(brand: brand, column: "phone", value: id, in: db), owner.rowID != target?.rowID { continue }
                if keptPhone != nil, keptPhone != id { continue }
                if let current = target?.phone, current != id { continue }
                keptPhone = id
            }
            if type == "email", let id, id != email { continue }
            kept.append(identifier)
        }
        if kept.isEmpty { return .ignored }

        var document: [String: Any] = [:]
        if let target, let stored = JSONText.parse(target.document) as? [String: Any] { document = stored }
        merge(contact, identifiers: kept, into: &document, now: now)
        let text = JSONText.serialize(document)
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

    private static func merge(_ contact: [String: Any], identifiers: [[String: Any]], into document: inout [String: Any], now: Date) {
        for (key, value) in contact {
            switch key {
            case "identifiers":
                continue
            case "tags":
                var tags = (document["tags"] as? [String]) ?? []
                for tag in (value as? [String]) ?? [] where !tags.contains(tag) { tags.append(tag) }
                document["tags"] = tags
            case "customProperties":
                var properties = (document["customProperties"] as? [String: Any]) ?? [:]
                for (name, property) in (value as? [String: Any]) ?? [:] { properties[name] = property }
                document["customProperties"] = properties
            case "createdAt":
                var properties = (document["customProperties"] as? [String: Any]) ?? [:]
                properties["externalCreated"] = value
                document["customProperties"] = properties
            default:
                document[key] = value
            }
        }
        var stored = (document["identifiers"] as? [[String: Any]]) ?? []
        for identifier in identifiers {
            let type = identifier["type"] as? String
            let id = identifier["id"] as? String
            let position = stored.firstIndex { $0["type"] as? String == type && $0["id"] as? String == id }
            var target = position.map { stored[$0] } ?? ["type": type ?? "email", "id": id ?? ""]
            var channels = (target["channels"] as? [String: Any]) ?? [:]
            for (name, value) in (identifier["channels"] as? [String: Any]) ?? [:] {
                channels[name] = mergeChannel(value as? [String: Any] ?? [:], over: channels[name] as? [String: Any], now: now)
            }
            target["channels"] = channels
            for key in ["sendWelcomeMessage", "source", "consent"] where identifier[key] != nil {
                target[key] = identifier[key]
            }
            if let position { stored[position] = target } else { stored.append(target) }
        }
        document["identifiers"] = stored
    }

    /// The documented rule: "If you post status date earlier than in system, status and statusDate won't be changed."
    private static func mergeChannel(_ posted: [String: Any], over stored: [String: Any]?, now: Date) -> [String: Any] {
        let postedText = (posted["statusDate"] as? String) ?? (posted["statusChangedAt"] as? String)
        let postedDate = postedText.flatMap(DateText.parseTimestamp) ?? now
        if let stored, let storedDate = (stored["statusDate"] as? String).flatMap(DateText.parseTimestamp), postedDate < storedDate {
            return stored
        }
        return [
            "status": (posted["status"] as? String) ?? "subscribed",
            "statusDate": DateText.format(postedDate),
        ]
    }
}
