import ExportCore

/// Writing a batch item as the items routes show it, as UTF-8 bytes (a whole items answer is
/// about half a megabyte for a batch of a thousand).
extension BatchItemRecord {
    /// Appends the item's JSON object; with `batch`, led by the batch's identity (the single-item route).
    func write(into out: inout [UInt8], batch: BatchRecord? = nil) {
        if let batch {
            out.append(contentsOf: "{\"batchID\":".utf8)
            JSONText.appendString(batch.batchID, to: &out)
            out.append(contentsOf: ",\"method\":".utf8)
            JSONText.appendString(batch.method, to: &out)
            out.append(contentsOf: ",\"endpoint\":".utf8)
            JSONText.appendString(batch.endpoint, to: &out)
            out.append(contentsOf: ",\"itemID\":".utf8)
        } else {
            out.append(contentsOf: "{\"itemID\":".utf8)
        }
        JSONText.appendString(itemID, to: &out)
        out.append(contentsOf: ",\"request\":".utf8)
        Self.append(request, to: &out)
        if let responseCode {
            out.append(contentsOf: ",\"responseCode\":".utf8)
            out.append(contentsOf: String(responseCode).utf8)
        }
        if let response {
            out.append(contentsOf: ",\"response\":".utf8)
            Self.append(response, to: &out)
        }
        out.append(contentsOf: (responseCode == nil ? ",\"status\":\"pending\"}" : ",\"status\":\"finished\"}").utf8)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
