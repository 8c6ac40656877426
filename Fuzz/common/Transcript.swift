import ExportCore

/// What a reader made of one input, as comparable text: every outcome, then the error that
/// stopped it. Traps (a fuzzer finding) when the reader never stops, yields a record whose values
/// and header differ in length, or throws something other than an `ExportError`.
func transcript<Reader: RecordReader>(_ reader: Reader, limit: Int) -> [String] {
    var reader = reader
    var lines: [String] = []
    do {
        while let outcome = try reader.next() {
            switch outcome {
            case .record(let record):
                check(record.values.count == record.header.names.count, "record and header differ in length")
                lines.append("record \(record.origin) \(record.header.names) \(record.values)")
            case .malformed(let rejection):
                lines.append("malformed \(rejection.origin) \(rejection.reason) \(rejection.detail)")
            }
            check(lines.count <= limit + 1, "the reader yields more outcomes than the input has bytes")
        }
    } catch let error as ExportError {
        lines.append("error \(error.code.rawValue) \(error)")
    } catch {
        fatalError("the reader threw a non-ExportError: \(error)")
    }
    return lines
}

/// The bytes libFuzzer hands over.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Traps with `message` when `condition` is false; unlike `precondition`, keeps the message in
/// an optimised build, so the fuzzer's log says what broke.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
