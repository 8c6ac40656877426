import ExportRunFolder
import Foundation

extension ItemError {
    /// Normalises Omnisend's answer for an item (`response`, JSON text as saved in the checkpoint).
    public init(status: Int, response: String) {
        self.init(status: status, message: "")
        let value = try? JSONSerialization.jsonObject(with: Data(response.utf8), options: [.fragmentsAllowed])
        switch value {
        case let text as String:
            message = text
        case let object as [String: Any]:
            message = (object["error"] as? String) ?? (object["detail"] as? String) ?? (object["title"] as? String)
                ?? (object["message"] as? String) ?? response
            if let fields = object["fields"] as? [String: Any] {
                for (name, value) in fields { self.fields[name] = Self.strings(value) }
            }
            for problem in (object["errors"] as? [[String: Any]]) ?? [] {
                let name = (problem["field"] as? String) ?? ""
                let text = (problem["message"] as? String) ?? (problem["code"] as? String) ?? ""
                self.fields[name, default: []].append(text)
            }
        default:
            message = response
        }
        message = message.trimmingCharacters(in: .whitespaces)
    }

    private static func strings(_ value: Any) -> [String] {
        if let list = value as? [Any] { return list.flatMap(strings) }
        if let text = value as? String { return [text] }
        return [BatchResults.json(value)]
    }
}
