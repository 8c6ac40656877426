import ExportCore
import ExportFormats
import ExportPipeline
import Testing
@testable import ExportContactRules
@testable import ExportPrepare

@Suite struct RowBatchTests {
    @Test func contactKeysAreThoseOfItsContactsInOrder() throws {
        let program = MappingProgram(
            plan: try MappingLoader.parse(text: "email: Email\nfirst_name: First\n", file: "m.yaml"), apiVersion: .v5,
            runDate: "2026-01-02")
        let columns = program.bind(Header(["Email", "First"]))
        var batch = RowBatch()
        let origin = RecordOrigin(file: "in.csv", line: 2, index: 0)
        for values in [["a@example.com", "A"], ["not an email", "B"], ["B@Example.com", "C"]] {
            switch RawFields.with(values, { program.pack($0, columns: columns, origin: origin, into: batch.arena) }) {
            case .packed(let contact): batch.events.append(.packed(contact, line: 2, index: 0))
            case .mapped(let result): batch.events.append(.mapped(origin, result))
            }
        }
        batch.events.append(.mapped(origin, .contact(MappedContact(email: "c@example.com", json: Array("{}".utf8)))))
        #expect(Array(batch.contactKeys(in: 0..<4)) == ["a@example.com", "b@example.com", "c@example.com"].map { EmailKey($0) })
        #expect(Array(batch.contactKeys(in: 1..<3)) == [EmailKey("b@example.com")])

        batch.removeAll()
        #expect(batch.events.isEmpty && batch.arena.count == 0)
    }
}
