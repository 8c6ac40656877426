import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportUpload

/// The saved position of a paged read: written atomically, read back, refused when garbled.
@Suite struct ContactReadCursorTests {
    @Test func aCursorRoundTripsAndIsRemovedWhenTheReadEnds() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/lines.ndjson.position"
        #expect(try ContactReadCursor.read(path: path) == nil)
        let cursor = ContactReadCursor(baseURL: "http://127.0.0.1:9/v5", apiVersion: "v5", nextQuery: "after=c2lt%3D&limit=250", contactsRead: 500, outputBytes: 81234)
        try cursor.write(path: path)
        #expect(try ContactReadCursor.read(path: path) == cursor)
        let text = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
        #expect(!text.contains("key") && text.hasSuffix("}\n"))
        ContactReadCursor.remove(path: path)
        #expect(try ContactReadCursor.read(path: path) == nil)
    }

    @Test func aGarbledPositionIsAnErrorNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.position", "{\"formatVersion\":1,")
        do {
            _ = try ContactReadCursor.read(path: path)
            Issue.record("a garbled position should not read")
        } catch let error as ExportError {
            #expect(error.code == .corruptInput && String(describing: error).contains("x.position"), "\(error)")
        }
    }
}
