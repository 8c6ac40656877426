/// Reading a contact item (one `POST /contacts` body, as a chunk holds it or Omnisend returns it):
/// the one place that knows where an item's email is.
public enum ContactItem {
    /// The email of `item`: the `id` of its first `identifiers` entry of type `email`, else a
    /// top-level `email` (contacts as the API lists them); `nil` when it has neither.
    public static func email(of item: JSONObject) -> String? {
        if case .array(let identifiers)? = item["identifiers"] {
            for case .object(let identifier) in identifiers where identifier["type"] == .string("email") {
                if case .string(let id)? = identifier["id"] { return id }
            }
        }
        if case .string(let email)? = item["email"] { return email }
        return nil
    }
}
