import ExportCore
import Foundation
import Testing
@testable import ExportUpload

/// Reading one `GET /contacts` answer per API version: where the next page is, when the list
/// ends, and what is not a contact list.
@Suite struct ContactPagingTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func linkPagingFollowsOnlyTheQueryOfPagingNext() throws {
        let body = #"{"paging":{"previous":null,"next":"https://elsewhere.example/v3/contacts/?after=cRc%2BZ%3D&limit=2","limit":2},"#
            + #""contacts":[{"contactID":"1","identifiers":[{"type":"email","id":"a@x.io"}]},{"email":"b@x.io"}]}"#
        let page = try ContactPaging.link.page(body: bytes(body), query: "limit=2")
        #expect(page.contacts.count == 2)
        #expect(page.nextQuery == "after=cRc%2BZ%3D&limit=2", "the host of the link is never used")
        // Offset links (the simulator answers them to an offset request) read the same way.
        let offset = try ContactPaging.link.page(
            body: bytes(#"{"contacts":[{"email":"a@x.io"}],"paging":{"previous":"","next":"http://127.0.0.1:1/v5/contacts?offset=4&limit=2","offset":2,"limit":2}}"#),
            query: "limit=2&offset=2")
        #expect(offset.nextQuery == "offset=4&limit=2")
    }

    @Test func linkPagingEndsOnAnEmptyOrNullNextOrAnEmptyPage() throws {
        for paging in [#"{"previous":"","next":""}"#, #"{"previous":null,"next":null}"#, "{}"] {
            let page = try ContactPaging.link.page(body: bytes(#"{"contacts":[{"email":"a@x.io"}],"paging":\#(paging)}"#), query: "limit=1")
            #expect(page.nextQuery == nil, "\(paging)")
        }
        let empty = try ContactPaging.link.page(body: bytes(#"{"contacts":[],"paging":{"next":"http://h/v3/contacts?after=x"}}"#), query: "limit=1")
        #expect(empty.nextQuery == nil && empty.contacts.isEmpty)
    }

    @Test func cursorPagingSendsAfterBackUntilHasMoreIsFalse() throws {
        let more = try ContactPaging.cursor.page(
            body: bytes(#"{"contacts":[{"id":"1","email":"a@x.io"}],"paging":{"cursors":{"before":null,"after":"eyJp+ZC/I="},"hasMore":true,"limit":1}}"#),
            query: "limit=1&tag=vip&after=old")
        #expect(more.nextQuery == "limit=1&tag=vip&after=eyJp%2BZC%2FI%3D", "the filter and limit kept, the cursor replaced")
        let last = try ContactPaging.cursor.page(
            body: bytes(#"{"contacts":[{"email":"b@x.io"}],"paging":{"cursors":{"before":"x","after":"y"},"hasMore":false}}"#), query: "limit=1")
        #expect(last.nextQuery == nil)
    }

    @Test func aServerThatDoesNotPageOrAnswersSomethingElseIsAnError() {
        #expect(throws: ExportError.self) {
            try ContactPaging.link.page(body: Array(#"{"contacts":[{"email":"a@x.io"}],"paging":{"next":"http://h/v5/contacts?limit=1"}}"#.utf8), query: "limit=1")
        }
        #expect(throws: ExportError.self) { try ContactPaging.link.page(body: Array(#"{"batches":[]}"#.utf8), query: "limit=1") }
        #expect(throws: ExportError.self) { try ContactPaging.cursor.page(body: Array("<html>".utf8), query: "limit=1") }
    }

    @Test func theFirstQueryClampsTheLimitAndEscapesTheFilter() {
        #expect(ContactPaging.firstQuery(pageSize: 999, filter: [("tag", "source: ci & co")]) == "limit=250&tag=source%3A%20ci%20%26%20co")
        #expect(ContactPaging.firstQuery(pageSize: 0) == "limit=1")
        #expect(ContactPaging.documented(for: .v3) == .link && ContactPaging.documented(for: .v5) == .link)
        #expect(ContactPaging.documented(for: .v2026_03_15) == .cursor)
    }
}
