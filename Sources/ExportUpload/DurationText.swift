/// Durations as people write them: `4h`, `90m`, `30s`, `1h30m`, or plain seconds.
public enum DurationText {
    /// Parses a duration; `nil` when it does not parse or is not positive.
    public static func parse(_ text: String) -> Double? {
        if let seconds = Double(text), seconds > 0 { return seconds }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for character in text.lowercased() {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else { return nil }
        return total
    }

    /// `1h02m03s`, `4m05s`, `12s`, `0.4s`.
    public static func format(_ seconds: Double) -> String {
        if seconds < 10 { return "\(Double(Int(seconds * 10)) / 10)s" }
        let whole = Int(seconds.rounded())
        let hours = whole / 3600
        let minutes = whole % 3600 / 60
        let secs = whole % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if hours > 0 { return "\(hours)h\(two(minutes))m\(two(secs))s" }
        if minutes > 0 { return "\(minutes)m\(two(secs))s" }
        return "\(secs)s"
    }
}
