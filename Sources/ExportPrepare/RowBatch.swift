import ExportContactRules
import ExportCore
import ExportPipeline
import ExportRuntime

/// What the reading stage hands the writing stage, in input order.
enum RowEvent: Sendable {
    /// The rows that follow belong to this file or bundle member.
    case start(RecordRun.InputPosition)
    /// An input or member was skipped (the text names it).
    case warning(String)
    /// A row the reader could not parse.
    case malformed(Rejection)
    /// A parsed row and what the mapper made of it.
    case mapped(RecordOrigin, MappingResult)
    /// A row of the current input (see `start`) mapped to a contact whose email and item are in
    /// the batch's arena: no `String` or array of its own.
    case packed(PackedContact, line: Int, index: Int)
}

/// A batch of rows from the reading stage to the writing stage: the events, and the bytes of
/// the packed contacts among them. The writer hands it back emptied, so both the event array
/// and the arena are reused.
struct RowBatch: Sendable {
    /// The rows, in input order.
    var events: [RowEvent] = []
    /// The emails and items of the `.packed` events.
    let arena = ByteArena(capacity: 1 << 20)

    /// The dedupe keys of the contacts among `events[range]`, in order (for
    /// `EmailDeduper.prefetch(keys:)`).
    func contactKeys(in range: Range<Int>) -> some Sequence<EmailKey> {
        events[range].lazy.compactMap { event -> EmailKey? in
            switch event {
            case .packed(let contact, _, _): return contact.key
            case .mapped(_, .contact(let contact)): return contact.key
            default: return nil
            }
        }
    }

    /// Forgets the rows, keeping the memory.
    mutating func removeAll() {
        events.removeAll(keepingCapacity: true)
        arena.removeAll()
    }
}
