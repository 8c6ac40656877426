/// The format a pipeline may impose on an input instead of sniffing it.
///
/// gzip layers are always detected from the content and peeled first; the forced format applies
/// to what is inside them.
public enum ForcedFormat: String, Sendable, Equatable, CaseIterable {
    case auto, csv, ndjson, zip, tar
}
