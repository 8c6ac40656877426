import ExportCore
import ExportUpload
import Foundation
import Testing

@Test func descriptionDumpAndInterpolationHideTheKey() {
    let key = APIKey("omni-test-SECRET-123")
    var dumped = ""
    dump(key, to: &dumped)
    for text in ["\(key)", String(describing: key), String(reflecting: key), dumped] {
        #expect(!text.contains("SECRET"))
    }
    #expect(key.headerValue == "omni-test-SECRET-123")
    #expect(key.redact("echo omni-test-SECRET-123 back") == "echo [redacted] back")
}

@Test func resolvesFromTheNamedEnvironmentVariable() throws {
    let destination = Destination(apiKeyEnv: "MY_KEY")
    let resolution = try APIKeyResolver.resolve(destination, environment: ["MY_KEY": " k-1 \n", "OMNISEND_API_KEY": "other"])
    #expect(resolution.key?.headerValue == "k-1")
    #expect(try APIKeyResolver.resolve(Destination(), environment: [:]).key == nil)
}

@Test func warnsWhenTheKeyFileIsReadableByOthers() throws {
    let path = NSTemporaryDirectory() + "key-\(UUID().uuidString)"
    try "k-file\nsecond line\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    chmod(path, 0o644)
    let loose = try APIKeyResolver.resolve(Destination(apiKeyFile: path), environment: [:])
    #expect(loose.key?.headerValue == "k-file")
    #expect(loose.warnings.count == 1)
    #expect(!loose.warnings[0].contains("k-file"))
    chmod(path, 0o600)
    #expect(try APIKeyResolver.resolve(Destination(apiKeyFile: path), environment: [:]).warnings.isEmpty)
}

@Test func nonLoopbackNeedsThePersonalDataAcknowledgement() throws {
    let remote = Destination(apiVersion: .v5, baseURL: "https://api.omnisend.com/v5")
    #expect(throws: UploadError.self) {
        try UploadTarget.resolve(destination: remote, options: UploadOptions(), environment: ["OMNISEND_API_KEY": "k"], relativeTo: nil, warn: { _ in })
    }
    var options = UploadOptions()
    options.acknowledgePersonalData = true
    let target = try UploadTarget.resolve(destination: remote, options: options, environment: ["OMNISEND_API_KEY": "k"], relativeTo: nil, warn: { _ in })
    #expect(target.isLoopback == false)
    // No key: never a silent rehearsal; the error names the variable to set.
    #expect(throws: UploadError.missingKey(variable: "OMNISEND_API_KEY", file: nil)) {
        try UploadTarget.resolve(destination: Destination(), options: UploadOptions(), environment: [:], relativeTo: nil, warn: { _ in })
    }
    #expect(throws: UploadError.missingKey(variable: "SHOP_KEY", file: nil)) {
        try UploadTarget.resolve(destination: Destination(apiKeyEnv: "SHOP_KEY"), options: UploadOptions(), environment: ["OMNISEND_API_KEY": "k"], relativeTo: nil, warn: { _ in })
    }
}
