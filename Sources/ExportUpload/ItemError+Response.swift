import ExportCore
import ExportRunFolder
import Foundation

extension ItemError {
    /// Normalises Omnisend's answer for an item (`response`, JSON text as saved in the checkpoint).
    public init(status: Int, response: String) {
        self.init(status: status, message: "")
        let bytes = Array(response.utf8)
        if case .string(let text)? = FastJSON.value(bytes) {
            message = text
        } else if let body = ErrorBody(bytes) {
            message = body.error ?? body.detail ?? body.title ?? body.message ?? response
            if case .object(let fields)? = body.fields {
                for (name, value) in zip(fields.keys, fields.values) { self.fields[name] = Self.strings(value) }
            }
            for problem in body.problems {
                self.fields[problem.field ?? "", default: []].append(problem.message ?? problem.code ?? "")
            }
        } else {
            message = response
        }
        message = message.trimmingCharacters(in: .whitespaces)
    }

    /// The texts of a `fields` entry: a string, the strings of a list (nested lists flattened),
    /// any other value as JSON.
    private static func strings(_ value: FieldValue) -> [String] {
        switch value {
        case .array(let list): return list.flatMap(strings)
        case .string(let text): return [text]
        default: return [BatchResults.json(FastJSON.foundation(value))]
        }
    }
}
