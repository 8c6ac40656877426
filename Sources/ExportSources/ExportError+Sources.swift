import ExportCore

extension ExportError {
    /// An input (or member) with no bytes at all, after any gzip layers.
    static func emptyInput(name: String, gzipLayers: Int) -> ExportError {
        let detail = gzipLayers > 0 ? "decompresses to 0 bytes" : "is empty (0 bytes)"
        return ExportError(.corruptInput, "\(detail): nothing to read", path: name)
    }

    /// Text with a UTF-16 byte-order mark, which the readers do not transcode.
    static func utf16Input(name: String) -> ExportError {
        ExportError(
            .corruptInput,
            "is UTF-16 text (byte-order mark FF FE or FE FF); save it as UTF-8 and run again",
            path: name)
    }

    /// A bundle whose entries differ between two passes over it.
    static func bundleChanged(name: String, entry: String) -> ExportError {
        ExportError(
            .corruptInput, "bundle changed while being read (entry '\(entry)' moved or disappeared)",
            path: name)
    }
}
