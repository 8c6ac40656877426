import Testing

@testable import ExportSources

struct BundleWalkerTests {
    @Test(arguments: [
        ("a.csv", PayloadFormat.csv), ("A.TSV", .csv), ("notes.txt", .csv), ("part.csv.gz", .csv),
        ("x.ndjson", .ndjson), ("x.jsonl.gz", .ndjson), ("x.json", .ndjson),
    ])
    func formatFromNameIgnoresGzSuffixes(name: String, format: PayloadFormat) {
        #expect(BundleWalker.formatFromName(name) == format)
    }

    @Test(arguments: ["image.png", "report.pdf", "data", "csv", "x.gz", "a.csv.bak"])
    func otherNamesHaveNoFormat(name: String) {
        #expect(BundleWalker.formatFromName(name) == nil)
    }
}
