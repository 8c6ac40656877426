import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// `POST /batches`, `GET /batches`, `GET /batches/{id}`, `GET /batches/{id}/items[/{itemID}]`.
@Suite("Batch routes")
struct BatchRoutesTests {
    @Test(arguments: [(SimulatorAPIVersion.v3, 200), (.v5, 200), (.v2026_03_15, 201)])
    func createAnswersTheVersionsStatus(_ version: SimulatorAPIVersion, _ status: Int) async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let answer = try await TestHTTP.send(
            .POST, simulator.baseURL(for: version) + "/batches", headers: TestHTTP.auth(version), body: TestHTTP.batch([TestHTTP.contact("a@example.com")]))
        #expect(answer.status == status)
        #expect((answer.object["batchID"] as? String)?.count == 24)
        #expect(answer.object["totalCount"] as? Int == 1)
    }

    @Test(arguments: [200, 201, 202])
    func createStatusIsAnOption(_ status: Int) async throws {
        let simulator = try await TestHTTP.start { $0.batchCreatedStatus = status }
        defer { Task { try await simulator.stop() } }
        for version in SimulatorAPIVersion.allCases {
            let answer = try await TestHTTP.send(
                .POST, simulator.baseURL(for: version) + "/batches", headers: TestHTTP.auth(version), body: TestHTTP.batch([TestHTTP.contact("a@example.com")]))
            #expect(answer.status == status)
        }
    }

    @Test(arguments: [
        ("not json", "body"),
        (#"{"endpoint":"contacts","items":[{}]}"#, "method"),
        (#"{"method":"GET","endpoint":"contacts","items":[{}]}"#, "method"),
        (#"{"method":"POST","items":[{}]}"#, "endpoint"),
        (#"{"method":"POST","endpoint":"carts","items":[{}]}"#, "endpoint"),
        (#"{"method":"POST","endpoint":"orders","items":[{}]}"#, "endpoint"),
        (#"{"method":"POST","endpoint":"contacts"}"#, "items"),
        (#"{"method":"POST","endpoint":"contacts","items":[]}"#, "items"),
        (#"{"method":"POST","endpoint":"contacts","items":{}}"#, "items"),
    ])
    func createRejectsBadEnvelopes(_ body: String, _ field: String) async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let v3 = try await TestHTTP.send(.POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3), body: body)
        #expect(v3.status == 400)
        #expect(v3.object["error"] as? String == "Bad Request - invalid parameters, fields or filters")
        #expect((v3.object["fields"] as? [String: Any])?[field] != nil)
        let v2026 = try await TestHTTP.send(.POST, simulator.baseURL(for: "api") + "/batches", headers: TestHTTP.auth(.v2026_03_15), body: body)
        #expect(v2026.status == 400)
        #expect(v2026.object["type"] as? String == "https://problems.omnisend.com/validation-failed")
        let errors = try #require(v2026.object["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["field"] as? String == field })
    }

    @Test(arguments: [(SimulatorAPIVersion.v3, 1000), (.v5, 1000), (.v2026_03_15, 100)])
    func createEnforcesTheItemLimit(_ version: SimulatorAPIVersion, _ limit: Int) async throws {
        let simulator = try await TestHTTP.start { $0.maxBodyBytes = 10_000_000 }
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: version) + "/batches"
        let exact = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(version), body: TestHTTP.batch((0..<limit).map { TestHTTP.contact("c\($0)@example.com") }))
        #expect(exact.status < 300)
        let over = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(version), body: TestHTTP.batch((0...limit).map { TestHTTP.contact("c\($0)@example.com") }))
        #expect(over.status == 400)
    }

    @Test func createCapsTheBody() async throws {
        let simulator = try await TestHTTP.start { $0.maxBodyBytes = 2000 }
        defer { Task { try await simulator.stop() } }
        let body = TestHTTP.batch((0..<40).map { TestHTTP.contact("c\($0)@example.com") })
        let v3 = try await TestHTTP.send(.POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3), body: body)
        #expect(v3.status == 413)
        let v2026 = try await TestHTTP.send(.POST, simulator.baseURL(for: "api") + "/batches", headers: TestHTTP.auth(.v2026_03_15), body: body)
        #expect(v2026.status == 413)
        #expect(v2026.object["type"] as? String == "https://problems.omnisend.com/payload-too-large")
    }

    @Test func batchMovesFromPendingToFinishedWithTimestampsAndCounts() async throws {
        let simulator = try await TestHTTP.start { $0.batchProcessingDelay = .seconds(2) }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        let created = try await TestHTTP.send(
            .POST, base + "/batches", headers: TestHTTP.auth(.v3),
            body: TestHTTP.batch([TestHTTP.contact("ok@example.com"), #"{"identifiers":[{"type":"email","id":"vanessa.kensingtonexample.com"}]}"#]))
        let id = try #require(created.object["batchID"] as? String)
        let pending = try await TestHTTP.send(.GET, base + "/batches/\(id)", headers: TestHTTP.auth(.v3))
        #expect(pending.object["status"] as? String == "pending")
        #expect(pending.object["startedAt"] == nil)
        #expect(pending.object["method"] as? String == "POST")
        #expect(pending.object["endpoint"] as? String == "contacts")
        let done = try await TestHTTP.waitForBatch(simulator, .v3, id)
        #expect(done["status"] as? String == "finished")
        #expect(done["totalCount"] as? Int == 2)
        #expect(done["finishedCount"] as? Int == 2)
        #expect(done["errorsCount"] as? Int == 1)
        let created_ = try #require(done["createdAt"] as? String)
        let started = try #require(done["startedAt"] as? String)
        let ended = try #require(done["endedAt"] as? String)
        #expect(created_ <= started && started <= ended)

        let items = try await TestHTTP.send(.GET, base + "/batches/\(id)/items", headers: TestHTTP.auth(.v3))
        #expect(items.status == 200)
        let errors = try #require(items.object["errors"] as? [[String: Any]])
        let responses = try #require(items.object["responses"] as? [[String: Any]])
        #expect(errors.count == 1 && responses.count == 1)
        #expect(errors[0]["itemID"] as? String == "2")
        #expect(errors[0]["responseCode"] as? Int == 400)
        let errorBody = try #require(errors[0]["response"] as? [String: Any])
        #expect(errorBody["error"] as? String == "2 error(s) found. Check 'fields' array for details.")
        #expect(((errorBody["fields"] as? [String: Any])?["0"] as? [String])?.contains("identifiers[0].channels: field required but not found in Json") == true)
        #expect((errors[0]["request"] as? [String: Any])?["identifiers"] != nil)
        #expect(responses[0]["responseCode"] as? Int == 200)
        #expect((responses[0]["response"] as? [String: Any])?["email"] as? String == "ok@example.com")
        #expect(((responses[0]["response"] as? [String: Any])?["contactID"] as? String)?.count == 24)
        #expect(responses[0]["status"] as? String == "finished")

        let one = try await TestHTTP.send(.GET, base + "/batches/\(id)/items/1", headers: TestHTTP.auth(.v3))
        #expect(one.object["batchID"] as? String == id)
        #expect(one.object["itemID"] as? String == "1")
        let missing = try await TestHTTP.send(.GET, base + "/batches/\(id)/items/3", headers: TestHTTP.auth(.v3))
        #expect(missing.status == 404)
    }

    @Test func itemErrorsOfA2026BatchAreProblems() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "partial@1")
            $0.partialFailureShare = 0.5
        }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "2026-03-15")
        // The first batch: partly failed with 500s; the second: one invalid item.
        let partial = try await TestHTTP.send(
            .POST, base + "/batches", headers: TestHTTP.auth(.v2026_03_15),
            body: TestHTTP.batch((0..<10).map { TestHTTP.contact("p\($0)@example.com") }))
        let invalid = try await TestHTTP.send(
            .POST, base + "/batches", headers: TestHTTP.auth(.v2026_03_15),
            body: TestHTTP.batch([TestHTTP.contact("ok@example.com"), #"{"identifiers":[{"type":"email","id":"vanessa.kensingtonexample.com"}]}"#]))
        for (created, status) in [(partial, 500), (invalid, 400)] {
            let id = try #require(created.object["batchID"] as? String)
            _ = try await TestHTTP.waitForBatch(simulator, .v2026_03_15, id)
            let items = try await TestHTTP.send(.GET, base + "/batches/\(id)/items", headers: TestHTTP.auth(.v2026_03_15))
            let errors = try #require(items.object["errors"] as? [[String: Any]])
            #expect(!errors.isEmpty)
            for error in errors {
                #expect(error["responseCode"] as? Int == status)
                let problem = try #require(error["response"] as? [String: Any])
                #expect(problem["status"] as? Int == status)
                #expect((problem["type"] as? String)?.hasPrefix("https://problems.omnisend.com/") == true)
                #expect(problem["title"] is String && problem["detail"] is String && problem["error"] == nil)
                if status == 400 {
                    let fields = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                    #expect(fields.contains("identifiers[0].channels"))
                }
            }
            let responses = try #require(items.object["responses"] as? [[String: Any]])
            #expect(responses.allSatisfy { ($0["response"] as? [String: Any])?["contactID"] is String })
        }
        // The same invalid item in a v5 batch keeps the v3 form.
        let v5 = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v5") + "/batches", headers: TestHTTP.auth(.v5),
            body: TestHTTP.batch([#"{"identifiers":[{"type":"email","id":"vanessa.kensingtonexample.com"}]}"#]))
        let v5ID = try #require(v5.object["batchID"] as? String)
        _ = try await TestHTTP.waitForBatch(simulator, .v5, v5ID)
        let v5Items = try await TestHTTP.send(.GET, simulator.baseURL(for: "v5") + "/batches/\(v5ID)/items", headers: TestHTTP.auth(.v5))
        let v5Error = try #require((v5Items.object["errors"] as? [[String: Any]])?.first?["response"] as? [String: Any])
        #expect(v5Error["error"] as? String == "2 error(s) found. Check 'fields' array for details.")
    }

    @Test(arguments: SimulatorAPIVersion.allCases)
    func unknownBatchIs404(_ version: SimulatorAPIVersion) async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        for path in ["/batches/6b0000000000000000000099", "/batches/nope", "/batches/6b0000000000000000000099/items"] {
            let answer = try await TestHTTP.send(.GET, simulator.baseURL(for: version) + path, headers: TestHTTP.auth(version))
            #expect(answer.status == 404)
            if version.usesProblemDetails {
                #expect(answer.object["type"] as? String == "https://problems.omnisend.com/not-found")
            }
        }
    }

    @Test func listFiltersAndPagesWithOffsets() async throws {
        let clock = ManualSimulatorClock(start: DateText.parseTimestamp("2026-03-01T12:00:00Z")!)
        let simulator = try await TestHTTP.start { $0.clock = clock }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        var ids: [String] = []
        for day in 0..<5 {
            let created = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("d\(day)@example.com")]))
            ids.append(try #require(created.object["batchID"] as? String))
            clock.advance(by: 86_400)
        }
        _ = try await TestHTTP.waitForBatch(simulator, .v3, ids[4])

        let missing = try await TestHTTP.send(.GET, base + "/batches", headers: TestHTTP.auth(.v3))
        #expect(missing.status == 400)
        #expect((missing.object["fields"] as? [String: Any])?["endpoint"] != nil)
        for bad in ["status=done", "dateFrom=2026-3-1", "limit=0", "limit=251", "offset=-1"] {
            let answer = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&\(bad)", headers: TestHTTP.auth(.v3))
            #expect(answer.status == 400, "\(bad)")
        }
        let page1 = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&limit=2", headers: TestHTTP.auth(.v3))
        #expect((page1.object["batches"] as? [[String: Any]])?.compactMap { $0["batchID"] as? String } == Array(ids[0..<2]))
        let paging = try #require(page1.object["paging"] as? [String: Any])
        #expect(paging["previous"] as? String == "")
        #expect(paging["next"] as? String == "http://127.0.0.1:\(simulator.port)/v3/batches?endpoint=contacts&offset=2&limit=2")
        #expect(paging["offset"] as? Int == 0 && paging["limit"] as? Int == 2)
        let page3 = try await TestHTTP.send(.GET, try #require(paging["next"] as? String).replacingOccurrences(of: "offset=2", with: "offset=4"), headers: TestHTTP.auth(.v3))
        #expect((page3.object["batches"] as? [Any])?.count == 1)
        #expect((page3.object["paging"] as? [String: Any])?["next"] as? String == "")

        let window = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&dateFrom=2026-03-02&dateTo=2026-03-03", headers: TestHTTP.auth(.v3))
        #expect((window.object["batches"] as? [[String: Any]])?.compactMap { $0["batchID"] as? String } == Array(ids[1...2]))
        let finished = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&status=finished", headers: TestHTTP.auth(.v3))
        #expect((finished.object["batches"] as? [Any])?.count == 5)
        let pending = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&status=pending", headers: TestHTTP.auth(.v3))
        #expect((pending.object["batches"] as? [Any])?.isEmpty == true)
        let orders = try await TestHTTP.send(.GET, base + "/batches?endpoint=orders", headers: TestHTTP.auth(.v3))
        #expect((orders.object["batches"] as? [Any])?.isEmpty == true)
    }

    @Test func listPagesWithCursorsIn2026() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "2026-03-15")
        var ids: [String] = []
        for n in 0..<5 {
            let created = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v2026_03_15), body: TestHTTP.batch([TestHTTP.contact("k\(n)@example.com")]))
            ids.append(try #require(created.object["batchID"] as? String))
        }
        var seen: [String] = []
        var url = base + "/batches?endpoint=contacts&limit=2"
        var pages = 0
        var lastPaging: [String: Any] = [:]
        while pages < 10 {
            pages += 1
            let page = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v2026_03_15))
            #expect(page.status == 200)
            seen += (page.object["batches"] as? [[String: Any]])?.compactMap { $0["batchID"] as? String } ?? []
            lastPaging = try #require(page.object["paging"] as? [String: Any])
            guard lastPaging["hasMore"] as? Bool == true, let after = (lastPaging["cursors"] as? [String: Any])?["after"] as? String else { break }
            url = base + "/batches?endpoint=contacts&limit=2&after=\(after)"
        }
        #expect(seen == ids)
        #expect(pages == 3)
        let before = try #require((lastPaging["cursors"] as? [String: Any])?["before"] as? String)
        let back = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&limit=2&before=\(before)", headers: TestHTTP.auth(.v2026_03_15))
        #expect((back.object["batches"] as? [[String: Any]])?.compactMap { $0["batchID"] as? String } == Array(ids[2...3]))
        let bad = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts&after=garbage", headers: TestHTTP.auth(.v2026_03_15))
        #expect(bad.status == 400)
    }
}
