import ExportCore

/// Reads the same bytes through a reader cut into pieces in many ways (whole, one byte at a time,
/// 5-byte pieces, seeded random splits) and checks every way yields the same records, rejections,
/// origins and final error, and, when given, the expected ones.
///
/// One helper for every reader: wrap the `ChunkedSource` in whatever sits between the bytes and the
/// reader (`make: { NDJSONReader(source: GzipSource($0), file: "x") }`).
public enum ReaderVerifier {
    /// Everything a reader produced from one input: its outcomes, then the error that stopped it.
    public struct Transcript: Sendable, Equatable, CustomStringConvertible {
        /// Records and malformed rows, in order.
        public var outcomes: [ReadOutcome]
        /// The error `next()` threw, if one ended the reading.
        public var error: ExportError?

        /// Creates a transcript.
        public init(outcomes: [ReadOutcome], error: ExportError? = nil) {
            self.outcomes = outcomes
            self.error = error
        }

        /// The records only.
        public var records: [Record] {
            outcomes.compactMap { if case .record(let record) = $0 { return record } else { return nil } }
        }

        /// The rejections only.
        public var rejections: [Rejection] {
            outcomes.compactMap { if case .malformed(let rejection) = $0 { return rejection } else { return nil } }
        }

        public var description: String {
            var lines = outcomes.map { outcome -> String in
                switch outcome {
                case .record(let r): return "record line \(r.origin.line) #\(r.origin.index): \(r.header.names) = \(r.values)"
                case .malformed(let m):
                    return "malformed line \(m.origin.line) #\(m.origin.index): \(m.reason) (\(m.detail))"
                }
            }
            if let error { lines.append("error \(error.code.rawValue): \(error)") }
            return lines.joined(separator: "\n")
        }
    }

    /// A difference between two ways of reading, or between a reading and the expected result.
    public struct Mismatch: Error, CustomStringConvertible {
        /// What differed, with both transcripts.
        public var description: String
    }

    /// Reads `bytes` whole, byte by byte, in 5-byte pieces and in `randomSplits` seeded random
    /// splits, and checks all give the same transcript, equal to `expected`/`expectedError` if given.
    /// - Returns: the transcript (of the whole read), for further checks.
    /// - Throws: `Mismatch` naming the splitting that differed.
    @discardableResult
    public static func verify<Reader: RecordReader>(
        bytes: [UInt8], expected: [ReadOutcome]? = nil, expectedError: ExportError? = nil, randomSplits: Int = 6,
        seed: UInt64 = 0x5EED, make: (ChunkedSource) -> Reader
    ) throws -> Transcript {
        let reference = try transcript(of: make(ChunkedSource(bytes, pieceSize: max(1, bytes.count))), limit: bytes.count)
        if let expected {
            let wanted = Transcript(outcomes: expected, error: expectedError)
            guard reference == wanted else {
                throw Mismatch(description: "read whole:\n\(reference)\n--- expected:\n\(wanted)")
            }
        }
        var splittings: [(String, ChunkedSource)] = [
            ("1-byte pieces", ChunkedSource(bytes, pieceSize: 1)),
            ("5-byte pieces", ChunkedSource(bytes, pieceSize: 5)),
        ]
        for k in 0..<randomSplits {
            let splitSeed = seed &+ UInt64(k)
            splittings.append(("random split, seed \(splitSeed)", ChunkedSource(bytes, seed: splitSeed)))
        }
        for (name, source) in splittings {
            let other = try transcript(of: make(source), limit: bytes.count)
            guard other == reference else {
                throw Mismatch(description: "read in \(name):\n\(other)\n--- read whole:\n\(reference)")
            }
        }
        return reference
    }

    /// Reads everything from `reader`; stops at the first error, which becomes part of the transcript.
    /// - Throws: `Mismatch` when the reader yields more outcomes than the input has bytes (it would
    ///   never stop), or when it throws something other than an `ExportError`.
    public static func transcript<Reader: RecordReader>(of reader: Reader, limit: Int) throws -> Transcript {
        var reader = reader
        var outcomes: [ReadOutcome] = []
        do {
            while let outcome = try reader.next() {
                outcomes.append(outcome)
                guard outcomes.count <= limit + 1 else {
                    throw Mismatch(description: "the reader yielded more outcomes than the input has bytes")
                }
            }
            return Transcript(outcomes: outcomes)
        } catch let error as ExportError {
            return Transcript(outcomes: outcomes, error: error)
        } catch let mismatch as Mismatch {
            throw mismatch
        } catch {
            throw Mismatch(description: "the reader threw a non-ExportError: \(error)")
        }
    }
}
