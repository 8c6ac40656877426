import ExportCore

/// Visits the data members of one zip or tar bundle in entry-name order.
///
/// A first pass lists every entry (warning about the ones skipped by `ArchiveEntryPolicy`,
/// failing on encrypted ones, and reading the input to its end so a gzip layer underneath is
/// CRC-checked before any row is read). Then each data member is visited in name order; when
/// that order goes backwards in the archive, the bundle is re-opened and read forward again.
struct BundleWalker {
    let format: ArchiveReader.Format
    let displayName: String
    /// The container's format name, `zip` or `tar.gz`, used as the members' name prefix.
    let containerName: String
    let limits: DecompressionLimits
    let budget: DecompressionBudget
    /// Which members are read by name (`members:` of the input, or the default).
    var members = MemberFilter()
    /// Opens the bundle at its first entry; called once per pass.
    let open: () throws -> ArchiveReader

    /// Calls `body` once per data member; returns how many members were read. `skipped` hears
    /// of each member that `members` skips, with the reason, in archive order.
    @discardableResult
    func walk(
        warn: (String) -> Void, skipped: (String, String) -> Void = { _, _ in },
        body: (LogicalInput, inout any ByteSource) throws -> Void
    ) throws -> Int {
        let ordered = try listDataEntries(warn: warn, skipped: skipped).sorted {
            $0.nameBytes == $1.nameBytes ? $0.index < $1.index : $0.nameBytes.lexicographicallyPrecedes($1.nameBytes)
        }
        var reader: ArchiveReader?
        var position = -1
        var membersRead = 0
        for target in ordered {
            if reader == nil || position >= target.index {
                reader = nil
                reader = try open()
                position = -1
            }
            guard let current = reader else { break }
            var found: ArchiveEntry?
            while position < target.index {
                found = try current.nextEntry { _ in }  // already warned in the first pass
                guard let found else { throw ExportError.bundleChanged(name: displayName, entry: target.name) }
                position = found.index
            }
            guard found == target else { throw ExportError.bundleChanged(name: displayName, entry: target.name) }
            if try visit(target, in: current, warn: warn, body: body) { membersRead += 1 }
        }
        if membersRead == 0 {
            warn("\(displayName): no CSV or NDJSON member in this \(containerName) bundle")
        }
        return membersRead
    }

    /// The first pass: every entry that `ArchiveEntryPolicy` lets through.
    private func listDataEntries(warn: (String) -> Void, skipped: (String, String) -> Void) throws -> [ArchiveEntry] {
        let reader = try open()
        var count = 0
        var entries: [ArchiveEntry] = []
        while let entry = try reader.nextEntry(warn: warn) {
            count += 1
            switch ArchiveEntryPolicy.verdict(for: entry) {
            case .open:
                if let reason = members.skipReason(entry.name) {
                    skipped(entry.name, reason)
                    continue
                }
                guard !entry.isEncrypted else {
                    throw ExportError(
                        .corruptInput,
                        "\(format.rawValue) entry '\(entry.name)' is encrypted; encrypted bundles are not supported "
                            + "(re-create the bundle without a password)",
                        path: "\(displayName):\(entry.name)")
                }
                entries.append(entry)
            case .skip(let reason):
                warn("\(displayName): skipped entry '\(entry.name)': \(reason)")
            }
        }
        try reader.drainInput()
        if count == 0 {
            throw ExportError(
                .corruptInput, "\(containerName) bundle has no entries (empty, or damaged before the first entry)",
                path: displayName)
        }
        return entries
    }

    /// Reads one member if its content or name says CSV or NDJSON; returns whether it was read.
    private func visit(
        _ entry: ArchiveEntry, in reader: ArchiveReader, warn: (String) -> Void,
        body: (LogicalInput, inout any ByteSource) throws -> Void
    ) throws -> Bool {
        let memberName = "\(displayName):\(entry.name)"
        let raw = ArchiveMemberSource(reader: reader, entry: entry, limits: limits, budget: budget)
        let peeled = try PeeledStream(raw, name: memberName, limits: limits, budget: budget)
        let byName = Self.formatFromName(entry.name)
        let format: PayloadFormat
        switch peeled.sniffed {
        case .ndjson:
            format = .ndjson
        case .csv where byName != nil:
            format = byName!
        case .utf16 where byName != nil:
            throw ExportError.utf16Input(name: memberName)
        case .empty:
            warn("\(memberName): skipped member: empty")
            return false
        case .zip, .tar, .gzip:
            warn("\(memberName): skipped member: nested \(peeled.sniffed.rawValue) archive (not opened)")
            return false
        case .csv, .utf16:
            warn("\(memberName): skipped member: neither CSV nor NDJSON by its content or name")
            return false
        }
        let input = LogicalInput(
            member: entry.name, format: format,
            formatName: "\(containerName):\(format.rawValue)\(peeled.gzipSuffix)")
        // A zip member is inflated by libarchive: on its own thread too, like a gzip layer. The
        // read-ahead ends (and hands the archive back) when `source` goes, before the next entry.
        var source: any ByteSource =
            self.format == .zip
            ? ReadAheadSource(peeled.source, threadName: "prepare-unzip") : InputWalker.readingAhead(peeled)
        try body(input, &source)
        return true
    }

    /// The payload format a member's name promises, ignoring `.gz` suffixes: `.csv`, `.tsv`,
    /// `.txt` are CSV; `.ndjson`, `.jsonl`, `.json` are NDJSON; anything else nil.
    static func formatFromName(_ name: String) -> PayloadFormat? {
        var lower = Substring(name.lowercased())
        while lower.hasSuffix(".gz") { lower = lower.dropLast(3) }
        if [".csv", ".tsv", ".txt"].contains(where: { lower.hasSuffix($0) }) { return .csv }
        if [".ndjson", ".jsonl", ".json"].contains(where: { lower.hasSuffix($0) }) { return .ndjson }
        return nil
    }
}
