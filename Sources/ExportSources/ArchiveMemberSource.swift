import ExportCore

/// The data of the current entry of an `ArchiveReader`, as a `ByteSource`.
///
/// Counts what it yields: more than the entry's declared size is an error (libarchive 3.6.2 keeps
/// inflating past it), fewer at the end is a truncated entry, and zip output is held to the
/// decompression limits (tar output is charged but not ratio-checked: it is stored, not compressed).
struct ArchiveMemberSource: ByteSource {
    private let reader: ArchiveReader
    private let entry: ArchiveEntry
    private var meter: DecompressionMeter
    private let startOffset: Int64

    init(reader: ArchiveReader, entry: ArchiveEntry, limits: DecompressionLimits, budget: DecompressionBudget) {
        self.reader = reader
        self.entry = entry
        self.meter = DecompressionMeter(limits: limits, budget: budget, name: "\(reader.name):\(entry.name)")
        self.startOffset = reader.inputOffset
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try reader.readData(into: buffer, member: entry.name)
        let produced = meter.produced + Int64(count)
        if let declared = entry.declaredSize {
            if produced > declared {
                throw sizeError("holds more data than its declared size of \(declared) bytes")
            }
            if count == 0 && produced < declared {
                throw sizeError("ends after \(produced) of its declared \(declared) bytes (truncated)")
            }
        }
        let compressed = reader.format == .zip ? reader.inputOffset - startOffset : nil
        try meter.record(count, compressed: compressed)
        return count
    }

    private func sizeError(_ detail: String) -> ExportError {
        ExportError(
            .corruptInput,
            "\(reader.format.rawValue) entry '\(entry.name)' \(detail), near archive byte offset \(reader.inputOffset)",
            path: meter.name)
    }
}
