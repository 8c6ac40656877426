import ExportCore

/// A line of `failed.ndjson`: a contact Omnisend refused or never processed, with its answer,
/// the chunk and item that carried it, the contact as sent, and the input and line it came from.
///
/// Written by `FailedListWriter` as
/// `{"email":…,"chunk":…,"item":…,"input":…,"line":…,"retryable":…,"error":{…},"contact":{…}}`;
/// `contact` is `null` when the chunk file was gone.
public struct FailedLine: SideFileLine {
    public static let fileName = RunFolderLayout.failed

    /// The contact's email (`""` when neither the contacts file nor the item named one).
    public var email: String
    /// The chunk that carried it (a retry chunk for an item resent by `--retry-failed`).
    public var chunk: Int
    /// Its 0-based index in that chunk.
    public var item: Int
    /// The input name of the row it came from (`""` when unknown).
    public var input: String
    /// Its line (0 when unknown).
    public var line: Int
    /// Whether `--retry-failed` resends it.
    public var retryable: Bool
    /// Omnisend's answer, normalised.
    public var error: ItemError
    /// The contact as sent. Objects decode with their keys sorted (as `FailedListWriter` writes
    /// them) and numbers with Swift's spelling of their value.
    public var contact: FieldValue

    /// Creates a line.
    public init(
        email: String, chunk: Int, item: Int, input: String, line: Int, retryable: Bool, error: ItemError,
        contact: FieldValue = .null
    ) {
        self.email = email
        self.chunk = chunk
        self.item = item
        self.input = input
        self.line = line
        self.retryable = retryable
        self.error = error
        self.contact = contact
    }

    private enum CodingKeys: String, CodingKey {
        case email, chunk, item, input, line, retryable, error, contact
    }

    /// Decodes a line; a missing `contact` reads as `null`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        email = try container.decode(String.self, forKey: .email)
        chunk = try container.decode(Int.self, forKey: .chunk)
        item = try container.decode(Int.self, forKey: .item)
        input = try container.decode(String.self, forKey: .input)
        line = try container.decode(Int.self, forKey: .line)
        retryable = try container.decode(Bool.self, forKey: .retryable)
        error = try container.decode(ItemError.self, forKey: .error)
        contact = try container.decodeIfPresent(JSONValueCoding.self, forKey: .contact)?.value ?? .null
    }

    /// Encodes the line (keys in `Encoder`'s order, not the writer's).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(email, forKey: .email)
        try container.encode(chunk, forKey: .chunk)
        try container.encode(item, forKey: .item)
        try container.encode(input, forKey: .input)
        try container.encode(line, forKey: .line)
        try container.encode(retryable, forKey: .retryable)
        try container.encode(error, forKey: .error)
        try container.encode(JSONValueCoding(contact), forKey: .contact)
    }
}
