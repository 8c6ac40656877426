import ExportCore
import ExportSync
import Testing

@Suite struct PayloadHasherTests {
    static let item = #"{"identifiers":[{"type":"email","id":"ana@example.ro","channels":{"email":{"status":"subscribed","statusDate":"2024-03-05T09:30:00Z"}},"sendWelcomeMessage":false},{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}}}],"firstName":"Ana","tags":["source: ci","imported: 2026-11-29"],"customProperties":{"customerId":"CI-1","sourceFile":"a.csv","sourceRow":1,"importedOn":"2026-11-29"}}"#

    @Test func readsTheEmailAndTheChannels() throws {
        let digest = try PayloadHasher(volatileFields: []).digest(Array(Self.item.utf8))
        #expect(digest.email == "ana@example.ro")
        #expect(digest.channels["email"] == .init(status: "subscribed", statusDate: "2024-03-05T09:30:00Z"))
        #expect(digest.channels["sms"] == .init(status: "nonSubscribed", statusDate: "1970-01-01T00:00:00Z"))
        #expect(digest.hashHex.count == 64)
    }

    @Test func theEmailIsReadWhereContactItemReadsItAndTheHashesStayAsStored() throws {
        // `ContactItem.email(of:)`: the first email identifier, else a top-level email.
        let twice = #"{"identifiers":[{"type":"email","id":"a@example.com"},{"type":"email","id":"b@example.com"}]}"#
        #expect(try PayloadHasher(volatileFields: []).digest(Array(twice.utf8)).email == "a@example.com")
        #expect(try PayloadHasher(volatileFields: []).digest(Array(#"{"email":"c@example.com"}"#.utf8)).email == "c@example.com")
        // The hashes of state files written before: SHA-256 of the bytes, and of the canonical
        // form without the email status date (sorted keys, no spaces).
        let bytes = Array(Self.item.utf8)
        #expect(try PayloadHasher(volatileFields: []).digest(bytes).hashHex
            == "7ec901723cabf27e6a460361674097958c8015750f933c65bf2be6e3ff26b80f")
        #expect(try PayloadHasher(volatileFields: ["emailStatusDate"]).digest(bytes).hashHex
            == "d4c632e0aa8a1c80a0e7d6ce56221b9f961caaf1fa15cfa008d36fad71e31204")
    }

    @Test func volatileValuesDoNotChangeTheHash() throws {
        // Given the same person exported the next day from another file, on another row.
        let tomorrow = Self.item
            .replacingOccurrences(of: #""sourceFile":"a.csv","sourceRow":1"#, with: #""sourceFile":"b.csv","sourceRow":7"#)
            .replacingOccurrences(of: "2026-11-29", with: "2026-11-30")
        let hasher = PayloadHasher(volatileFields: ["customProperties.sourceFile", "customProperties.sourceRow", "customProperties.importedOn", "tags:imported: "])
        #expect(try hasher.digest(Array(Self.item.utf8)).hash == hasher.digest(Array(tomorrow.utf8)).hash)
        // Without the list, the same two items differ.
        let plain = PayloadHasher(volatileFields: [])
        #expect(try plain.digest(Array(Self.item.utf8)).hash != plain.digest(Array(tomorrow.utf8)).hash)
    }

    @Test func aRealChangeChangesTheHash() throws {
        let hasher = PayloadHasher(volatileFields: ["customProperties.importedOn"])
        let renamed = Self.item.replacingOccurrences(of: #""firstName":"Ana""#, with: #""firstName":"Ana-Maria""#)
        let unsubscribed = Self.item.replacingOccurrences(of: #""status":"subscribed""#, with: #""status":"unsubscribed""#)
        let base = try hasher.digest(Array(Self.item.utf8)).hash
        #expect(try hasher.digest(Array(renamed.utf8)).hash != base)
        #expect(try hasher.digest(Array(unsubscribed.utf8)).hash != base)
    }

    @Test func statusDatesSetToNowAreLeftOutOfTheHashButKeptAsConsent() throws {
        let later = Self.item.replacingOccurrences(of: "2024-03-05T09:30:00Z", with: "2026-12-03T10:00:00Z")
        let hasher = PayloadHasher(volatileFields: ["emailStatusDate"])
        let a = try hasher.digest(Array(Self.item.utf8))
        let b = try hasher.digest(Array(later.utf8))
        #expect(a.hash == b.hash)
        #expect(b.channels["email"]?.statusDate == "2026-12-03T10:00:00Z")
    }

    @Test func theByteHashCutsVolatileMembersWhereverTheyAreWritten() throws {
        // Strings holding braces, brackets, commas and escaped quotes; a nested list; spaces.
        let a = #"{"identifiers":[{"type":"email","id":"x@example.com"}],"notes":"a \"}\" ], b","customProperties":{"importedOn":"2026-11-29","list":["x","}"],"keep":1},"tags":["imported: 2026-11-29","vip","imported: \"x\""]}"#
        let b = #"{"identifiers":[{"type":"email","id":"x@example.com"}],"notes":"a \"}\" ], b","customProperties":{"importedOn":"2026-11-30","list":["x","}"],"keep":1},"tags":["imported: 2026-11-30","vip"]}"#
        let changed = b.replacingOccurrences(of: #""keep":1"#, with: #""keep":2"#)
        let hasher = PayloadHasher(volatileFields: ["customProperties.importedOn", "tags:imported: "])
        var scratch: [UInt8] = []
        func hash(_ text: String) throws -> [UInt8] {
            try Array(text.utf8).withUnsafeBufferPointer { try hasher.hash($0, scratch: &scratch) }
        }
        #expect(try hash(a) == hash(b))
        #expect(try hash(b) != hash(changed))
        // The digest (which the upload's recorder takes) hashes the same way.
        #expect(try hasher.digest(Array(a.utf8)).hash == hash(a))
        let volatileLast = PayloadHasher(volatileFields: ["tags"])
        let withTags = #"{"identifiers":[],"firstName":"A","tags":["x"]}"#
        let withoutTags = #"{"identifiers":[],"firstName":"A"}"#
        #expect(try volatileLast.digest(Array(withTags.utf8)).hash == volatileLast.digest(Array(withoutTags.utf8)).hash)
    }

    @Test func keyOrderDoesNotMatterWhenTheItemIsParsed() throws {
        let a = #"{"identifiers":[{"type":"email","id":"x@example.com","channels":{"email":{"status":"subscribed","statusDate":"2024-01-01T00:00:00Z"}}}],"firstName":"X","lastName":"Y"}"#
        let b = #"{"lastName":"Y","firstName":"X","identifiers":[{"channels":{"email":{"statusDate":"2024-01-01T00:00:00Z","status":"subscribed"}},"id":"x@example.com","type":"email"}]}"#
        // Volatile status dates make the hasher parse the item and sort its keys.
        let hasher = PayloadHasher(volatileFields: ["emailStatusDate"])
        #expect(try hasher.digest(Array(a.utf8)).hash == hasher.digest(Array(b.utf8)).hash)
    }

    @Test func refusesWhatIsNotAnObject() {
        #expect(throws: ExportError.self) { try PayloadHasher(volatileFields: []).digest(Array("[1,2]".utf8)) }
        #expect(throws: ExportError.self) { try PayloadHasher(volatileFields: []).digest(Array("{\"a\":".utf8)) }
        var scratch: [UInt8] = []
        // Cutting members out walks the object and refuses what is not one.
        for bad in ["{\"a\":1", "{\"a\" 1}", "[]", "{\"a\":\"x}", ""] {
            #expect(throws: ExportError.self, "\(bad)") {
                try Array(bad.utf8).withUnsafeBufferPointer { try PayloadHasher(volatileFields: ["x"]).hash($0, scratch: &scratch) }
            }
        }
        // With nothing to cut, the bytes are hashed as they are: only the braces are checked.
        for bad in ["{\"a\":1", "[]", "", " { "] {
            #expect(throws: ExportError.self, "\(bad)") {
                try Array(bad.utf8).withUnsafeBufferPointer { try PayloadHasher(volatileFields: []).hash($0, scratch: &scratch) }
            }
        }
    }

    @Test func withNothingVolatileTheHashIsTheOneCuttingWouldGive() throws {
        // States recorded while every item was walked and copied keep matching: the hash over the
        // bytes as they are equals the hash of a hasher whose volatile field the item lacks.
        let item = #"{"identifiers":[{"type":"email","id":"x@example.com","channels":{"email":{"status":"subscribed","statusDate":"2024-01-01T00:00:00Z"}}}],"firstName":"Ana \"A\"","tags":["a","b}"],"customProperties":{"n":1.50}}"#
        var scratch: [UInt8] = []
        func hash(_ hasher: PayloadHasher, _ text: String) throws -> [UInt8] {
            try Array(text.utf8).withUnsafeBufferPointer { try hasher.hash($0, scratch: &scratch) }
        }
        let plain = PayloadHasher(volatileFields: [])
        let cutting = PayloadHasher(volatileFields: ["middleName", "customProperties.importedOn", "tags:imported: "])
        #expect(try hash(plain, item) == hash(cutting, item))
        #expect(try hash(plain, " \(item)\n") == hash(plain, item), "spaces around the object do not count")
        #expect(try plain.digest(Array(item.utf8)).hash == hash(plain, item), "the recorder's digest agrees")
        #expect(try hash(plain, item) != hash(plain, item.replacingOccurrences(of: "1.50", with: "1.5")))
    }
}
