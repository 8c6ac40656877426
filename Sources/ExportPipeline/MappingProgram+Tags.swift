import ExportContactRules
import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MappingProgram {
    private static let tagsKey = Array(",\"tags\":[".utf8)

    /// Writes `,"tags":[…]`: each source's items trimmed, with prefix and suffix, kept once, at
    /// most 100.
    func writeTags(_ row: FieldRow, state: inout Prepared, scratch: UnsafeMutablePointer<UInt8>, to out: inout RowWriter) {
        if tags.isEmpty { return }
        // One source read as bytes (the usual case): at most one tag, no list to keep.
        if tags.count == 1, case .column(let slot) = tags[0].read, !row.hasLists {
            guard let bytes = row.bytes(slot) else { return }
            let value = TrimmedField(bytes)
            if value.isEmpty { return }
            func writeTag(_ value: UnsafeBufferPointer<UInt8>) {
                // Escaping the pieces apart gives the bytes of escaping them together: each is whole UTF-8.
                out.write(Self.tagsKey)
                out.write(UInt8(ascii: "\""))
                tags[0].prefix.withUnsafeBufferPointer { out.writeEscaped($0) }
                out.writeEscaped(value)
                tags[0].suffix.withUnsafeBufferPointer { out.writeEscaped($0) }
                out.write(UInt8(ascii: "\""))
                out.write(UInt8(ascii: "]"))
                state.presence.mark(tagsBit)
            }
            if value.isTrimmed {
                writeTag(value.bytes)
            } else {
                var text = value.text
                if !text.isEmpty { text.withUTF8 { writeTag($0) } }
            }
            return
        }
        if tagsFromBytes, let count = Self.writeTagsFromBytes(tags, row, scratch: scratch, to: &out) {
            if count > 0 { state.presence.mark(tagsBit) }
            return
        }

        var list: [String] = []
        var seen = Set<String>()
        for step in tags {
            var items: [String]
            if case .column(let slot) = step.read, !row.hasLists {
                guard let bytes = row.bytes(slot) else { continue }
                items = [TrimmedField(bytes).text]
            } else {
                guard case .value(let v?) = row.evaluate(step.tag.spec) else { continue }
                items = v.items
                if let separator = step.tag.split {
                    items = items.flatMap { $0.split(separator: separator).map(String.init) }
                }
            }
            for item in items {
                let trimmed = TextOps.trim(item)
                if trimmed.isEmpty { continue }
                let full = step.tag.prefix + trimmed + step.tag.suffix
                // A linear scan beats hashing for the usual handful of tags.
                if list.count < 16 {
                    if !list.contains(full) { list.append(full) }
                } else if seen.isEmpty {
                    seen = Set(list)
                    if seen.insert(full).inserted { list.append(full) }
                } else if seen.insert(full).inserted {
                    list.append(full)
                }
            }
        }
        if list.count > 100 {
            state.problems.add(
                "tags", "tags_over_limit", plan.tagsOnInvalid, "\(list.count) tags; Omnisend accepts at most 100")
            list.removeLast(list.count - 100)
        }
        if list.isEmpty { return }
        out.write(Self.tagsKey)
        for (i, tag) in list.enumerated() {
            if i > 0 { out.write(UInt8(ascii: ",")) }
            out.writeString(tag)
        }
        out.write(UInt8(ascii: "]"))
        state.presence.mark(tagsBit)
    }

    /// How `tag`'s tags are made from bytes: a constant's once, here; a column's through its byte
    /// chain. `nil` when they cannot be (a prefix, suffix or constant tag that is not ASCII, a
    /// column without a chain, a separator that is empty or holds CR or LF, which `String` splits
    /// by character).
    static func tagBytes(_ tag: MappingPlan.TagSpec) -> TagBytes? {
        func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }
        func escaped(_ text: String) -> [UInt8] {
            var quoted: [UInt8] = []
            JSONText.appendString(text, to: &quoted)
            return Array(quoted.dropFirst().dropLast())
        }
        guard isASCII(tag.prefix) && isASCII(tag.suffix) else { return nil }
        if case .constant = tag.spec.source {
            // As the text path evaluates it for each row: no row value enters a constant.
            guard case .value(let v?) = FieldRow.empty(slots: 0, runDate: "").evaluate(tag.spec) else { return .constant([]) }
            var items = v.items
            if let separator = tag.split { items = items.flatMap { $0.split(separator: separator).map(String.init) } }
            var tags: [[UInt8]] = []
            for item in items {
                let trimmed = TextOps.trim(item)
                if trimmed.isEmpty { continue }
                let full = tag.prefix + trimmed + tag.suffix
                guard isASCII(full) else { return nil }
                var quoted: [UInt8] = []
                JSONText.appendString(full, to: &quoted)
                tags.append(quoted)
            }
            return .constant(tags)
        }
        guard let chain = ByteChain(tag.spec) else { return nil }
        var separator: [UInt8]?
        if let split = tag.split {
            guard !split.isEmpty, isASCII(split), !split.utf8.contains(0x0A), !split.utf8.contains(0x0D) else { return nil }
            separator = Array(split.utf8)
        }
        return .chain(ChainTags(chain: chain, separator: separator, prefix: escaped(tag.prefix), suffix: escaped(tag.suffix)))
    }

    /// The most tags `writeTagsFromBytes` keeps track of (on the stack); a contact with more
    /// goes through the text path, which also applies Omnisend's limit of 100.
    static let maxByteTags = 32

    /// Writes `,"tags":[…]` as `writeTags` does, from bytes: each tag JSON-escaped straight into
    /// the item, and dropped again when an earlier one has the same bytes (ASCII text: the same
    /// bytes are the same text); how many tags it wrote (nothing at all for none). `nil`, with the
    /// writer back where it was, when a tag is not ASCII, a record has lists, or there are more
    /// than `maxByteTags` (the text path then writes them, and warns beyond 100).
    private static func writeTagsFromBytes(
        _ tags: [TagStep], _ row: FieldRow, scratch: UnsafeMutablePointer<UInt8>, to out: inout RowWriter
    ) -> Int? {
        let mark = out.count
        out.write(tagsKey)
        let written: Int? = withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * maxByteTags) { ranges in
            var count = 0
            /// Keeps the tag written from `start` (after its comma, from `from`) unless it repeats
            /// one; `false` when it is one tag too many.
            func keep(from: Int, start: Int) -> Bool {
                let tag = out.written(start..<out.count)
                for i in 0..<count where ranges[2 * i + 1] - ranges[2 * i] == tag.count {
                    if memcmp(out.written(ranges[2 * i]..<ranges[2 * i + 1]).baseAddress!, tag.baseAddress!, tag.count) == 0 {
                        out.rewind(to: from)
                        return true
                    }
                }
                if count == maxByteTags { return false }
                ranges[2 * count] = start
                ranges[2 * count + 1] = out.count
                count += 1
                return true
            }
            /// Writes the tag `prefix + item + suffix` (the item ASCII-trimmed; none when empty).
            func add(_ piece: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8], _ suffix: [UInt8]) -> Bool {
                let item = ASCIIText.trimmed(piece)
                if item.isEmpty { return true }
                let from = out.count
                if count > 0 { out.write(UInt8(ascii: ",")) }
                let start = out.count
                out.write(UInt8(ascii: "\""))
                out.write(prefix)
                out.writeEscaped(item)
                out.write(suffix)
                out.write(UInt8(ascii: "\""))
                return keep(from: from, start: start)
            }
            for step in tags {
                switch step.bytes {
                case .constant(let quoted)?:
                    for tag in quoted {
                        let from = out.count
                        if count > 0 { out.write(UInt8(ascii: ",")) }
                        let start = out.count
                        out.write(tag)
                        if !keep(from: from, start: start) { return nil }
                    }
                case .chain(let source)?:
                    guard let value = source.chain.apply(to: row, scratch: scratch) else { return nil }
                    let prefix = source.prefix
                    let suffix = source.suffix
                    if value.isEmpty { continue }
                    if !ASCIIText.isASCII(value) { return nil }
                    guard let separator = source.separator else {
                        if !add(value, prefix, suffix) { return nil }
                        continue
                    }
                    let text = value.baseAddress!
                    let first = separator[0]
                    let width = separator.count
                    var start = 0
                    var i = 0
                    while i + width <= value.count {
                        if text[i] == first && (width == 1 || separator.withUnsafeBufferPointer {
                            memcmp(text + i + 1, $0.baseAddress! + 1, width - 1) == 0
                        }) {
                            if !add(UnsafeBufferPointer(start: text + start, count: i - start), prefix, suffix) { return nil }
                            i += width
                            start = i
                        } else {
                            i += 1
                        }
                    }
                    if !add(UnsafeBufferPointer(start: text + start, count: value.count - start), prefix, suffix) {
                        return nil
                    }
                case nil:
                    return nil
                }
            }
            return count
        }
        guard let written else {
            out.rewind(to: mark)
            return nil
        }
        if written == 0 { out.rewind(to: mark) } else { out.write(UInt8(ascii: "]")) }
        return written
    }
}
