import Foundation

/// Locates `../shared/` (the conformance corpora and references beside the project), which a
/// standalone checkout does not have: tests that read it skip with a message when it is absent.
public enum SharedFolder {
    /// The package root, found from this file's path.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `<package root>/../shared`, when it exists.
    public static var path: String? {
        let candidate = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    /// Whether the shared folder is there; use as `.enabled(if: SharedFolder.isPresent, "…")`.
    public static var isPresent: Bool { path != nil }
}
