import ArgumentParser
import EvidentCore
import EvidentHistory
import EvidentReport
import Foundation

/// `evident history FILE`: the runs `evident audit --history FILE` recorded, and their trend.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the audits recorded with --history and the trend of deviations per family.",
        discussion: """
            FILE is a history database that `evident audit --history FILE` wrote (SQLite, schema \
            \(HistoryStore.schemaVersion)). It prints the runs (time, cluster, plan version, controls per \
            status, deviations = failing findings, exit code), then per cluster the deviations per family \
            (rows = families, columns = runs, oldest first) and the runs on which controls started \
            (opened) or stopped (closed) deviating.

            EXIT CODES
              0  printed
              2  FILE is missing, not an evident history, or was
                 written by a newer evident

            EXAMPLES
              evident history audits.sqlite
              evident history audits.sqlite --cluster prod-eu --last 10
              evident history audits.sqlite --format markdown > trend.md
            """
    )

    @Argument(help: ArgumentHelp("The history database.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Only this cluster's runs.", valueName: "name"))
    var cluster: String?

    @Option(name: .long, help: ArgumentHelp("Only the last N runs (of each cluster).", valueName: "n"))
    var last: Int?

    @Option(name: .long, help: ArgumentHelp("text, markdown or json.", valueName: "format"))
    var format: String = "text"

    func validate() throws {
        guard ["text", "markdown", "md", "json"].contains(format) else {
            throw ValidationError("--format must be text, markdown or json")
        }
        if let last, last < 1 { throw ValidationError("--last must be at least 1") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError.invalid("\(file): no such history file; `evident audit --history \(file)` starts one")
        }
        let store = try HistoryFile.open(file, create: false)
        let content: HistoryReport.Content
        do {
            let clusters = try cluster.map { [$0] } ?? store.clusters()
            if let cluster, !(try store.clusters().contains(cluster)) {
                let known = try store.clusters().joined(separator: ", ")
                throw CLIError.invalid("\(file): no runs of cluster '\(cluster)'; clusters: \(known.isEmpty ? "none" : known)")
            }
            let trends = try clusters.map { name throws(HistoryError) in try store.trend(cluster: name, last: last) }
            let runs = trends.flatMap(\.runs).sorted { ($0.time, $0.id ?? 0) < ($1.time, $1.id ?? 0) }
            content = HistoryReport.Content(file: file, schema: HistoryStore.schemaVersion, runs: runs, trends: trends)
        } catch let error as HistoryError {
            throw CLIError.invalid(error.description)
        }
        switch format {
        case "json":
            print(HistoryReport.json(content), terminator: "")
        case "markdown", "md":
            print(HistoryReport.markdown(content), terminator: "")
        default:
            let text = HistoryReport.text(content)
            print(text.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.clean(String($0)) }
                .joined(separator: "\n"), terminator: "")
        }
    }
}
