import EvidentCore
import EvidentHistory
import Foundation

/// `--history FILE`: opening the database, the trend the reports show, and appending the run.
enum HistoryFile {
    /// How many runs the reports' trend shows, this one included.
    static let reportRuns = 12

    /// Opens (with `create`, creates) the history; exit 2 naming the file when it is not a history, was
    /// written by a newer evident, or cannot be opened.
    static func open(_ path: String, create: Bool) throws(CLIError) -> HistoryStore {
        do {
            return try HistoryStore(path: path, create: create)
        } catch {
            throw .invalid(error.description)
        }
    }

    /// The cluster's name in the history: `--cluster-name`, else the kubeconfig context an `evident
    /// snapshot` file recorded, else the first snapshot's file (or folder) name without its extension.
    static func clusterName(option: String?, snapshot: Snapshot, paths: [String], example: Bool) -> String {
        if let option { return option }
        if let context = snapshot.capture?.context, !context.isEmpty { return context }
        if example { return "example" }
        guard let first = paths.first, first != "-" else { return "stdin" }
        return baseName(first)
    }

    /// `clusters/prod-eu.json` → `prod-eu`; `clusters/prod-eu/` → `prod-eu`.
    static func baseName(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url.lastPathComponent
        }
        return url.deletingPathExtension().lastPathComponent
    }

    /// The trend of the cluster's last runs with `run` added (the report shows it).
    static func trend(_ store: HistoryStore, with run: HistoryRun) throws(CLIError) -> HistoryTrend {
        let previous: [HistoryRun]
        do {
            previous = try store.runs(cluster: run.cluster, last: reportRuns - 1)
        } catch {
            throw .invalid(error.description)
        }
        // By time, this run last among equal times; a re-audit of an old snapshot falls into its place.
        let runs = (previous + [run]).enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        return HistoryTrend(cluster: run.cluster, runs: Array(runs.suffix(reportRuns)))
    }

    /// Appends `run` in one transaction. For the tests only, EVIDENT_TEST_HISTORY_ABORT_AFTER_ROWS=N ends
    /// the process abruptly (as a kill would) after N rows of the transaction are written.
    static func append(_ run: HistoryRun, to store: HistoryStore) throws(CLIError) -> Int64 {
        let abortAfter = ProcessInfo.processInfo.environment["EVIDENT_TEST_HISTORY_ABORT_AFTER_ROWS"].flatMap { Int($0) }
        do {
            return try store.append(run, afterEachRow: abortAfter.map { limit in
                { @Sendable rows in if rows >= limit { _exit(86) } }
            })
        } catch {
            throw .invalid(error.description + "; the reports were written")
        }
    }
}
