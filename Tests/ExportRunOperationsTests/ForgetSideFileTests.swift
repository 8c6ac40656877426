import ExportCore
import ExportRunFolder
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

@Suite struct ForgetSideFileTests {
    /// Lines as a writer of another version might have spelled them: escapes where ours write
    /// raw bytes, a space, an odd line; forget must keep each as it is.
    static let contacts = [
        #"{"email":"a@x.co","chunk":1,"item":0,"input":"in \"1\".csv","line":2}"#,
        #"{"email":"gone@x.co","chunk":1,"item":1,"input":"in.csv","line":3}"#,
        #"{"email":"b@x.co", "chunk":1,"item":2,"input":"\u00e9\/\ud83d\ude00","line":4}"#,
        #"not json at all"#,
        #"{"email":"GONE@x.co","chunk":2,"item":0,"input":"in.csv","line":5}"#,
        #"{"email":"c@x.co","chunk":3,"item":0,"input":"z\u0000","line":6}"#,
    ]

    @Test func removesThePersonAndKeepsEveryOtherLineByteForByte() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write(RunFolderLayout.contacts, Self.contacts.joined(separator: "\n") + "\n")
        var file = SideFile<ContactLine>(runDirectory: dir.path)
        #expect(file.objects.compactMap(\.self).count == 5)
        #expect(file.remove { EmailNormalizer.normalize($0.email) == "gone@x.co" } == 2)
        #expect(file.lines.map { String(decoding: $0, as: UTF8.self) } == [Self.contacts[0], Self.contacts[2], Self.contacts[3], Self.contacts[5]])

        // Renumbering rewrites only the digits of `chunk` and `item`.
        file.renumber(chunks: true)
        #expect(file.changed)
        #expect(file.lines.map { String(decoding: $0, as: UTF8.self) } == [
            Self.contacts[0],
            #"{"email":"b@x.co", "chunk":1,"item":1,"input":"\u00e9\/\ud83d\ude00","line":4}"#,
            Self.contacts[3],
            #"{"email":"c@x.co","chunk":2,"item":0,"input":"z\u0000","line":6}"#,
        ])
        #expect(file.objects.compactMap { $0.map { [$0.chunk, $0.item] } } == [[1, 0], [1, 1], [2, 0]])
        #expect(file.objects[1]?.input == "é/😀")
        #expect(file.bytes == Array((file.lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n").utf8))
    }

    @Test func countsLinesByAFieldWithUndecodedLinesUnderTheEmptyName() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write(RunFolderLayout.contacts, Self.contacts.joined(separator: "\n"))
        let file = SideFile<ContactLine>(runDirectory: dir.path)
        #expect(file.tally(\.input) == ["in \"1\".csv": 1, "in.csv": 2, "é/😀": 1, "": 1, "z\u{0}": 1])
        #expect(SideFile<RejectLine>(runDirectory: dir.path).lines.isEmpty)
    }
}
