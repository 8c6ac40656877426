import ExportUpload
import Foundation

/// One field whose stored value differs from the one sent, with both values as JSON text
/// (nil: absent). Channel statuses read `status date` (`subscribed 2024-01-01T00:00:00Z`).
public struct FieldDifference: Sendable, Equatable {
    /// The field: `firstName`, `tags`, `customProperties.vip`, `identifiers.channels.email.status`.
    public var field: String
    /// The value sent, nil when none was.
    public var sent: String?
    /// The value stored, nil when Omnisend holds none.
    public var stored: String?

    /// Creates a difference.
    public init(field: String, sent: String?, stored: String?) {
        self.field = field
        self.sent = sent
        self.stored = stored
    }
}

/// Compares one sent contact item with the contact Omnisend stored, as Omnisend merges:
/// - top-level fields must be equal (`identifiers` and `sendWelcomeMessage` aside);
/// - `tags` are added to the stored ones, so only a sent tag the contact lacks is a difference;
/// - `customProperties` merge by name, so each sent property is compared on its own, and a sent
///   `createdAt` is stored as the property `externalCreated`;
/// - a channel status (email, SMS) differs only when the stored one should have been replaced:
///   Omnisend keeps a status whose stored date is later than the one sent ("If you post status
///   date earlier than in system, status and statusDate won't be changed"), which is how a
///   status is kept on purpose (`ConsentPolicy.keepExistingDate`).
enum ContactComparison {
    /// The differences, sorted by field.
    static func differences(sent: [String: Any], stored: [String: Any], email: String) -> [FieldDifference] {
        var out: [FieldDifference] = []
        let text = BatchResults.json
        let storedProperties = stored["customProperties"] as? [String: Any] ?? [:]
        for (key, value) in sent {
            switch key {
            case "identifiers", "sendWelcomeMessage":
                continue
            case "tags":
                let storedTags = Set((stored["tags"] as? [Any] ?? []).map(text))
                if !(value as? [Any] ?? []).allSatisfy({ storedTags.contains(text($0)) }) {
                    out.append(FieldDifference(field: key, sent: text(value), stored: stored["tags"].map(text)))
                }
            case "customProperties":
                for (name, property) in value as? [String: Any] ?? [:] where !same(property, storedProperties[name]) {
                    out.append(FieldDifference(field: "customProperties.\(name)", sent: text(property), stored: storedProperties[name].map(text)))
                }
            case "createdAt":
                let external = storedProperties["externalCreated"]
                if !same(value, external) {
                    out.append(FieldDifference(field: "customProperties.externalCreated", sent: text(value), stored: external.map(text)))
                }
            default:
                if !same(value, stored[key]) { out.append(FieldDifference(field: key, sent: text(value), stored: stored[key].map(text))) }
            }
        }
        for (type, channel) in [("email", "email"), ("phone", "sms")] {
            guard let posted = channelState(sent, type: type, channel: channel, email: email) else { continue }
            let kept = channelState(stored, type: type, channel: channel, email: email)
            // A phone the stored contact lacks was owned by another contact: not a status matter.
            if type == "phone" && kept == nil { continue }
            if kept?.status == posted.status { continue }
            if let postedDate = posted.dateText.flatMap(parseDate), let keptDate = kept?.dateText.flatMap(parseDate), postedDate < keptDate { continue }
            out.append(FieldDifference(field: "identifiers.channels.\(channel).status", sent: posted.text, stored: kept?.text))
        }
        return out.sorted { $0.field < $1.field }
    }

    /// Whether a channel sent with a real decision date (not `ConsentPolicy.keepExistingDate`)
    /// has a different stored status with a later date: Omnisend kept its later decision.
    static func statusesKeptByDateRule(sent: [String: Any], stored: [String: Any], email: String) -> Bool {
        for (type, channel) in [("email", "email"), ("phone", "sms")] {
            guard let posted = channelState(sent, type: type, channel: channel, email: email),
                let kept = channelState(stored, type: type, channel: channel, email: email),
                kept.status != posted.status, let postedDate = posted.dateText.flatMap(parseDate),
                let keptDate = kept.dateText.flatMap(parseDate), postedDate < keptDate,
                postedDate > Date(timeIntervalSince1970: 0)
            else { continue }
            return true
        }
        return false
    }

    /// Whether a sent value equals the stored one: strings directly (most fields), anything
    /// else as canonical JSON text.
    private static func same(_ sent: Any, _ stored: Any?) -> Bool {
        guard let stored else { return false }
        if let left = sent as? String, let right = stored as? String { return left == right }
        return BatchResults.json(sent) == BatchResults.json(stored)
    }

    /// The status and date text (`statusDate` or `statusChangedAt`; parsed only when statuses
    /// differ) of one channel of an identifier: the email identifier `email`, or the first phone
    /// identifier.
    private static func channelState(
        _ object: [String: Any], type: String, channel: String, email: String
    ) -> (status: String?, dateText: String?, text: String)? {
        for identifier in (object["identifiers"] as? [[String: Any]]) ?? [] where identifier["type"] as? String == type {
            if type == "email" && identifier["id"] as? String != email { continue }
            guard let state = (identifier["channels"] as? [String: Any])?[channel] as? [String: Any] else { return nil }
            let dateText = (state["statusDate"] ?? state["statusChangedAt"]) as? String
            let status = state["status"] as? String
            let text = [status ?? "(no status)", dateText].compactMap { $0 }.joined(separator: " ")
            return (status, dateText, text)
        }
        return nil
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
