import Testing
@testable import ExportContactRules

@Suite struct ByteKeyTableTests {
    static func lookup(_ table: ByteKeyTable<Int>, _ key: String) -> Int? {
        var key = key
        return key.withUTF8 { table.value(for: $0) }
    }

    @Test func findsEveryKeyAndNothingElse() {
        let keys = (0..<500).map { "key \($0)" } + ["", "a", "ab", "ba"]
        let table = ByteKeyTable(keys.enumerated().map { (key: Array($0.element.utf8), value: $0.offset) })
        for (i, key) in keys.enumerated() { #expect(Self.lookup(table, key) == i, "\(key)") }
        for missing in ["key 500", "key", "b", "aa", "key 1 "] { #expect(Self.lookup(table, missing) == nil, "\(missing)") }
    }

    @Test func anEmptyTableFindsNothing() {
        #expect(Self.lookup(ByteKeyTable<Int>([]), "") == nil)
        #expect(Self.lookup(ByteKeyTable<Int>([]), "x") == nil)
    }
}
