import ArgumentParser
import EvidentCore
import EvidentReport
import Foundation

/// `evident diff OLD.json NEW.json`: the drift between two audits' results.json.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print the drift between two audits: new, fixed and still-present deviations.",
        discussion: """
            OLD and NEW are results.json files that `evident audit` wrote. A deviation's identity is its \
            control, check, API group, kind, namespace and name (not its line), so moving an object in a \
            file is not drift.

            EXIT CODES
              0  nothing deviates in NEW that did not in OLD
              1  NEW has deviations that OLD did not
              2  a file is missing or is not a results.json
            """
    )

    @Argument(help: ArgumentHelp("The earlier results.json.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The later results.json.", valueName: "new"))
    var new: String

    @Option(name: .long, help: ArgumentHelp("text or markdown.", valueName: "format"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("The most rows per list.", valueName: "n"))
    var maxRows: Int = 50

    func validate() throws {
        guard ["text", "markdown", "md"].contains(format) else {
            throw ValidationError("--format must be text or markdown")
        }
        if maxRows < 1 { throw ValidationError("--max-rows must be at least 1") }
    }

    func run() throws {
        let before = try Self.load(old)
        let after = try Self.load(new)
        let diff = DeviationDiff(old: before.deviations, new: after.deviations, oldStatuses: before.statuses,
                                 newStatuses: after.statuses)
        let text = format == "text"
            ? DriftReport.text(diff, old: old, new: new, maxRows: maxRows)
            : DriftReport.markdown(diff, old: old, new: new, maxRows: maxRows)
        print(text.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.clean(String($0)) }
            .joined(separator: "\n"), terminator: "")
        if !diff.new.isEmpty { throw ExitCode(1) }
    }

    static func load(_ path: String) throws(CLIError) -> Baseline {
        let data = try Inputs.read(path, limit: Limits.defaultSnapshotBytes)
        do {
            return try Baseline.load(data, path: path)
        } catch {
            throw .load(error)
        }
    }
}
