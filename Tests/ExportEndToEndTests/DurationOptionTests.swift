import ArgumentParser
import Testing
@testable import ExportCLI

/// `DurationOption`: the forms `--max-duration` and `--reconcile-horizon` accept, the seconds they
/// stand for, the usage error a bad value gives, and the text a resume command repeats.
@Suite struct DurationOptionTests {
    @Test(arguments: [
        ("4h", 14_400.0), ("90m", 5400), ("30s", 30), ("1h30m", 5400), ("2m30s", 150), ("1.5h", 5400), ("4H", 14_400),
        ("45", 45), ("0.5", 0.5), ("0.5s", 0.5), ("1h0m", 3600),
    ])
    func acceptedForms(text: String, seconds: Double) throws {
        let duration = try #require(DurationOption(argument: text))
        #expect(duration.seconds == seconds)
        #expect(duration.text == text && duration.description == text && duration.defaultValueDescription == text)
    }

    @Test(arguments: ["", "0", "0s", "-5", "x", "4d", "h", "4h3", "4 h", "1h-30m", "..s"])
    func rejectedForms(text: String) {
        #expect(DurationOption(argument: text) == nil, "\(text)")
        #expect(throws: ValidationError.self) { try DurationOption.parser(examples: "4h")(text) }
    }

    @Test func theFlagsParseDurationsIntoTheUploadOptions() throws {
        let flags = try UploadFlags.parse(["--max-duration", "1h30m", "--reconcile-horizon", "90s"])
        let options = try flags.options()
        #expect(options.maxDuration == 5400 && options.reconcileHorizon == 90)
        let defaults = try UploadFlags.parse([]).options()
        #expect(defaults.maxDuration == 4 * 3600 && defaults.reconcileHorizon == 120)
        #expect(UploadFlags.defaults.maxDuration == "4h" && UploadFlags.defaults.reconcileHorizon == "2m")
    }

    @Test func aBadValueIsAUsageErrorNamingTheFlagAndTheForms() {
        let cases = [
            ("--max-duration", "expected a duration such as 4h, 90m or 30s"),
            ("--reconcile-horizon", "expected a duration such as 2m or 90s"),
        ]
        for (flag, advice) in cases {
            for value in ["soon", "0", "4d"] {
                do {
                    _ = try UploadFlags.parse([flag, value])
                    Issue.record("\(flag) \(value) parsed")
                } catch {
                    let message = UploadFlags.message(for: error)
                    #expect(message.contains("'\(value)'") && message.contains(flag) && message.hasSuffix(advice), "\(message)")
                    #expect(UploadFlags.exitCode(for: error).rawValue == 64)
                }
            }
        }
    }

    @Test func theHelpShowsTheDefaults() {
        let help = UploadCommand.helpMessage(columns: 400)
        #expect(help.contains("Stop (resumably) before this much time has passed: 4h, 90m, 30s. (default: 4h)"))
        #expect(help.contains("posted again: 2m, 90s. (default: 2m)"))
    }

    @Test func aResumeCommandRepeatsTheDurationAsWritten() throws {
        let flags = try UploadFlags.parse(["--max-duration", "90m"])
        let text = ResumeCommand.text(runDirectory: "runs/a", flags: flags, rehearsal: true, baseURL: nil)
        #expect(text == "omnisend-export upload runs/a --max-duration 90m")
        let plain = ResumeCommand.text(runDirectory: "runs/a", flags: try UploadFlags.parse(["--max-duration", "4h"]), rehearsal: true, baseURL: nil)
        #expect(plain == "omnisend-export upload runs/a", "the default is not repeated")
    }
}
