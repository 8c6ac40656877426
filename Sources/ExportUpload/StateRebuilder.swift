import ExportCore
import Foundation

/// `state rebuild`: turns a destination's stored contacts, read page by page, into
/// ``DestinationStateLine``s (origin `rebuild`) handed to a sink: a file, stdout, or the
/// destination state store.
///
/// Stored contacts are what Omnisend merged, not our payloads, so every line's `payloadHash` is
/// nil: the next run sends each contact once and records its hash. Membership and the consent
/// per channel (status and status date) are restored.
public enum StateRebuilder {
    /// What a rebuild read and produced.
    public struct Summary: Sendable, Equatable {
        /// Contacts read from the destination.
        public var contactsRead = 0
        /// Lines handed to the sink.
        public var lines = 0
        /// Contacts without an email identifier (phone-only contacts: the state is keyed by email).
        public var withoutEmail = 0
        /// Requests sent.
        public var requests = 0
    }

    /// Reads every page from `query` (the first page when nil) and hands each contact's line to
    /// `sink`; after each page's lines, `afterPage` gets the query of the next page (nil after
    /// the last) and how many contacts were read so far, for a resumable caller to save.
    /// - Parameter readAt: the `acceptedAt` of every line (ISO 8601 UTC; the time of the read).
    public static func rebuild(
        reader: ContactPageReader, from query: String? = nil, readAt: String,
        sink: (DestinationStateLine) throws -> Void,
        afterPage: (_ nextQuery: String?, _ contactsRead: Int) throws -> Void = { _, _ in }
    ) async throws -> Summary {
        var summary = Summary()
        let read = try await reader.read(from: query) { contacts, nextQuery in
            for contact in contacts {
                summary.contactsRead += 1
                guard let line = line(of: contact, readAt: readAt) else {
                    summary.withoutEmail += 1
                    continue
                }
                try sink(line)
                summary.lines += 1
            }
            try afterPage(nextQuery, summary.contactsRead)
        }
        summary.requests = read.requests
        return summary
    }

    /// The state line of one stored contact; nil when it has no email.
    ///
    /// The email is the email identifier's id (else the 2026 read-only `email`), normalised as
    /// prepare normalises. Channels: `email` from that identifier, `sms` from the first phone
    /// identifier, each with `statusDate` (v3, v5) or `statusChangedAt` (2026-03-15); when an
    /// identifier carries no channels, the 2026 `statuses` list fills in.
    public static func line(of contact: JSONObject, readAt: String) -> DestinationStateLine? {
        guard let email = ContactItem.email(of: contact) else { return nil }
        let normalized = EmailNormalizer.normalize(email)
        guard !normalized.isEmpty else { return nil }
        var channels: [String: DestinationStateLine.Channel] = [:]
        if case .array(let identifiers)? = contact["identifiers"] {
            for case .object(let identifier) in identifiers {
                let type = identifier["type"]?.text
                let channelName = type == "email" ? "email" : type == "phone" ? "sms" : nil
                guard let channelName, channels[channelName] == nil else { continue }
                if type == "email", identifier["id"]?.text != email { continue }
                if case .object(let all)? = identifier["channels"], case .object(let state)? = all[channelName],
                    let status = state["status"]?.text
                {
                    channels[channelName] = .init(status: status, statusDate: (state["statusDate"] ?? state["statusChangedAt"])?.text)
                }
            }
        }
        if case .array(let statuses)? = contact["statuses"] {
            for case .object(let entry) in statuses {
                guard let channel = entry["channel"]?.text, channels[channel] == nil, let status = entry["status"]?.text else { continue }
                channels[channel] = .init(status: status, statusDate: (entry["statusChangedAt"] ?? entry["statusDate"])?.text)
            }
        }
        return DestinationStateLine(email: normalized, payloadHash: nil, channels: channels, acceptedAt: readAt, run: nil, origin: "rebuild")
    }

    /// `date` as ISO 8601 UTC with seconds (`2026-12-03T18:30:00Z`).
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
