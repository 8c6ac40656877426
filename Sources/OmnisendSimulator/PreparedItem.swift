/// One batch item after the work that needs no database: answered already (bad JSON, invalid,
/// hit by a `partial` fault), or a valid contact with the document it gets if it is new.
enum PreparedItem: Sendable {
    case answered(code: Int, response: String)
    case contact([String: BodyJSON], fresh: FreshContact)
}
