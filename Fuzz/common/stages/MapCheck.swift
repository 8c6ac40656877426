import ExportCore
import ExportFormats
import ExportPipeline

/// Maps a few awkward rows through a mapping that loaded, and traps (a fuzzer finding) when a
/// contact's JSON is not valid JSON (what the mapper makes is sent to Omnisend as it is), or when
/// the engine (`MappingProgram`) maps the row differently from the slow reference `ContactMapper`.
enum MapCheck {
    /// Values chosen to hit the transforms: emails, dates, numbers, phones, countries, odd text.
    static let samples = [
        "", " ", "a@example.com", "  Mixed.Case+tag@Example.COM ", "not an email", "2026-01-31",
        "31/12/1999 23:59", "1e309", "-0", "+1 (555) 010-9999", "LT", "Lithuania", "true", "\u{0}",
        "\"quoted\"\\", "\u{1F600}\u{301}", "a,b;c", String(repeating: "x", count: 300),
    ]

    /// Maps rows whose values are picked by `seed` through `plan` for `apiVersion`.
    static func run(_ plan: MappingPlan, apiVersion: APIVersion, seed: Int) {
        let names = plan.columnNames
        let header = Header(names)
        let mapper = ContactMapper(plan: plan, apiVersion: apiVersion, runDate: "2026-11-29")
        let program = MappingProgram(plan: plan, apiVersion: apiVersion, runDate: "2026-11-29")
        let columns = program.bind(header)
        var scratch = MappingProgram.Scratch()
        for row in 0..<4 {
            let texts = names.indices.map { i in samples[(seed &+ row &* 7 &+ i &* 3) & 0xFFFF % samples.count] }
            let record = Record(
                header: header, values: texts.map(FieldValue.string),
                origin: RecordOrigin(file: "fuzz.csv", line: row + 2, index: row))
            let result = mapper.map(record)
            if case .contact(let contact) = result {
                let valid = contact.json.withUnsafeBytes { bytes in (try? JSONValueParser.parse(bytes)) != nil }
                check(valid, "the mapper wrote invalid JSON: \(String(decoding: contact.json, as: UTF8.self))")
            }
            let direct = RawFields.with(texts) { program.map($0, columns: columns, origin: record.origin, scratch: &scratch) }
            check(direct == result, "MappingProgram and ContactMapper differ:\n\(direct)\n---\n\(result)")
        }
    }
}
