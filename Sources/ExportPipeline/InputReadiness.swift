/// When a run may read its inputs, and whether it needs to: the pipeline's
/// `inputs: { files: [...], ready_marker: _SUCCESS, min_age: 5m, max_wait: 1h, skip_unchanged: true }`.
///
/// `prepare` (and so `run`) waits until every condition given holds: the marker file exists in
/// the folder of every input pattern, and every input file is at least `min_age` old. It gives up
/// after `max_wait` (exit 75).
public struct InputReadiness: Sendable, Equatable {
    /// A file whose presence, in the folder of each input, says the writer has finished.
    public var readyMarker: String?
    /// The least age, in seconds since the last change, every input file must have.
    public var minAge: Double?
    /// How long to wait for the marker or the age before giving up, in seconds (default 1 hour).
    public var maxWait: Double
    /// Whether a run whose inputs have the same sha256 as the pipeline's last successful run stops
    /// with "nothing new" (exit 0) and writes nothing.
    public var skipUnchanged: Bool

    /// The default `max_wait`: one hour.
    public static let defaultMaxWait: Double = 3600

    /// Creates readiness rules; the defaults wait for nothing.
    public init(readyMarker: String? = nil, minAge: Double? = nil, maxWait: Double = defaultMaxWait, skipUnchanged: Bool = false) {
        self.readyMarker = readyMarker
        self.minAge = minAge
        self.maxWait = maxWait
        self.skipUnchanged = skipUnchanged
    }

    /// Whether the run waits for anything.
    public var waits: Bool { readyMarker != nil || minAge != nil }

    /// Seconds in a duration as the pipeline writes it: `90`, `90s`, `500ms`, `5m`, `2h`, `1d`.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        let trimmed = text.trimmingSpaces
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return value * factor
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return value
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
