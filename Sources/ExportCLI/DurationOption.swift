import ArgumentParser
import ExportUpload

/// The value of a duration flag (`--max-duration`, `--reconcile-horizon`): the text as written
/// (`4h`, `90m`, `30s`, `1h30m`, or plain seconds) and the seconds it stands for.
struct DurationOption: Sendable, Equatable, ExpressibleByArgument, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written, repeated as it is in resume commands and help defaults.
    let text: String
    /// The duration in seconds; always above 0.
    let seconds: Double

    /// Reads `argument` as `DurationText` does; `nil` when it is not a positive duration.
    init?(argument: String) {
        guard let seconds = DurationText.parse(argument) else { return nil }
        text = argument
        self.seconds = seconds
    }

    /// A default written in the source (`"4h"`); it must be a duration.
    init(stringLiteral value: String) {
        guard let parsed = DurationOption(argument: value) else { preconditionFailure("not a duration: \(value)") }
        self = parsed
    }

    var description: String { text }

    var defaultValueDescription: String { text }

    /// The parser of an `@Option(transform:)`: a bad value is a usage error (exit 64) that says
    /// `expected a duration such as <examples>` after the flag and the value.
    static func parser(examples: String) -> @Sendable (String) throws -> DurationOption {
        { text in
            guard let duration = DurationOption(argument: text) else { throw ValidationError("expected a duration such as \(examples)") }
            return duration
        }
    }
}
