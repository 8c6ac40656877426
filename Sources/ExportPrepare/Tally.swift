import ExportCore

/// Counts every row where it went, per input file, per bundle member and in total, so that the
/// manifest can show the accounting identity at each level.
///
/// A row only touches the total and the counts of the current file or member (`current`); those
/// are added to the per-input and per-member counts when the next file or member begins, so the
/// hot path has no dictionary look-up.
struct Tally {
    private(set) var total = RunCounts()
    var rejectReasons: [String: Int] = [:]
    var warnings: [String: Int] = [:]
    private var perInput: [Int: RunCounts] = [:]
    private var members: [Int: [RunManifest.MemberEntry]] = [:]
    private var position: RecordRun.InputPosition?
    /// The rows counted since `position` began.
    private var current = RunCounts()

    /// Rows counted from now on belong to `position`.
    mutating func begin(_ position: RecordRun.InputPosition) {
        settle()
        self.position = position
        if perInput[position.input] == nil { perInput[position.input] = RunCounts() }
        if let member = position.member {
            members[position.input, default: []].append(
                RunManifest.MemberEntry(name: member, format: position.memberFormat, counts: RunCounts()))
        }
    }

    /// Adds one to `key` in the total and in the current input and member.
    mutating func count(_ key: WritableKeyPath<RunCounts, Int>) {
        total[keyPath: key] += 1
        current[keyPath: key] += 1
    }

    /// Counts a kept contact the destination state already holds (`prepare --incremental`):
    /// `unchanged` is part of `kept`.
    mutating func countUnchanged() {
        total.unchanged = (total.unchanged ?? 0) + 1
        current.unchanged = (current.unchanged ?? 0) + 1
    }

    /// An incremental run shows `unchanged` in its totals even when it is 0.
    mutating func showUnchanged() {
        if total.unchanged == nil { total.unchanged = 0 }
    }

    /// Adds the current position's counts to its input and member.
    private mutating func settle() {
        defer { current = RunCounts() }
        guard let position, current != RunCounts() else { return }
        perInput[position.input, default: RunCounts()].add(current)
        if position.member != nil, let last = members[position.input]?.indices.last {
            members[position.input]![last].counts.add(current)
        }
    }

    /// The manifest's input entries.
    func inputEntries(_ identities: [RecordRun.InputIdentity]) -> [RunManifest.InputEntry] {
        var settled = self
        settled.settle()
        return identities.enumerated().map { index, identity in
            RunManifest.InputEntry(
                path: identity.path, bytes: identity.bytes, sha256: identity.sha256, format: identity.format,
                counts: settled.perInput[index] ?? RunCounts(), members: settled.members[index] ?? [],
                skippedMembers: identity.skippedMembers)
        }
    }
}
