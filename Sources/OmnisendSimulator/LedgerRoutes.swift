import Foundation
import Hummingbird

/// The simulator's own routes, absent from the real API: `GET /__simulator/stats` (the ledger as
/// JSON), `GET /__simulator/contacts` (every stored contact, one JSON object a line) and
/// `GET /__simulator/requests` (every answered API request, one JSON object a line).
/// They need no key and are not rate limited, faulted or counted.
struct LedgerRoutes: Sendable {
    let store: SimulatorStore
    let requestLog: RequestLog

    func register(on router: Router<SimulatorRequestContext>) {
        router.get("/__simulator/stats") { _, _ in
            let stats = try await store.stats()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(stats)
            return Response.json(status: 200, text: String(decoding: data, as: UTF8.self))
        }
        router.get("/__simulator/requests") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            let text = requestLog.entries().map { $0.json + "\n" }.joined()
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/__simulator/contacts") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            let store = self.store
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var after: Int64 = 0
                while true {
                    let page = try await store.contactsPage(afterRowID: after, limit: 5000)
                    guard let last = page.last else { break }
                    var text = ""
                    text.reserveCapacity(page.count * 400)
                    for contact in page {
                        text += contact.json
                        text += "\n"
                    }
                    try await writer.write(ByteBuffer(string: text))
                    after = last.rowID
                }
                try await writer.finish(nil)
            })
        }
    }
}
