import ArgumentParser
import ExportPrepare

/// The pipeline argument of `prepare`, `run` and `check`.
struct PipelineArgument: ParsableArguments {
    /// The pipeline file as the user wrote it (relative to the current directory).
    @Argument(help: ArgumentHelp("The pipeline file (YAML).", valueName: "pipeline"))
    var path: String
}

/// `--run-date` of `prepare`, `run` and `check`: the date the mapping's `run_date` source sees.
struct RunDateOption: ParsableArguments {
    /// `YYYY-MM-DD`, or `nil` for today (UTC).
    @Option(help: "The date the mapping's run_date source sees, YYYY-MM-DD (default: today, UTC).")
    var runDate: String?
}

/// What `prepare` and `run` prepare a run folder from: the pipeline, inputs that replace its own,
/// the run folder, the run date and the sync mode. One group, so that the two commands cannot
/// drift apart.
struct PrepareOptions: ParsableArguments {
    /// The pipeline file.
    @OptionGroup var pipeline: PipelineArgument

    /// Inputs (files or globs) that replace the pipeline's `inputs:`; empty to keep them.
    @Option(name: .customLong("input"), help: "An input file or glob; repeatable. Replaces the pipeline's inputs.")
    var inputs: [String] = []

    /// The run folder to write; `nil` for a new folder under the pipeline's `runs_dir`.
    @Option(name: .customLong("out"), help: "The run folder to write (default: a new folder under the pipeline's runs_dir).")
    var out: String?

    /// The mapping's run date.
    @OptionGroup var runDate: RunDateOption

    /// `--incremental` / `--full`.
    @OptionGroup var sync: SyncFlags

    /// The prepare job these options ask for, its sync mode set.
    func job() -> PrepareJob {
        var job = PrepareJob(pipelinePath: pipeline.path, inputOverrides: inputs, outputDirectory: out, runDate: runDate.runDate)
        sync.configure(&job)
        return job
    }
}
