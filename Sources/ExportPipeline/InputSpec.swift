import ExportCore
import ExportFormats

/// One `inputs:` entry of a pipeline: a path or glob, its format and CSV dialect.
public struct InputSpec: Sendable, Equatable {
    /// The path or glob as written in the pipeline (after `${ENV}` expansion).
    public var pattern: String
    /// `pattern` resolved against the pipeline file's folder (relative to the current directory,
    /// or absolute when either is).
    public var resolvedPattern: String
    /// `auto` (sniffed from the content), or the format imposed on the input.
    public var format: InputFormat
    /// The CSV dialect, header and encoding (used for CSV inputs and CSV members of bundles).
    public var csv: CSVOptions
    /// Which members of a zip or tar bundle are read (`members: { include, exclude }`).
    public var members: MemberFilter
    /// Where the path was written in the pipeline file; nil for an input named on the command line.
    public var location: SourceLocation?

    /// Creates an input spec.
    public init(
        pattern: String, resolvedPattern: String, format: InputFormat = .auto, csv: CSVOptions = CSVOptions(),
        members: MemberFilter = MemberFilter(), location: SourceLocation? = nil
    ) {
        self.pattern = pattern
        self.resolvedPattern = resolvedPattern
        self.format = format
        self.csv = csv
        self.members = members
        self.location = location
    }
}
