/// The record format of one logical input, which picks the reader.
public enum PayloadFormat: String, Sendable, Equatable, CaseIterable {
    case csv, ndjson
}
