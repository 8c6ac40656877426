import ArgumentParser
import ExportCore
import ExportPrepare

/// `omnisend-export check`: Check a pipeline and its mapping against the inputs, and preview mapped contacts.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a pipeline and its mapping against the inputs, and preview mapped contacts.",
        discussion: """
            Loads the pipeline and its mapping, opens every input as prepare would, checks the \
            mapping against each input's header (CSV: the header row; NDJSON: the keys of the \
            sampled rows) and maps a sample of rows. Prints the inputs, a preview of the first \
            contacts as they would be sent (for a repeated email, the row the dedupe policy keeps), \
            the consent effect (per channel: how many contacts get which status, with a date from a \
            column, a constant, now, or keep-existing), the reject reasons and warnings seen in the \
            sample, and how many contacts get a value for each field. Writes nothing and sends nothing. \
            A constant subscribed status is a warning on stderr, not a problem.

            Problems go to stderr as file:line:column: message, with a hint, all at once. \
            Exit status: 0 when the pipeline is sound, 1 when there are problems.

            Examples:
              omnisend-export check pipelines/customer-insights.yaml
              omnisend-export check pipelines/sample-csv.yaml --preview 10 --compact
              omnisend-export check pipelines/big.yaml --sample 10000 --preview 0
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: "How many mapped contacts to show.")
    var preview: Int = 3

    @Option(help: "How many rows to read from the start of each input (file or bundle member).")
    var sample: Int = 1000

    @Flag(help: "Show the preview as one line per contact: file:line, then the JSON exactly as sent.")
    var compact = false

    @Option(help: "The date the mapping's run_date source sees, YYYY-MM-DD (default: today, UTC).")
    var runDate: String?

    func validate() throws {
        guard preview >= 0 else { throw ValidationError("--preview must be 0 or more") }
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1") }
    }

    func run() throws {
        let report = PipelineCheck(pipelinePath: pipeline, sampleSize: sample, previewCount: preview, runDate: runDate).run()
        let summary = report.summary(compactPreview: compact)
        if !summary.isEmpty { print(summary + "\n") }
        if !report.consentWarnings.isEmpty { Console.note(report.consentWarningText) }
        if report.isSound {
            print("\(pipeline): the pipeline is sound (no problems found)")
        } else {
            Console.note(report.problemText)
            throw ExitCode(ExitCodes.checkFailed)
        }
    }
}
