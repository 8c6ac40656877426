import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
@testable import OmnisendSimulator

/// Keys files with per-resource scopes, and the scopes enforced per route over HTTP.
@Suite struct SimulatorKeyTests {
    @Test func keysFilesTakeGlobalPermissionsAndPerResourceScopes() throws {
        let keys = try SimulatorKey.parseKeysFile(
            """
            # comment
            all shop-a
            ro shop-a read
            scoped shop-b contacts.read,contacts:write,batches.read

            """, path: "keys.txt")
        #expect(keys.count == 3)
        #expect(keys[0].allows("batches.write") && keys[0].allows("contacts.read"))
        #expect(keys[1].allows("contacts.read") && keys[1].allows("batches.read") && !keys[1].allows("contacts.write"))
        #expect(keys[2].scopes == ["contacts.read", "contacts.write", "batches.read"])
        #expect(!keys[2].allows("batches.write") && keys[2].allows("contacts.write"))
        #expect(keys[2].permissionText == "batches.read,contacts.read,contacts.write")
        #expect(keys[1].permissionText == "read")
        #expect(throws: SimulatorKeyFileError.self) { try SimulatorKey.parseKeysFile("k b orders.write\n", path: "keys.txt") }
        do {
            _ = try SimulatorKey.parseKeysFile("\nk b contacts.delete\n", path: "keys.txt")
        } catch {
            #expect(error.line == 2 && error.description.hasPrefix("keys.txt:2: permissions must be read, write, or the scopes"))
        }
    }

    @Test(arguments: SimulatorAPIVersion.allCases)
    func routesNeedTheirResourceAndTheBatchesEndpointScope(_ version: SimulatorAPIVersion) async throws {
        let simulator = try await TestHTTP.start {
            $0.keys = [
                SimulatorKey(key: "contacts-only", canRead: false, canWrite: false, scopes: ["contacts.read", "contacts.write"]),
                SimulatorKey(key: "batches-only", canRead: false, canWrite: false, scopes: ["batches.read", "batches.write"]),
                SimulatorKey(key: "both", canRead: false, canWrite: false, scopes: ["batches.read", "batches.write", "contacts.read", "contacts.write"]),
            ]
        }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: version)
        let body = TestHTTP.batch([TestHTTP.contact("scope@example.com")])
        func status(_ method: HTTPMethod, _ path: String, _ key: String, body: String? = nil) async throws -> Int {
            try await TestHTTP.send(method, base + path, headers: TestHTTP.auth(version, key: key), body: body).status
        }
        #expect(try await status(.GET, "/contacts", "contacts-only") == 200)
        #expect(try await status(.GET, "/batches?endpoint=contacts", "contacts-only") == 403)
        #expect(try await status(.POST, "/batches", "contacts-only", body: body) == 403)
        #expect(try await status(.GET, "/contacts", "batches-only") == 403)
        #expect(try await status(.POST, "/batches", "batches-only", body: body) == 403)
        #expect(try await status(.GET, "/batches?endpoint=contacts", "both") == 200)
        let created = try await status(.POST, "/batches", "both", body: body)
        #expect((200..<300).contains(created))
        // The destination check's write probe: an empty batch is 400 when writing is allowed, 403 when not.
        let empty = #"{"method":"POST","endpoint":"contacts","items":[]}"#
        #expect(try await status(.POST, "/batches", "both", body: empty) == 400)
        #expect(try await status(.POST, "/batches", "contacts-only", body: empty) == 403)
    }
}
