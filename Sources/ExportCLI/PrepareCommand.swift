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
              warnings.ndjson     each field left out of a contact: input, line, field, code, email

            Every row read is accounted for: rows = kept + rejected + duplicates + filtered.

            Incremental sync (docs/sync.md): with sync: incremental in the pipeline, or --incremental, \
            only contacts that are new or changed since the last upload Omnisend accepted are written \
            to chunks; the others are counted as unchanged (kept = sent + unchanged) and listed in \
            unchanged.ndjson. --full sends everyone and still records the state.

            Before any work: the mapping's columns are checked against every CSV header (a column \
            no input has: exit 65, nothing written). After reading: a mapped key no row had (NDJSON) \
            is exit 65, and the pipeline's limits (limits: { max_reject_rate: 0.05, min_kept: 1 }) \
            exit 5 with the reject reasons; both write no manifest, so the folder cannot be uploaded. \
            inputs: { ready_marker: _SUCCESS, min_age: 5m, max_wait: 1h } waits for the inputs \
            (exit 75 when they are not ready in time); inputs: { skip_unchanged: true } exits 0 with \
            "nothing new", writing nothing, when the inputs equal those of the last successful run.

            Examples:
              omnisend-export prepare pipelines/sample-csv.yaml
              omnisend-export prepare pipelines/sample-csv.yaml --input exports/today.csv --out runs/today
              omnisend-export prepare pipelines/sample-csv.yaml --incremental
              jq -r '[.line, .reason, .detail] | @tsv' runs/today/rejects.ndjson
            """)

    @OptionGroup var options: PrepareOptions

    @OptionGroup var output: OutputFlags

    func run() throws {
        Console.configure(output.style)
        let recorder = RunRecorder(command: "prepare", output: output)
        recorder.usePipeline(at: options.pipeline.path)
        var job = options.job()
        job.onRunDirectory = { recorder.prepared(runDirectory: $0, manifest: nil) }
        let result: PrepareResult
        do {
            result = try Console.reportingErrors { try job.run(log: Console.note) }
        } catch let nothing as NothingNew {
            print(nothing.description)
            recorder.finishNothingNew(nothing)
            return
        } catch let exit as ExitCode {
            throw ExitCode(recorder.finish(exitCode: exit.rawValue))
        }
        recorder.prepared(runDirectory: result.runDirectory, manifest: result.manifest)
        ReportHook.refresh(runDirectory: result.runDirectory)
        Console.printSummary(result)
        recorder.finish(exitCode: ExitCodes.success)
    }
}
