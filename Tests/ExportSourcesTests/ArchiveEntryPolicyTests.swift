import Testing

@testable import ExportSources

struct ArchiveEntryPolicyTests {
    static let unsafeNames = [
        "/etc/passwd", "//tmp/moo", "../moo", "tmp/../../moo", "a/..", "..\\..\\evil.csv", "\\abs.csv", "C:evil.csv",
        "c:\\x.csv", "",
    ]

    @Test(arguments: unsafeNames)
    func unsafePathsAreSkipped(name: String) {
        let verdict = ArchiveEntryPolicy.verdict(for: ArchiveEntry(index: 0, name: name, kind: .regular))
        #expect(verdict != .open)
    }

    @Test(arguments: ["part-1.csv", "dir/part-2.ndjson.gz", "a..b.csv", "./x.csv", ".hidden.csv", "..data.csv"])
    func plainRelativePathsAreOpened(name: String) {
        #expect(ArchiveEntryPolicy.verdict(for: ArchiveEntry(index: 0, name: name, kind: .regular)) == .open)
    }

    @Test(arguments: [ArchiveEntry.Kind.directory, .symlink, .hardlink, .device, .fifo, .socket, .unknown])
    func nonRegularEntriesAreSkipped(kind: ArchiveEntry.Kind) {
        #expect(ArchiveEntryPolicy.verdict(for: ArchiveEntry(index: 0, name: "data.csv", kind: kind)) != .open)
    }
}
