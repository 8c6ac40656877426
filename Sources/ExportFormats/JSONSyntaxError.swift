/// Why a JSON text was refused, and where: the byte offset from the start of the text.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 0-based byte offset of the first offending byte.
    public var offset: Int
    /// A short sentence (`expected ':' after an object key`); never quotes the input's values.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `message at byte N`.
    public var description: String { "\(message) at byte \(offset)" }
}
