import ExportCore

/// Counts every row where it went, per input file, per bundle member and in total, so that the
/// manifest can show the accounting identity at each level.
struct Tally {
    private(set) var total = RunCounts()
    var rejectReasons: [String: Int] = [:]
    var warnings: [String: Int] = [:]
    private var perInput: [Int: RunCounts] = [:]
    private var members: [Int: [RunManifest.MemberEntry]] = [:]
    private var position: RecordRun.InputPosition?

    /// Rows counted from now on belong to `position`.
    mutating func begin(_ position: RecordRun.InputPosition) {
        self.position = position
        if perInput[position.input] == nil { perInput[position.input] = RunCounts() }
        if let member = position.member {
            members[position.input, default: []].append(
                RunManifest.MemberEntry(name: member, format: position.memberFormat, counts: RunCounts()))
        }
    }

    /// Adds one to `key` in the total, the current input and the current member.
    mutating func count(_ key: WritableKeyPath<RunCounts, Int>) {
        total[keyPath: key] += 1
        guard let position else { return }
        perInput[position.input, default: RunCounts()][keyPath: key] += 1
        if position.member != nil, let last = members[position.input]?.indices.last {
            members[position.input]![last].counts[keyPath: key] += 1
        }
    }

    /// The manifest's input entries.
    func inputEntries(_ identities: [RecordRun.InputIdentity]) -> [RunManifest.InputEntry] {
        identities.enumerated().map { index, identity in
            RunManifest.InputEntry(
                path: identity.path, bytes: identity.bytes, sha256: identity.sha256, format: identity.format,
                counts: perInput[index] ?? RunCounts(), members: members[index] ?? [])
        }
    }
}
