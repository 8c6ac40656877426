/// `manifest.json` of a run folder: what `prepare` produced. Written last and atomically; the
/// uploader trusts nothing else. Contains no timestamps, so the same inputs give the same bytes.
public struct RunManifest: Sendable, Codable, Equatable {
    /// The manifest format version (1); bump and migrate when the shape changes.
    public var formatVersion: Int
    /// The tool that wrote it.
    public var tool: Tool
    /// The pipeline file, as given, with its sha256.
    public var pipeline: FileFingerprint
    /// The mapping file, with its sha256 (the pipeline's own fingerprint when the mapping is inline).
    public var mapping: FileFingerprint
    /// Where the chunks go (never the key).
    public var destination: Destination
    /// Each input file, in the order read.
    public var inputs: [InputEntry]
    /// Totals over all inputs.
    public var counts: RunCounts
    /// Rejected rows per reason code.
    public var rejectReasons: [String: Int]
    /// Warnings per code (a field dropped from a contact, a bundle entry skipped), with counts.
    public var warnings: [String: Int]
    /// Chunk files in upload order.
    public var chunks: [ChunkEntry]
    /// The side files of the run folder (`rejects.ndjson`, `duplicates.ndjson`, `contacts.ndjson`,
    /// `warnings.ndjson`).
    public var files: [FileEntry]
    /// How many of the contacts written to chunks carry each contact field (`firstName`,
    /// `customProperties.vip`, identifier types `email` and `phone`): over `counts.kept`, the
    /// field's fill rate. Absent in manifests of older versions.
    public var fillCounts: [String: Int]?
    /// The destination state this run was diffed against (`sync:` in the pipeline); absent otherwise.
    public var sync: Sync?

    /// Creates a manifest.
    public init(
        formatVersion: Int = 1, tool: Tool = Tool(), pipeline: FileFingerprint, mapping: FileFingerprint,
        destination: Destination, inputs: [InputEntry], counts: RunCounts, rejectReasons: [String: Int],
        warnings: [String: Int] = [:], chunks: [ChunkEntry], files: [FileEntry], fillCounts: [String: Int]? = nil, sync: Sync? = nil
    ) {
        self.formatVersion = formatVersion
        self.tool = tool
        self.pipeline = pipeline
        self.mapping = mapping
        self.destination = destination
        self.inputs = inputs
        self.counts = counts
        self.rejectReasons = rejectReasons
        self.warnings = warnings
        self.chunks = chunks
        self.files = files
        self.fillCounts = fillCounts
        self.sync = sync
    }

    /// The name and version of the writer.
    public struct Tool: Sendable, Codable, Equatable {
        public var name: String
        public var version: String
        /// The current tool.
        public init(name: String = "omnisend-export", version: String = ToolVersion.current) {
            self.name = name
            self.version = version
        }
    }

    /// A file and its content hash.
    public struct FileFingerprint: Sendable, Codable, Equatable {
        public var path: String
        public var sha256: String
        /// Creates a fingerprint.
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// One input file: its identity and what became of its rows.
    public struct InputEntry: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
        /// The detected or forced format (`csv`, `ndjson`, `ndjson.gz`, `zip`, `tar`, `tar.gz`, …).
        public var format: String
        public var counts: RunCounts
        /// Members read from a bundle, in the order read (empty for plain files).
        public var members: [MemberEntry]
        /// Members of a bundle not read because of their name (`MemberFilter`: by default `_*`,
        /// `.*`, `*.crc`), in archive order; absent for plain files.
        public var skippedMembers: [String]?
        /// Creates an input entry.
        public init(
            path: String, bytes: Int, sha256: String, format: String, counts: RunCounts, members: [MemberEntry],
            skippedMembers: [String]? = nil
        ) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.format = format
            self.counts = counts
            self.members = members
            self.skippedMembers = skippedMembers
        }
    }

    /// One member of a bundle that was read.
    public struct MemberEntry: Sendable, Codable, Equatable {
        public var name: String
        public var format: String
        public var counts: RunCounts
        /// Creates a member entry.
        public init(name: String, format: String, counts: RunCounts) {
            self.name = name
            self.format = format
            self.counts = counts
        }
    }

    /// One chunk file: the exact body of one `POST /batches`.
    public struct ChunkEntry: Sendable, Codable, Equatable {
        /// Path relative to the run folder (`chunks/chunk-000001.json`).
        public var file: String
        public var contacts: Int
        public var bytes: Int
        public var sha256: String
        /// Creates a chunk entry.
        public init(file: String, contacts: Int, bytes: Int, sha256: String) {
            self.file = file
            self.contacts = contacts
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// A side file of the run folder.
    public struct FileEntry: Sendable, Codable, Equatable {
        public var file: String
        public var lines: Int
        public var bytes: Int
        public var sha256: String
        /// Creates a file entry.
        public init(file: String, lines: Int, bytes: Int, sha256: String) {
            self.file = file
            self.lines = lines
            self.bytes = bytes
            self.sha256 = sha256
        }
    }
}
