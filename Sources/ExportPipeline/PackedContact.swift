import ExportContactRules
import ExportRuntime
/// A contact that `MappingProgram.pack` wrote into a `ByteArena`: its normalised email, then its
/// batch item (one line of JSON, no newline), then the raw text of the `newest` dedupe field when
/// the row has one, back to back, and its dedupe key and date.
///
/// It carries no warnings: a contact with any is a `MappedContact`.
public struct PackedContact: Sendable, Equatable {
    /// The dedupe key of the email.
    public let key: EmailKey
    /// The `newest` dedupe field's date in seconds since 1970 UTC (`SortableDate`); `nil` when
    /// the row has no such field or its text is not a date.
    public let sortableDate: Int64?
    private let start: Int
    private let emailEnd: Int
    private let end: Int
    /// The end of the dedupe field's raw text (after the item); `-1` when there is none.
    private let dateEnd: Int

    /// A contact whose email is `arena[start..<emailEnd]` and item `arena[emailEnd..<end]`, and
    /// the raw text of its dedupe field `arena[end..<dateEnd]` when `dateEnd` is given (`prepare`
    /// reads a contact it spilled to disk back with its `sortableDate` only).
    public init(key: EmailKey, start: Int, emailEnd: Int, end: Int, dateEnd: Int? = nil, sortableDate: Int64? = nil) {
        self.key = key
        self.start = start
        self.emailEnd = emailEnd
        self.end = end
        self.dateEnd = dateEnd ?? -1
        self.sortableDate = sortableDate
    }

    /// Where the normalised email's UTF-8 bytes are in the arena.
    public var emailRange: Range<Int> { start..<emailEnd }
    /// Where the item's JSON is in the arena.
    public var itemRange: Range<Int> { emailEnd..<end }
    /// Where the raw text of the `newest` dedupe field is in the arena, when the row has one.
    public var dateTextRange: Range<Int>? { dateEnd < 0 ? nil : end..<dateEnd }
}
