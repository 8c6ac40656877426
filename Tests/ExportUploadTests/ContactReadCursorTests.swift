import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportUpload

/// The saved position of a paged read: one JSON line without the key, read back, refused when garbled.
@Suite struct ContactReadCursorTests {
    @Test func aCursorRoundTripsAndMatchesItsDestinationOnly() throws {
        let cursor = ContactReadCursor(baseURL: "http://127.0.0.1:9/v5", apiVersion: "v5", nextQuery: "after=c2lt%3D&limit=250", contactsRead: 500)
        #expect(try ContactReadCursor.decode(cursor.text, path: "state.sqlite") == cursor)
        #expect(!cursor.text.contains("key") && !cursor.text.contains("\n"))
        #expect(cursor.matches(UploadTarget(baseURL: "http://127.0.0.1:9/v5", apiVersion: .v5, key: APIKey("k"))))
        #expect(!cursor.matches(UploadTarget(baseURL: "http://127.0.0.1:9/v5", apiVersion: .v2026_03_15, key: APIKey("k"))))
        #expect(!cursor.matches(UploadTarget(baseURL: "http://127.0.0.1:8/v5", apiVersion: .v5, key: APIKey("k"))))
    }

    @Test func aGarbledPositionIsAnErrorNamingTheFile() throws {
        do {
            _ = try ContactReadCursor.decode("{\"formatVersion\":1,", path: "x.sqlite")
            Issue.record("a garbled position should not read")
        } catch let error as ExportError {
            #expect(error.code == .corruptInput && String(describing: error).contains("x.sqlite"), "\(error)")
        }
    }
}
