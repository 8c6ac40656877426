import ExportCore
import ExportFormats

/// libFuzzer entry: the input is an NDJSON file, read whole and in small pieces with a 256-byte
/// line limit; both must give the same records, rejections and error. Read raw as `prepare` reads
/// it (`nextRaw()`: flat lines by key), each line must give what its record gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let whole = transcript(NDJSONReader(source: MemorySource(bytes), file: "fuzz.ndjson", maxLineBytes: 256), limit: size)
    let pieces = transcript(
        NDJSONReader(source: PieceSource(bytes, seed: size), file: "fuzz.ndjson", maxLineBytes: 256), limit: size)
    check(whole == pieces, "NDJSON read whole and in pieces differ:\n\(whole)\n---\n\(pieces)")
    compareRawReading(bytes, seed: size)
    return 0
}

/// Reads `bytes` plainly and raw in step: a `.fields` line must hold, for every key of
/// `fieldsHeader`, the text its record has for that key (nothing for a null or a missing key),
/// and its record must have no key outside it nor a nested value; everything else must be equal.
private func compareRawReading(_ bytes: [UInt8], seed: Int) {
    var plain = NDJSONReader(source: MemorySource(bytes), file: "fuzz.ndjson", maxLineBytes: 256)
    var raw = NDJSONReader(source: PieceSource(bytes, seed: seed &+ 1), file: "fuzz.ndjson", maxLineBytes: 256)
    while true {
        let expected: ReadOutcome?
        let got: NDJSONReader<PieceSource>.RawOutcome?
        do {
            expected = try plain.next()
        } catch {
            check((try? raw.nextRaw()) == nil, "the raw reading went on where the plain one threw \(error)")
            return
        }
        do {
            got = try raw.nextRaw()
        } catch {
            fatalError("the raw reading threw \(error) where the plain one gave \(String(describing: expected))")
        }
        switch (expected, got) {
        case (nil, nil):
            return
        case (.malformed(let a)?, .malformed(let b)?):
            check(a == b, "rejections differ: \(a) vs \(b)")
        case (.record(let a)?, .record(let b)?):
            check(a == b, "records differ: \(a) vs \(b)")
        case (.record(let record)?, .fields(let origin)?):
            check(origin == record.origin, "origins differ: \(record.origin) vs \(origin)")
            let names = raw.fieldsHeader?.names ?? []
            for (name, value) in zip(record.header.names, record.values) {
                check(names.contains(name), "key \(name) is not among the fields \(names)")
                check(value.text != nil || value == .null, "a nested value of \(name) was lent as a field")
            }
            raw.withCurrentFields { fields in
                check(fields.count == names.count, "\(fields.count) fields for \(names.count) keys")
                for (i, name) in names.enumerated() {
                    let text = fields.isNull(i) ? nil : String(decoding: fields[i], as: UTF8.self)
                    let want = record.header.index(of: name).flatMap { record.values[$0].text }
                    check(text == want, "key \(name): \(String(describing: text)) vs \(String(describing: want))")
                }
            }
        default:
            fatalError("read plainly \(String(describing: expected)), raw \(String(describing: got))")
        }
    }
}
