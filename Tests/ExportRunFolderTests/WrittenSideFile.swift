import ExportCore
import ExportRunFolder
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPrepare

/// Test helpers shared by the line-type tests: messy values, a side file written by the fast
/// writer and read back through its type, and an encode → decode round trip.
enum WrittenSideFile {
    /// Text that stresses JSON escaping: quotes, backslashes, a literal `\u0041`, control
    /// characters, the line separators JSON allows raw, and characters outside ASCII.
    static let messy: [String] = [
        "plain",
        "",
        #"quote " and backslash \ and slash /"#,
        #"a literal \u0041 and \n as text"#,
        "tab\tnewline\nreturn\rbell\u{07}nul\u{00}esc\u{1B}del\u{7F}",
        "line sep\u{2028}para sep\u{2029}",
        "Zoë Ångström, 東京, Привет, emoji 😀👨‍👩‍👧, combining e\u{301}",
    ]

    /// Writes lines with `SideFileWriter` into a new run folder and returns what
    /// `SideFileReader` decodes of the file, with the number of lines written.
    static func write<Line: SideFileLine>(
        _ type: Line.Type, _ body: (inout SideFileWriter) throws -> Void
    ) throws -> (lines: [Line], written: Int, bytes: [UInt8]) {
        let dir = try TemporaryDirectory()
        var writer = try SideFileWriter(runDirectory: dir.path, name: Line.fileName)
        try body(&writer)
        let entry = try writer.commit()
        let bytes = [UInt8](FileManager.default.contents(atPath: "\(dir.path)/\(Line.fileName)") ?? Data())
        return (SideFileReader(runDirectory: dir.path).lines(Line.self), entry.lines, bytes)
    }

    /// `value` encoded with `JSONEncoder` and decoded again.
    static func roundTrip<Line: SideFileLine>(_ value: Line) throws -> Line {
        try JSONDecoder().decode(Line.self, from: JSONEncoder().encode(value))
    }

    /// Calls `body` with `text`'s UTF-8 bytes as the buffer the writer takes.
    static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
