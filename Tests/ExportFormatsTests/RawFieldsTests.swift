import Testing

@testable import ExportFormats

@Suite struct RawFieldsTests {
    @Test func fieldsAreSlicesOfOneBuffer() {
        RawFields.with(["ab", "", "çd"]) { fields in
            #expect(fields.count == 3)
            #expect((0..<3).map { Array(fields[$0]) } == [Array("ab".utf8), [], Array("çd".utf8)])
            #expect(fields.nulls.isEmpty)
            #expect(!(0..<3).contains { fields.isNull($0) })
        }
    }

    /// A null is an empty field that says so; an empty text is not a null.
    @Test func nullFieldsAreMarked() {
        RawFields.with(nullable: ["ab", nil, "", nil]) { fields in
            #expect(fields.count == 4)
            #expect((0..<4).map { fields.isNull($0) } == [false, true, false, true])
            #expect(fields[1].isEmpty && fields[2].isEmpty)
            #expect(Array(fields[0]) == Array("ab".utf8))
        }
        RawFields.with(nullable: ["ab", ""]) { fields in
            #expect(fields.nulls.isEmpty)
            #expect(!fields.isNull(1))
        }
    }
}
