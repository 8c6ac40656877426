import ArgumentParser
import ExportCore
import ExportPrepare

/// `omnisend-export prepare`: segment exports in, a run folder of chunk files out.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Read, validate, deduplicate and map segment exports into a run folder of chunk files.",
        discussion: """
            Reads the inputs the pipeline names (CSV, NDJSON, gzip, zip and tar bundles; the format is \
            detected from the content), normalises and validates every email, maps each row to an \
            Omnisend contact, drops duplicate emails and writes a run folder:

              manifest.json       counts, inputs, chunk files with sha256 (written last)
              chunks/chunk-NNNNNN.json   the exact POST /batches bodies, one contact per line
              rejects.ndjson      each rejected row: input, line, reason, detail, email
              duplicates.ndjson   each duplicate row and the row it duplicates
              contacts.ndjson     each kept contact: email, chunk, item, input, line

            Every row read is accounted for: rows = kept + rejected + duplicates + filtered.

            Examples:
              omnisend-export prepare pipelines/sample-csv.yaml
              omnisend-export prepare pipelines/sample-csv.yaml --input exports/today.csv --out runs/today
              jq -r '[.line, .reason, .detail] | @tsv' runs/today/rejects.ndjson
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("input"), help: "An input file or glob; repeatable. Replaces the pipeline's inputs.")
    var inputs: [String] = []

    @Option(name: .customLong("out"), help: "The run folder to write (default: a new folder under the pipeline's runs_dir).")
    var out: String?

    @Option(help: "The date the mapping's run_date source sees, YYYY-MM-DD (default: today, UTC).")
    var runDate: String?

    func run() throws {
        let job = PrepareJob(pipelinePath: pipeline, inputOverrides: inputs, outputDirectory: out, runDate: runDate)
        let result = try Console.reportingErrors { try job.run(log: Console.note) }
        ReportHook.refresh(runDirectory: result.runDirectory)
        Console.printSummary(result)
    }
}
