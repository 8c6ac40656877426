/// A contact that `MappingProgram.pack` wrote into a `ByteArena`: its normalised email, then its
/// batch item (one line of JSON, no newline), back to back, and its dedupe key.
///
/// It carries no warnings and no dedupe date: a contact with either is a `MappedContact`.
public struct PackedContact: Sendable, Equatable {
    /// The dedupe key of the email.
    public let key: EmailKey
    private let start: Int
    private let emailEnd: Int
    private let end: Int

    /// A contact whose email is `arena[start..<emailEnd]` and item `arena[emailEnd..<end]` (also
    /// how `prepare` reads back a contact it spilled to disk).
    public init(key: EmailKey, start: Int, emailEnd: Int, end: Int) {
        self.key = key
        self.start = start
        self.emailEnd = emailEnd
        self.end = end
    }

    /// Where the normalised email's UTF-8 bytes are in the arena.
    public var emailRange: Range<Int> { start..<emailEnd }
    /// Where the item's JSON is in the arena.
    public var itemRange: Range<Int> { emailEnd..<end }
}
