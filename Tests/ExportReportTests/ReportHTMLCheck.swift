import Foundation

/// Reads the figures a page shows (`data-figure="KEY" data-value="N">TEXT<`) and the things a
/// self-contained page must not hold.
enum ReportHTMLCheck {
    /// Each figure's key with its value and shown text; a key shown twice must agree.
    static func figures(_ html: String) -> [String: (value: Int, text: String)] {
        var result: [String: (value: Int, text: String)] = [:]
        for match in html.matches(of: /data-figure="([^"]+)" data-value="(-?\d+)">([^<]*)</) {
            result[String(match.output.1)] = (Int(match.output.2)!, String(match.output.3))
        }
        return result
    }

    /// What a self-contained page must not hold: links out, scripts, external loads.
    static func problems(_ html: String) -> [String] {
        var found: [String] = []
        let lower = html.lowercased()
        for needle in ["http://", "https://", "<script", "src=", "@import", "url(", "//cdn", "<iframe", "<link rel=\"stylesheet"] where lower.contains(needle) {
            found.append(needle)
        }
        return found
    }
}
