import EvidentCore
import EvidentEvaluators
import EvidentHistory
import EvidentReport
import Foundation

/// `evident audit --fleet`: several clusters' snapshots in one run. The catalogs, plan, scans and templates
/// load once; clusters are audited `--jobs` at a time (each audit also uses every core for its checks), and
/// of each only a small summary is kept once its reports are written, so peak memory is that of `--jobs`
/// clusters, not of the fleet.
enum FleetAudit {
    /// One cluster: its name and the snapshot files or folder it is read from.
    struct Cluster {
        var name: String
        var path: String
    }

    /// Names that would collide with the fleet summary's own files in the output folder.
    static let reserved: Set<String> = ["fleet.html", "fleet.md", "fleet.json"]

    /// The clusters of the arguments. Each argument is one cluster (a snapshot file, or a folder of
    /// manifests), named by its file name without extension or its folder name; a single folder argument
    /// is a fleet, each of its snapshot files (.yaml, .yml, .json) and subfolders a cluster. Two clusters
    /// of one name are an error naming both paths.
    static func clusters(_ arguments: [String]) throws(CLIError) -> [Cluster] {
        let fm = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var paths: [String] = []
        if arguments.count == 1, let folder = arguments.first, isFolder(folder) {
            let entries: [String]
            do {
                entries = try fm.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw .invalid("\(folder): cannot list the fleet folder: \(error.localizedDescription)")
            }
            let base = folder.hasSuffix("/") ? folder : folder + "/"
            paths = entries.map { base + $0 }.filter {
                isFolder($0) || Inputs.snapshotExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased())
            }
            guard !paths.isEmpty else {
                throw .invalid("\(folder): the fleet folder holds no clusters (snapshot files .yaml, .yml, .json, or folders)")
            }
        } else {
            for path in arguments where !fm.fileExists(atPath: path) {
                throw .invalid("\(path): no such file or folder")
            }
            paths = arguments
        }
        var byName: [String: String] = [:]
        var clusters: [Cluster] = []
        for path in paths {
            let name = HistoryFile.baseName(path)
            if name.isEmpty || name.hasPrefix(".") || reserved.contains(name.lowercased()) {
                throw .invalid("\(path): '\(name)' cannot name a cluster's report folder; rename the file or folder")
            }
            if let other = byName[name] {
                throw .invalid("two clusters are named '\(name)': \(other) and \(path); "
                               + "a cluster is named by its file or folder name, so rename one of them")
            }
            byName[name] = path
            clusters.append(Cluster(name: name, path: path))
        }
        return clusters
    }

    /// Audits every cluster, writes the summary and exits with the worst cluster's code.
    static func run(_ command: AuditCommand) throws -> Never {
        let clusters = try clusters(command.snapshots)
        var formats = try ReportFormat.parse(command.format)
        if command.annotations == "gitlab" && !formats.contains(.codequality) { formats.append(.codequality) }
        let failOn = try AuditCommand.parseStatuses(command.failOn)
        let clock = try OptionValues.now(command.now)
        let taken = try command.snapshotTime.map { text throws(CLIError) in try OptionValues.time(text, option: "--snapshot-time") }
        let registry = BuiltinEvaluators.registry
        let sizeLimit = try command.maxInputSize.map { text throws(CLIError) in
            try OptionValues.size(text, option: "--max-input-size")
        }
        if let sizeLimit { Inputs.smallFileLimit = sizeLimit }
        let store = try command.history.map { path throws(CLIError) in try HistoryFile.open(path, create: true) }
        let progress = Progress(quiet: command.quiet)
        defer { progress.finish() }

        // What every cluster shares: loaded once.
        progress.update("loading catalogs and plan")
        let scope = try Scope.load(planPath: command.scope.plan, catalogPaths: command.scope.catalog, registry: registry)
        var shared = scope.inputs
        var scans: [ImageScan] = []
        for path in command.scan {
            let data = try Inputs.read(path)
            shared.append(InputFile(path: path, role: .scan, sha256: Digest.sha256(data), bytes: data.count))
            do { scans.append(try ScanLoader.load(data, path: path)) } catch { throw CLIError.load(error) }
        }
        let signingKey = try command.signKey.map { path throws(CLIError) in try Inputs.text(try Inputs.read(path), path: path) }
        let templates = try ReportTemplates.load(html: command.htmlTemplate, markdown: command.markdownTemplate)
        shared += templates.inputs
        let fleetTemplate = try BuiltinResources.file("templates/fleet.html.mustache")
        let options = AuditOptions(now: clock, snapshotTime: taken,
                                   gate: GatePolicy(failOn: failOn, minimumSeverity: command.failOnSeverity),
                                   toolVersion: Evident.version, scans: scans.isEmpty ? nil : ScanSet(scans),
                                   pluginRunner: PluginProcess.runner)
        var reportOptions = templates.reportOptions(formats: formats, markdownBudget: command.markdownBudget,
                                                    maxRows: command.maxRows)
        try ReportTemplates.check(reportOptions)
        reportOptions.sarifMaxResults = command.sarifMaxResults
        reportOptions.manifestSigningKey = signingKey
        do {
            try FileManager.default.createDirectory(atPath: command.output, withIntermediateDirectories: true)
        } catch {
            throw CLIError.invalid("cannot create the output folder \(command.output): \(error.localizedDescription)")
        }

        // Each cluster: load, evaluate, write its reports, record its run; keep only the summary.
        let jobs = command.jobs ?? max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        let done = Counter()
        let silent = Progress(quiet: true)
        let output = command.output
        let (sharedInputs, sharedScans, reportFormats, sharedOptions) = (shared, scans, formats, reportOptions)
        let summaries = BoundedParallel.map(clusters.count, width: jobs) { i -> FleetCluster in
            let cluster = clusters[i]
            let folder = (output as NSString).appendingPathComponent(cluster.name)
            defer { done.locked { progress.update("audited \($0) of \(clusters.count) clusters") } }
            do throws(CLIError) {
                let (snapshot, snapshotInputs) = try Inputs.snapshots(
                    [cluster.path], limit: sizeLimit ?? Limits.defaultSnapshotBytes, progress: silent)
                var result = AuditCommand.evaluate(SnapshotIndex(snapshot), scope: scope, inputs: snapshotInputs + sharedInputs, scans: sharedScans,
                                                   options: options, registry: registry)
                var run: HistoryRun?
                if let store {
                    let r = HistoryRun(result: result, cluster: cluster.name)
                    result.history = try HistoryFile.trend(store, with: r)
                    run = r
                }
                _ = try ReportWriter.write(result, formats: reportFormats, options: sharedOptions, to: folder)
                if let store, let run { _ = try HistoryFile.append(run, to: store) }
                return FleetCluster(name: cluster.name, folder: cluster.name, result: result)
            } catch {
                return FleetCluster(name: cluster.name, folder: cluster.name, problem: error.message)
            }
        }

        // The summary: fleet.html, fleet.md and fleet.json, each written beside and renamed into place.
        var summary = FleetSummary(clusters: summaries, generatedAt: clock, toolVersion: Evident.version)
        summary.clusterPage = formats.contains(.html) ? ReportFormat.html.fileName : nil
        let html: String
        do {
            html = try FleetReport.html(summary, template: fleetTemplate)
        } catch {
            throw CLIError.invalid("cannot render fleet.html: \(error)")
        }
        let written = try writeAll([("fleet.html", html), ("fleet.md", FleetReport.markdown(summary)),
                                    ("fleet.json", FleetReport.json(summary))], in: command.output)
        progress.finish()

        var out = ""
        if !command.quiet {
            for c in summaries {
                let (gate, _) = fleetGate(c.exitCode)
                out += "\(c.name): \(gate) (exit \(c.exitCode))"
                if let problem = c.problem {
                    out += ": \(problem)\n"
                } else {
                    let deviating = (c.statusCounts[.notSatisfied] ?? 0) + (c.statusCounts[.error] ?? 0)
                    out += " · \(plural(deviating, "deviating control")) · \(plural(c.deviationCount, "deviation"))"
                    out += " · reports in \((command.output as NSString).appendingPathComponent(c.folder))/\n"
                }
            }
            out += "Fleet summary: " + written.joined(separator: ", ") + "\n"
        }
        let failing = summaries.filter { $0.exitCode != 0 }.count
        out += "Gate: \(summary.exitCode == 0 ? "passed" : "FAILED") (exit \(summary.exitCode)): "
            + "\(failing) of \(plural(summaries.count, "cluster")) did not pass; the exit code is the worst cluster's\n"
        print(out.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.clean(String($0)) }
            .joined(separator: "\n"), terminator: "")
        fflush(nil)
        Foundation.exit(summary.exitCode)
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func fleetGate(_ code: Int32) -> (String, String) {
        switch code {
        case 0: ("passed", "passed")
        case 1: ("failed", "failed")
        case 3: ("not trustworthy", "error")
        default: ("not audited", "error")
        }
    }

    /// Writes every file to a temporary name first and renames them into place once all are written.
    private static func writeAll(_ files: [(name: String, text: String)], in folder: String) throws(CLIError) -> [String] {
        let pid = ProcessInfo.processInfo.processIdentifier
        var staged: [(temp: String, final: String)] = []
        for file in files {
            let temp = (folder as NSString).appendingPathComponent(".\(file.name).\(pid).tmp")
            let final = (folder as NSString).appendingPathComponent(file.name)
            guard FileManager.default.createFile(atPath: temp, contents: Data(file.text.utf8)) else {
                for s in staged { try? FileManager.default.removeItem(atPath: s.temp) }
                throw .invalid("cannot write \(temp): check that \(folder) is writable")
            }
            staged.append((temp, final))
        }
        for s in staged where rename(s.temp, s.final) != 0 {
            throw .invalid("cannot move \(s.temp) into place at \(s.final): \(String(cString: strerror(errno)))")
        }
        return staged.map(\.final)
    }
}

/// A thread-safe counter for progress.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }

    /// Increments and runs `body` with the new value while holding the lock (one caller at a time).
    func locked(_ body: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        body(value)
    }
}

/// `transform(0..<count)` with at most `width` running at once, each index taken in order by the next
/// free worker; results in index order. (`Parallel.map` chunks by core count; here each item is a whole
/// cluster's audit, whose memory the width bounds.)
enum BoundedParallel {
    static func map<T: Sendable>(_ count: Int, width: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        let results = Results<T>(count: count)
        let next = Counter()
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedSendable(transform)
            DispatchQueue.concurrentPerform(iterations: max(1, min(width, count))) { _ in
                while true {
                    let i = next.increment() - 1
                    guard i < count else { return }
                    results.set(i, work.value(i))
                }
            }
        }
        return results.values
    }

    private final class UncheckedSendable<V>: @unchecked Sendable {
        let value: V
        init(_ value: V) { self.value = value }
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [T?]
        init(count: Int) { storage = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T) {
            lock.lock()
            storage[i] = value
            lock.unlock()
        }
        var values: [T] { storage.compactMap { $0 } }
    }
}
