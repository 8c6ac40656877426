import ExportCore

/// The origins of kept rows, packed to 8 bytes each (input number and line) so that a run of
/// ten million rows keeps no per-row `String`.
struct OriginTable {
    private(set) var inputNames: [String] = []
    private var inputIndex: [String: UInt32] = [:]
    private var inputs: [UInt32] = []
    private var lines: [UInt32] = []
    /// The last input interned: rows come input by input, so most rows match it.
    private var lastFile: String?
    private var lastMember: String?
    private var lastIndex: UInt32 = 0

    /// How many origins the table holds.
    var count: Int { inputs.count }

    /// Records `origin` and returns its slot.
    mutating func append(_ origin: RecordOrigin) -> Int {
        inputs.append(intern(origin))
        lines.append(UInt32(clamping: origin.line))
        return inputs.count - 1
    }

    /// Replaces the origin in `slot`.
    mutating func replace(_ slot: Int, with origin: RecordOrigin) {
        inputs[slot] = intern(origin)
        lines[slot] = UInt32(clamping: origin.line)
    }

    private mutating func intern(_ origin: RecordOrigin) -> UInt32 {
        if let lastFile, lastFile == origin.file, lastMember == origin.member { return lastIndex }
        let name = origin.inputName
        let index: UInt32
        if let known = inputIndex[name] {
            index = known
        } else {
            index = UInt32(inputNames.count)
            inputNames.append(name)
            inputIndex[name] = index
        }
        lastFile = origin.file
        lastMember = origin.member
        lastIndex = index
        return index
    }

    /// The input name (`file` or `file:member`) and line of `slot`.
    subscript(slot: Int) -> (input: String, line: Int) {
        (inputNames[Int(inputs[slot])], Int(lines[slot]))
    }
}
