import ExportCore
import Foundation
import Testing
@testable import ExportPipeline

/// The destination keys of the issue "safe to run unattended": `simulator`, `name`, `write_probe`.
@Suite struct DestinationKeysTests {
    static func destination(_ yaml: String) throws -> Destination {
        try PipelineLoader.parse(text: "mapping: { email: E }\ndestination:\n" + yaml, path: "p.yaml", environment: [:]).destination
    }

    @Test func simulatorNameAndWriteProbeAreRead() throws {
        let plain = try Self.destination("  api_version: v3\n")
        #expect(!plain.rehearses && plain.probesWrite && plain.name == nil)
        let rehearsal = try Self.destination("  simulator: true\n  name: staging\n  write_probe: false\n")
        #expect(rehearsal.rehearses && !rehearsal.probesWrite && rehearsal.name == "staging")
        // The defaults leave the manifest's destination as it was (no new keys written).
        let encoded = String(decoding: try JSONEncoder().encode(try Self.destination("  simulator: false\n  write_probe: true\n")), as: UTF8.self)
        #expect(!encoded.contains("simulator") && !encoded.contains("writeProbe"))
    }

    @Test func aMisspeltOrMistypedKeyIsNamed() {
        #expect(throws: PipelineErrors.self) { try Self.destination("  simulator: maybe\n") }
        #expect(throws: PipelineErrors.self) { try Self.destination("  simulater: true\n") }
    }
}
