/// One item of a slice on its way to ``SimulatorStore/prepareItem(_:version:now:)``: parsed
/// already (`value`, as `POST /batches` parsed it), or its stored request text; and whether a
/// `partial` fault fails it.
struct SliceItem: Sendable {
    var value: BodyJSON?
    var request: String?
    var partial: Bool
}
