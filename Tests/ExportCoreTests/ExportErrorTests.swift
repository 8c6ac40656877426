import ExportCore
import Foundation
import Testing

@Suite struct ExportErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "SQLite error 13: database or disk is full" }
    }

    @Test func theCauseIsKeptWholeAndPrintedAfterTheMessage() throws {
        let error = ExportError(.io, "cannot write the upload checkpoint", path: "runs/r/checkpoint.sqlite", cause: Underlying())
        #expect(error.message == "cannot write the upload checkpoint")
        #expect(error.cause is Underlying)
        #expect(error.explanation == "cannot write the upload checkpoint: SQLite error 13: database or disk is full")
        #expect(error.description == "runs/r/checkpoint.sqlite: cannot write the upload checkpoint: SQLite error 13: database or disk is full")
    }

    @Test func withoutACauseTheDescriptionIsTheLocatedMessage() {
        let origin = RecordOrigin(file: "in.csv", line: 7, index: 5)
        #expect(ExportError(.corruptInput, "unterminated quote", origin: origin).description == "in.csv:7: unterminated quote")
        #expect(ExportError(.config, "bad", path: "p.yaml").description == "p.yaml: bad")
        #expect(ExportError(.usage, "bad").explanation == "bad")
    }

    @Test func foundationErrorsReadByTheirLocalizedDescription() {
        let cocoa = CocoaError(.fileWriteNoPermission)
        let error = ExportError(.cannotCreate, "cannot create the repair folder", cause: cocoa)
        #expect(error.explanation == "cannot create the repair folder: \(cocoa.localizedDescription)")
        #expect(!error.explanation.contains("_nsError"))
    }

    @Test func equalityComparesCausesByTheirWords() {
        let a = ExportError(.io, "x", cause: Underlying())
        #expect(a == ExportError(.io, "x", cause: Underlying()))
        #expect(a != ExportError(.io, "x"))
        #expect(a != ExportError(.io, "x", cause: CocoaError(.fileNoSuchFile)))
    }
}
