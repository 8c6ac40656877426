/// Counts, over the contacts written to chunks, how many carry each contact field: the top-level
/// keys of the item (`firstName`, `tags`, …), each custom property (`customProperties.vip`) and
/// each identifier type (`email`, `phone`). The manifest keeps the counts (`fillCounts`); the
/// run report shows them as fill rates.
///
/// Runs on the writing thread over the item's bytes as the chunk gets them, in one pass and
/// without allocating: items of one mapping list their keys in the same order, so each key is
/// first compared with the key that came at that place in the previous item.
struct FillCounter {
    /// The field names seen, in order of first appearance, and how many items carried each.
    private var names: [[UInt8]] = []
    private var counts: [Int] = []
    /// The field ids of the previous item, in order (the guess for the next one).
    private var previous: [Int] = []
    private var current: [Int] = []

    private static let customProperties = Array("customProperties".utf8)
    private static let identifiers = Array("identifiers".utf8)
    private static let type = Array("type".utf8)
    private static let customPrefix = Array("customProperties.".utf8)
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// Counts the fields of one item (a JSON object on one line, as the mapper writes it).
    mutating func count(_ item: UnsafeBufferPointer<UInt8>) {
        current.removeAll(keepingCapacity: true)
        // Containers by depth: whether each is an object, and which top-level key holds it.
        var isObject: (Bool, Bool, Bool, Bool) = (false, false, false, false)
        var depth = 0
        var topKey = 0  // 1: customProperties, 2: identifiers, 0: another key
        var expectKey = false
        var valueIsType = false
        var i = 0
        let n = item.count
        while i < n {
            let byte = item[i]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                let object = byte == UInt8(ascii: "{")
                switch depth {
                case 1: isObject.0 = object
                case 2: isObject.1 = object
                case 3: isObject.2 = object
                case 4: isObject.3 = object
                default: break
                }
                expectKey = object
                valueIsType = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                expectKey = false
            case UInt8(ascii: ","):
                switch depth {
                case 1: expectKey = isObject.0
                case 2: expectKey = isObject.1
                case 3: expectKey = isObject.2
                case 4: expectKey = isObject.3
                default: expectKey = false
                }
                valueIsType = false
            case Self.quote:
                let start = i + 1
                var end = start
                while end < n && item[end] != Self.quote {
                    end += item[end] == Self.backslash ? 2 : 1
                }
                let text = UnsafeBufferPointer(rebasing: item[start..<min(end, n)])
                if expectKey {
                    if depth == 1 {
                        topKey = Self.equal(text, Self.customProperties) ? 1 : Self.equal(text, Self.identifiers) ? 2 : 0
                        if topKey == 0 { note(text, prefixed: false) }
                    } else if depth == 2 && topKey == 1 {
                        note(text, prefixed: true)
                    } else if depth == 3 && topKey == 2 {
                        valueIsType = Self.equal(text, Self.type)
                    }
                    expectKey = false
                } else if valueIsType {
                    note(text, prefixed: false)
                    valueIsType = false
                }
                i = end
            default:
                break
            }
            i += 1
        }
        swap(&previous, &current)
    }

    /// The counts by field name.
    var fields: [String: Int] {
        var result: [String: Int] = [:]
        for (index, name) in names.enumerated() { result[String(decoding: name, as: UTF8.self)] = counts[index] }
        return result
    }

    private mutating func note(_ text: UnsafeBufferPointer<UInt8>, prefixed: Bool) {
        let prefix = prefixed ? Self.customPrefix.count : 0
        let position = current.count
        if position < previous.count {
            let guess = previous[position]
            if Self.matches(names[guess], text, prefixed: prefixed) { return found(guess) }
        }
        for id in names.indices where Self.matches(names[id], text, prefixed: prefixed) { return found(id) }
        var name = prefixed ? Self.customPrefix : []
        name.reserveCapacity(prefix + text.count)
        name.append(contentsOf: text)
        names.append(name)
        counts.append(0)
        found(names.count - 1)
    }

    private mutating func found(_ id: Int) {
        // Two identifiers of one type (two phones) count once.
        if current.last == id { return }
        counts[id] += 1
        current.append(id)
    }

    private static func matches(_ name: [UInt8], _ text: UnsafeBufferPointer<UInt8>, prefixed: Bool) -> Bool {
        let prefix = prefixed ? customPrefix.count : 0
        guard name.count == prefix + text.count else { return false }
        if prefixed && !name.starts(with: customPrefix) { return false }
        return name.withUnsafeBufferPointer { stored in
            var k = 0
            while k < text.count {
                if stored[prefix + k] != text[k] { return false }
                k += 1
            }
            return true
        }
    }

    private static func equal(_ text: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard text.count == word.count else { return false }
        for k in 0..<word.count where text[k] != word[k] { return false }
        return true
    }
}
