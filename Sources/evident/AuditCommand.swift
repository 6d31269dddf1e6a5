import ArgumentParser
import CMemory
import EvidentCore
import EvidentEvaluators
import EvidentHistory
import EvidentReport
import Foundation

/// `evident audit`: load → evaluate → render, then the gate decides the exit code.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a cluster snapshot against the catalogs and your security plan, and write the reports.",
        discussion: """
            SNAPSHOT is what `kubectl get <kinds> -A -o json` (or -o yaml) prints, plain manifests \
            (multi-document YAML), a folder of them (read recursively), or `-` for stdin. Several inputs join \
            one set of objects; when an object appears twice, the later input wins.

            Reports go to --output: report.html, report.md, junit.xml and results.json by default; \
            `--format sarif` adds results.sarif (SARIF 2.1.0 for code scanning), `--format oscal` adds \
            assessment-results.json and poam.json (OSCAL 1.2.1). Every run also writes \
            manifest.json with the SHA-256 of each input and report. Reports are rendered completely \
            before any file is replaced, so a failed run never leaves half-written reports.

            EXIT CODES
              0  the gate passed
              1  the gate failed: a control at or above
                 --fail-on-severity ended in a --fail-on status
              2  the invocation or an input was invalid (nothing
                 was evaluated), or reports could not be written
              3  some control ended in `error`: the result cannot
                 be trusted (3 wins over 1)
            Reports are still written for 1 and 3.

            EXAMPLES
              evident audit --example
              kubectl get $(evident audit --print-kinds) -A -o json \\
                > snapshot.json
              evident audit snapshot.json --plan plan.yaml \\
                --fail-on-severity high
              evident audit manifests/ --format junit,json \\
                --output build/evidence
              evident audit snapshot.json --plan plan.yaml \\
                --baseline last-release/results.json
              evident audit snapshot.json --history audits.sqlite
              evident audit --fleet clusters/ --output fleet-report

            HISTORY
              --history FILE appends the run (time, cluster, plan and
              catalog versions, input digests, and per control its
              status, deviations and waived findings) to a SQLite
              database, created when missing, in one transaction; the
              HTML and Markdown reports then show the trend of the
              cluster's last 12 runs. `evident history FILE` lists them.

            FLEETS
              With --fleet every snapshot argument is one cluster: a
              file, or a folder of manifests. A single folder argument
              is a fleet instead: each of its .yaml/.yml/.json files
              and each subfolder is a cluster. A cluster is named by
              its file name without extension (or its folder name);
              two clusters of one name are an error. Each cluster's
              reports go to OUTPUT/CLUSTER/, the summary to
              OUTPUT/fleet.html, fleet.md and fleet.json. Clusters are
              audited --jobs at a time. The exit code is the worst
              cluster's: 2, then 3, then 1, then 0.
            """
    )

    static let statusList = ControlStatus.allCases.map(\.rawValue).joined(separator: ", ")

    @Argument(help: ArgumentHelp("Snapshot files or folders, or - for stdin.", valueName: "snapshot"))
    var snapshots: [String] = []

    @OptionGroup var scope: ScopeOptions

    @Option(name: .long, help: ArgumentHelp("Image-scan results (Trivy or Grype JSON); repeatable.", valueName: "file"))
    var scan: [String] = []

    @Flag(name: .long, help: "Audit the built-in example snapshot with the built-in example plan.")
    var example = false

    @Flag(name: .long, help: "Print the kinds to collect with kubectl (comma-separated) and exit.")
    var printKinds = false

    @Option(name: .long, help: ArgumentHelp("Reports to write: html, markdown, junit, json, sarif, oscal, or all.", valueName: "list"))
    var format: String = "html,markdown,junit,json"

    @Option(name: [.short, .long], help: ArgumentHelp("The folder for the reports.", valueName: "dir"))
    var output: String = "evident-report"

    @Option(name: .long, help: ArgumentHelp("Only controls at or above this severity fail the gate: low, medium, high, critical.", valueName: "severity"))
    var failOnSeverity: Severity = .low

    @Option(name: .long, help: ArgumentHelp("Statuses that fail the gate, comma-separated (\(statusList)).", valueName: "statuses"))
    var failOn: String = "not-satisfied"

    @Option(name: .long, help: ArgumentHelp("The report clock (RFC 3339); expiries are judged against it. Default: SOURCE_DATE_EPOCH, else now.", valueName: "time"))
    var now: String?

    @Option(name: .long, help: ArgumentHelp("When the snapshot was taken (RFC 3339). Default: the capture time of an `evident snapshot` file, else the newest time inside the snapshot.", valueName: "time"))
    var snapshotTime: String?

    @Option(name: .long, help: ArgumentHelp("Your own HTML template (Mustache) instead of the built-in one.", valueName: "file"))
    var htmlTemplate: String?

    @Option(name: .long, help: ArgumentHelp("Your own Markdown template (Mustache) instead of the built-in one.", valueName: "file"))
    var markdownTemplate: String?

    @Option(name: [.long, .customLong("markdown-max-chars")],
            help: ArgumentHelp("The most characters report.md may have (tickets cap comments; Jira takes 30,000, GitHub about 65,000).", valueName: "n"))
    var markdownBudget: Int = 30_000

    @Option(name: .long, help: ArgumentHelp("The most evidence rows per control in HTML (the JSON has all).", valueName: "n"))
    var maxRows: Int = 50

    @Option(name: .long, help: ArgumentHelp("The most results in results.sarif; the least severe are left out.", valueName: "n"))
    var sarifMaxResults: Int = 5_000

    @Option(name: .long, help: ArgumentHelp("An earlier results.json: the gate fails only on deviations it does not hold.", valueName: "file"))
    var baseline: String?

    @Option(name: .long, help: ArgumentHelp("CI annotations: github (workflow commands on stdout) or gitlab (gl-code-quality-report.json in --output).", valueName: "ci"))
    var annotations: String?

    @Option(name: .long, help: ArgumentHelp("An Ed25519 private key file (hex or base64 of 32 bytes; `evident verify --generate-key`): sign manifest.json into manifest.json.sig.", valueName: "file"))
    var signKey: String?

    @Option(name: .long, help: ArgumentHelp("The largest input file: bytes, or a number with KiB, MiB or GiB. Default: 4GiB for snapshots, 16MiB for plans, catalogs and scans (a value given sets both).", valueName: "size"))
    var maxInputSize: String?

    @Option(name: .long, help: ArgumentHelp("A history database (SQLite, created when missing): append this run and show the trend of the last runs in the reports.", valueName: "file"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("The cluster's name in the history. Default: the context an `evident snapshot` file recorded, else the first snapshot's file name without extension.", valueName: "name"))
    var clusterName: String?

    @Flag(name: .long, help: "Audit a fleet: each snapshot argument is a cluster (a single folder: each of its files and subfolders is one). Writes OUTPUT/CLUSTER/ and fleet.html, fleet.md, fleet.json.")
    var fleet = false

    @Option(name: .long, help: ArgumentHelp("With --fleet: how many clusters to audit at once (default: 2, or 1 on one core).", valueName: "n"))
    var jobs: Int?

    @Flag(name: .long, help: "Print only the gate line.")
    var quiet = false

    @Flag(name: .long, help: ArgumentHelp("Print the time of each phase, input throughput and peak memory to stderr.",
                                          visibility: .hidden))
    var timings = false

    func validate() throws {
        if !example && snapshots.isEmpty && !printKinds {
            throw ValidationError("give a snapshot (file, folder or -), or --example to audit the built-in example")
        }
        if example && !snapshots.isEmpty { throw ValidationError("--example uses the built-in snapshot; drop the snapshot arguments") }
        if example && scope.plan != nil { throw ValidationError("--example uses the built-in plan; drop --plan") }
        if markdownBudget < 2_000 { throw ValidationError("--markdown-budget must be at least 2000") }
        if maxRows < 1 { throw ValidationError("--max-rows must be at least 1") }
        if let annotations, !["github", "gitlab"].contains(annotations) {
            throw ValidationError("--annotations must be github or gitlab")
        }
        if sarifMaxResults < 1 { throw ValidationError("--sarif-max-results must be at least 1") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if jobs != nil && !fleet { throw ValidationError("--jobs works with --fleet only") }
        if fleet {
            if example { throw ValidationError("--fleet audits snapshot files or folders; drop --example") }
            if snapshots.contains("-") { throw ValidationError("--fleet cannot read a cluster from stdin (-)") }
            if baseline != nil { throw ValidationError("--baseline compares one cluster's runs; it does not work with --fleet") }
            if clusterName != nil { throw ValidationError("--fleet names each cluster by its file or folder; drop --cluster-name") }
            if annotations == "github" { throw ValidationError("--annotations github prints one cluster's findings; use gitlab with --fleet") }
        }
    }

    func run() throws {
        if printKinds {
            print(SnapshotKinds.kubectlList)
            return
        }
        if fleet { try FleetAudit.run(self) }
        let progress = Progress(quiet: quiet)
        defer { progress.finish() }
        var clockTimes = PhaseTimes()
        var formats = try ReportFormat.parse(format)
        if annotations == "gitlab" && !formats.contains(.codequality) { formats.append(.codequality) }
        let failOnStatuses = try Self.parseStatuses(failOn)
        let clock = try OptionValues.now(now)
        let taken = try snapshotTime.map { text throws(CLIError) in try OptionValues.time(text, option: "--snapshot-time") }
        let registry = BuiltinEvaluators.registry

        // Load.
        let sizeLimit = try maxInputSize.map { text throws(CLIError) in try OptionValues.size(text, option: "--max-input-size") }
        if let sizeLimit { Inputs.smallFileLimit = sizeLimit }
        // A history that cannot be used stops the run before anything is evaluated.
        let historyStore = try history.map { path throws(CLIError) in try HistoryFile.open(path, create: true) }
        // The templates parse on a thread while the catalogs and plan load; a broken one stops the run there.
        let templates = try ReportTemplates.load(html: htmlTemplate, markdown: markdownTemplate)
        var reportOptions = templates.reportOptions(formats: formats, markdownBudget: markdownBudget, maxRows: maxRows)
        progress.update("loading catalogs and plan")
        let scope = try Scope.load(planPath: self.scope.plan, catalogPaths: self.scope.catalog, example: example, registry: registry)
        try ReportTemplates.check(reportOptions)
        var (snapshot, snapshotInputs) = example ? try Inputs.exampleSnapshot() : try Inputs.snapshots(snapshots, limit: sizeLimit ?? Limits.defaultSnapshotBytes, progress: progress)
        var inputs = snapshotInputs + scope.inputs
        var scans: [ImageScan] = []
        for path in scan {
            let data = try Inputs.read(path)
            inputs.append(InputFile(path: path, role: .scan, sha256: Digest.sha256(data), bytes: data.count))
            do {
                scans.append(try ScanLoader.load(data, path: path))
            } catch {
                throw CLIError.load(error)
            }
        }
        var known: Baseline?
        if let baseline {
            // The baseline is evidence too: its digest goes into results.json and the manifest.
            let data = try Inputs.read(baseline, limit: sizeLimit ?? Limits.defaultSnapshotBytes)
            inputs.append(InputFile(path: baseline, role: .baseline, sha256: Digest.sha256(data), bytes: data.count))
            do {
                known = try Baseline.load(data, path: baseline)
            } catch {
                throw CLIError.load(error)
            }
        }
        let signingKey = try signKey.map { path throws(CLIError) in try Inputs.text(try Inputs.read(path), path: path) }
        inputs += templates.inputs
        clockTimes.mark("load")

        // Evaluate.
        progress.update("evaluating \(snapshot.resources.count) objects")
        let options = AuditOptions(now: clock, snapshotTime: taken,
                                   gate: GatePolicy(failOn: failOnStatuses, minimumSeverity: failOnSeverity),
                                   toolVersion: Evident.version, scans: scan.isEmpty ? nil : ScanSet(scans),
                                   pluginRunner: PluginProcess.runner)
        let objects = snapshot.resources.count
        let historyName = HistoryFile.clusterName(option: clusterName, snapshot: snapshot, paths: snapshots, example: example)
        // A large snapshot is millions of small values: freeing them one by one takes seconds, and the
        // process ends anyway, so it is kept until the exit. A small one goes before the reports render,
        // which then have its memory: rendering makes the peak of a small audit, the snapshot that of a
        // large one (at 20,000 pods freeing took 0.2 s and lowered no peak).
        var keptUntilExit: SnapshotIndex?
        var result: AuditResult
        do {
            let index = SnapshotIndex(snapshot)
            result = Self.evaluate(index, scope: scope, inputs: inputs, scans: scans, options: options, registry: registry)
            if objects > Self.freedBeforeRendering { keptUntilExit = index }
        }
        if keptUntilExit == nil {
            snapshot = Snapshot()
            evident_release_free_memory()
        }

        // Against a baseline, only new deviations fail the gate.
        var drift: DeviationDiff?
        if let known {
            result.gate = options.gate.judge(result.controls, baseline: known)
            drift = DeviationDiff(old: known.deviations, new: Deviation.of(result), oldStatuses: known.statuses,
                                  newStatuses: result.controls.map { ($0.control.id, $0.status.rawValue) })
        }
        // With a history, the reports show the trend of the cluster's last runs, this one included.
        var historyRun: HistoryRun?
        if let historyStore {
            let run = HistoryRun(result: result, cluster: historyName)
            result.history = try HistoryFile.trend(historyStore, with: run)
            historyRun = run
        }
        clockTimes.mark("evaluate")

        // Render and write.
        progress.update("writing reports")
        reportOptions.sarifMaxResults = sarifMaxResults
        reportOptions.manifestSigningKey = signingKey
        let written = try ReportWriter.write(result, formats: formats, options: reportOptions, to: output)
        clockTimes.mark("render")
        // The run is recorded once its reports are in place: a run that failed to write them is not history.
        var recorded: String?
        if let historyStore, let historyRun, let history {
            let id = try HistoryFile.append(historyRun, to: historyStore)
            recorded = "History: run \(id) of cluster \(historyRun.cluster) appended to \(history)"
        }
        progress.finish()
        if timings {
            let bytes = snapshotInputs.reduce(0) { $0 + $1.bytes }
            clockTimes.report(inputBytes: bytes, objects: objects)
        }

        if let drift, let baseline, !quiet {
            let text = DriftReport.text(drift, old: baseline, new: "this audit", maxRows: 20)
            print(text.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.clean(String($0)) }
                .joined(separator: "\n"), terminator: "")
        }
        if annotations == "github" {
            // Escaped for workflow commands already; cleaned like all printed text (zero-width characters).
            print(Terminal.cleanLines(ReportRenderer.githubAnnotations(result)), terminator: "")
        }
        if let recorded, !quiet { print(Terminal.clean(recorded)) }
        Summary.print(result, reports: written, quiet: quiet)
        // Exit here, with the gate's code, instead of unwinding (and freeing a large snapshot).
        withExtendedLifetime(keptUntilExit) {
            fflush(nil)
            Foundation.exit(result.gate.exitCode)
        }
    }

    /// Snapshots of at most this many objects are freed before the reports render (see `run`).
    static let freedBeforeRendering = 20_000

    /// Everything after loading: the engine, scan diagnostics and the network summary the reports show.
    static func evaluate(_ index: SnapshotIndex, scope: Scope, inputs: [InputFile], scans: [ImageScan],
                         options: AuditOptions, registry: EvaluatorRegistry) -> AuditResult {
        // Network exposure for the reports, from the analysis the network checks build (shared on the index),
        // computed alongside the checks.
        let summaryParameters = AuditEngine.runParameters(catalogs: scope.catalogs, plan: scope.plan)
        var (result, network) = AuditEngine(registry: registry).run(
            snapshot: index, plan: scope.plan, catalogs: scope.catalogs, inputs: inputs, options: options,
            alongsideWork: NetworkExposureSummary.sharedWork,
            alongside: { index in NetworkExposureSummary.build(index: index, parameters: summaryParameters) })
        result.network = network
        if !scans.isEmpty {
            result.diagnostics = (result.diagnostics + ScanDiagnostics.unmatched(ScanSet(scans), in: index)).sorted()
        }
        return result
    }

    static func parseStatuses(_ text: String) throws(CLIError) -> Set<ControlStatus> {
        var statuses: Set<ControlStatus> = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let status = ControlStatus(rawValue: word) else {
                throw .invalid("--fail-on: unknown status '\(word)'; statuses: \(statusList)")
            }
            statuses.insert(status)
        }
        guard !statuses.isEmpty else { throw .invalid("--fail-on needs at least one status") }
        return statuses
    }
}
