/// The format of an input as a pipeline names it (`inputs: [{ path, format }]`): `auto` to sniff it
/// from the content, or the format to impose instead.
///
/// gzip layers are always detected from the content and peeled first; a forced format applies
/// to what is inside them.
public enum InputFormat: String, Sendable, Equatable, CaseIterable {
    case auto, csv, ndjson, zip, tar
}
