import Foundation
import Testing
@testable import ExportUpload

/// Which stored channel statuses `verify` counts as differences: not those Omnisend's date rule
/// kept (a later stored decision, or a status sent dated 1970 to be kept).
@Suite struct ContactVerifierTests {
    static func contact(email: (String, String?), sms: (String, String?)? = nil, key: String = "statusDate") -> [String: Any] {
        func channel(_ state: (String, String?)) -> [String: Any] {
            var out: [String: Any] = ["status": state.0]
            if let date = state.1 { out[key] = date }
            return out
        }
        var identifiers: [[String: Any]] = [["type": "email", "id": "a@b.co", "channels": ["email": channel(email)]]]
        if let sms { identifiers.append(["type": "phone", "id": "+40722123456", "channels": ["sms": channel(sms)]]) }
        return ["identifiers": identifiers]
    }

    @Test func aStatusTheDateRuleKeptIsNotADifference() {
        let sent = Self.contact(email: ("subscribed", "2024-01-01T00:00:00Z"), sms: ("nonSubscribed", "1970-01-01T00:00:00Z"))
        let stored = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00.000Z"), sms: ("subscribed", "2023-01-01T00:00:00.000Z"))
        #expect(ContactVerifier.differingFields(sent: sent, stored: stored, email: "a@b.co") == [])
        #expect(ContactVerifier.statusesKeptByDateRule(sent: sent, stored: stored, email: "a@b.co"))
        // Kept on purpose (1970) only: not counted as kept by a later decision either.
        let keptOnly = Self.contact(email: ("nonSubscribed", "1970-01-01T00:00:00Z"))
        #expect(ContactVerifier.differingFields(sent: keptOnly, stored: stored, email: "a@b.co") == [])
        #expect(!ContactVerifier.statusesKeptByDateRule(sent: keptOnly, stored: stored, email: "a@b.co"))
    }

    @Test func aStatusThatShouldHaveWonIsADifferenceOnEitherChannelAndDateKey() {
        let sent = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00Z"), sms: ("subscribed", nil), key: "statusChangedAt")
        let stored = Self.contact(email: ("subscribed", "2024-01-01T00:00:00Z"), sms: ("nonSubscribed", "2024-01-01T00:00:00Z"), key: "statusChangedAt")
        #expect(ContactVerifier.differingFields(sent: sent, stored: stored, email: "a@b.co")
            == ["identifiers.channels.email.status", "identifiers.channels.sms.status"])
        #expect(!ContactVerifier.statusesKeptByDateRule(sent: sent, stored: stored, email: "a@b.co"))
        // A phone the stored contact lacks (owned by another contact) is not a status difference.
        let withoutPhone = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00Z"))
        #expect(ContactVerifier.differingFields(sent: sent, stored: withoutPhone, email: "a@b.co") == [])
    }
}
