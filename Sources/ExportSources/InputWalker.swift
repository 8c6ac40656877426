import ExportCore

/// The entry point of the prepare job into `ExportSources`: turns one input path into the
/// logical inputs (record streams) it holds.
public enum InputWalker {
    /// Opens `path`, peels gzip layers, and calls `body` once per logical input (the file itself,
    /// or each member of a bundle in name order) with a `ByteSource` positioned at the start of
    /// its payload.
    ///
    /// - Parameters:
    ///   - displayName: what errors and warnings print for the file (the path as the user wrote it).
    ///   - forced: the pipeline's format; `.auto` sniffs the content (gzip layers are always sniffed).
    ///   - warn: receives one line per skipped entry or member, naming it.
    ///   - members: which bundle members are read by name (ignored for plain files).
    ///   - skipped: hears of each bundle member that `members` skips: its name and why.
    /// - Returns: the container format name: `csv`, `ndjson.gz`, `zip`, `tar.gz`, …
    /// - Throws: `ExportError` (`.noInput`, `.io`, `.corruptInput`, `.limitExceeded`), or whatever `body` throws.
    public static func walk(
        path: String, displayName: String, forced: InputFormat, limits: DecompressionLimits,
        budget: DecompressionBudget, warn: (String) -> Void, members: MemberFilter = MemberFilter(),
        skipped: (String, String) -> Void = { _, _ in },
        body: (LogicalInput, inout any ByteSource) throws -> Void
    ) throws -> String {
        let top = try PeeledStream(FileSource(path: path), name: displayName, limits: limits, budget: budget)
        if top.sniffed == .empty { throw ExportError.emptyInput(name: displayName, gzipLayers: top.gzipLayers) }
        if top.gzipLayers == 0, [".gz", ".tgz"].contains(where: { displayName.lowercased().hasSuffix($0) }) {
            warn("\(displayName): named like a gzip file, but the content is not gzip; reading it as it is")
        }
        let bundle: ArchiveReader.Format
        switch (forced, top.sniffed) {
        case (.csv, _), (.auto, .csv):
            return try readPlain(top, format: .csv, body: body)
        case (.ndjson, _), (.auto, .ndjson):
            return try readPlain(top, format: .ndjson, body: body)
        case (.zip, _), (.auto, .zip):
            bundle = .zip
        case (.tar, _), (.auto, .tar):
            bundle = .tar
        case (.auto, .utf16):
            throw ExportError.utf16Input(name: displayName)
        case (.auto, .empty), (.auto, .gzip):
            throw ExportError(.internal, "unexpected sniffed format \(top.sniffed)", path: displayName)
        }
        let containerName = bundle.rawValue + top.gzipSuffix
        var walker = BundleWalker(
            format: bundle, displayName: displayName, containerName: containerName, limits: limits, budget: budget
        ) {
            if top.gzipLayers == 0 { return try ArchiveReader(format: bundle, path: path, name: displayName) }
            // The gzip layer under a bundle is re-read on every pass; only member bytes count for the run.
            let peeled = try PeeledStream(
                FileSource(path: path), name: displayName, limits: limits, budget: DecompressionBudget())
            return try ArchiveReader(format: bundle, source: readingAhead(peeled), name: displayName)
        }
        walker.members = members
        try walker.walk(warn: warn, skipped: skipped, body: body)
        return containerName
    }

    private static func readPlain(
        _ stream: PeeledStream, format: PayloadFormat, body: (LogicalInput, inout any ByteSource) throws -> Void
    ) throws -> String {
        let name = format.rawValue + stream.gzipSuffix
        var source = readingAhead(stream)
        try body(LogicalInput(member: nil, format: format, formatName: name), &source)
        return name
    }

    /// The payload of `stream`, decompressed on its own thread when it had gzip layers, so that
    /// inflating overlaps with parsing.
    static func readingAhead(_ stream: PeeledStream) -> any ByteSource {
        guard stream.gzipLayers > 0 else { return stream.source }
        return ReadAheadSource(stream.source, threadName: "prepare-gunzip")
    }
}
