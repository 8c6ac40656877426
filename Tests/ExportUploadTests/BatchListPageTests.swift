import Foundation
import Testing

@testable import ExportUpload

@Suite struct BatchListPageTests {
    func page(_ json: String) -> BatchListPage? { BatchListPage(HTTPAnswer(status: 200, body: Array(json.utf8))) }

    @Test func readsOffsetPagesAndCursorPages() throws {
        let v5 = try #require(page(#"{"batches":[{"batchID":"a","status":"finished"},{"batchID":"b"}],"paging":{"next":"https://x/batches?offset=2"}}"#))
        #expect(v5.entries == [BatchEntry(id: "a", status: "finished"), BatchEntry(id: "b")])
        #expect(v5.next == "https://x/batches?offset=2" && !v5.hasMore && v5.after == nil)
        let v2026 = try #require(page(#"{"data":[{"id":"c"}],"paging":{"hasMore":true,"cursors":{"after":"cur","before":"x"}}}"#))
        #expect(v2026.entries == [BatchEntry(id: "c")])
        #expect(v2026.hasMore && v2026.after == "cur" && v2026.next == nil)
    }

    @Test func readsOddPagesAsEmptyAndANonObjectAsNothing() throws {
        let odd = try #require(page(#"{"batches":[1,2],"paging":{"hasMore":"yes","cursors":[]}}"#))
        #expect(odd.entries.isEmpty && !odd.hasMore && odd.after == nil)
        #expect(try #require(page("{}")).entries.isEmpty)
        #expect(page("[]") == nil)
    }
}
