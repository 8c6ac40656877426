import ExportCore
import ExportUpload
import Foundation
import Testing

/// Loopback means an IP literal in 127.0.0.0/8 or ::1, or the name `localhost`; anything else
/// needs the personal-data acknowledgement.
@Suite struct UploadTargetTests {
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST", "localhost."])
    func loopbackHosts(host: String) {
        #expect(UploadTarget.isLoopback(host: host))
    }

    @Test(arguments: [
        "127.invalid", "127.0.0.1.example.com", "127.example", "128.0.0.1", "10.0.0.1", "::2", "::ffff:8.8.8.8", "localhost.example.com",
        "api.omnisend.com", "127.0.0.256", "", "127",
    ])
    func otherHosts(host: String) {
        #expect(!UploadTarget.isLoopback(host: host))
    }

    @Test func aHostThatOnlyLooksLikeLoopbackNeedsTheAcknowledgement() throws {
        var options = UploadOptions()
        options.baseURL = "http://127.invalid/v5"
        #expect(throws: UploadError.personalDataNotAcknowledged(host: "127.invalid")) {
            try UploadTarget.resolve(
                destination: Destination(), options: options, environment: ["OMNISEND_API_KEY": "k"], relativeTo: nil, warn: { _ in })
        }
        options.baseURL = "http://127.0.0.9:8089/v5"
        let target = try UploadTarget.resolve(
            destination: Destination(), options: options, environment: ["OMNISEND_API_KEY": "k"], relativeTo: nil, warn: { _ in })
        #expect(target.isLoopback)
    }
}
