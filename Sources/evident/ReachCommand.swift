import ArgumentParser
import EvidentCore
import EvidentEvaluators
import EvidentNetwork
import Foundation

/// `evident reach [SNAPSHOT ...] [--format text|json] [--focus NAMESPACE/NAME]`.
struct ReachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reach",
        abstract: "Print the connections that the network policies of a snapshot allow.",
        discussion: """
            Reads Kubernetes NetworkPolicies and Calico policies, tiers and network sets, groups pods by
            workload and prints every allowed connection in netpol-analyzer's "connlist" form:
              SRC => DST : CONN     e.g.  shop/web[Deployment] => shop/api[Deployment] : TCP 8080
            External peers are address ranges (`0.0.0.0-255.255.255.255[External]`). Folders are read
            recursively; files in them that are not Kubernetes objects are skipped with a warning.
            Invalid policies (a named port with endPort, a Calico selector that does not parse) and
            conflicting duplicate definitions are errors (exit 2).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("Snapshot files or folders (YAML or JSON; `-` for stdin).", valueName: "snapshot"))
    var snapshots: [String] = []

    @Option(name: .long, help: "Output format: text (connlist) or json.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Only connections of this workload.", valueName: "namespace/name"))
    var focus: String?

    @Flag(name: .long, help: "Print counts and the analysis time instead of the connections (for large clusters).")
    var summary = false

    func run() throws {
        guard !snapshots.isEmpty else { throw CLIError.invalid("give at least one snapshot file or folder") }
        var parts: [Snapshot] = []
        for path in snapshots {
            let inFolder = path != "-" && Self.isFolder(path)
            for file in try Inputs.expand([path]) {
                switch try Inputs.snapshot(file) {
                case .success(let part):
                    parts.append(part)
                case .failure(let error):
                    guard inFolder else { throw CLIError.load(error) }
                    FileHandle.standardError.write(Data((Terminal.cleanLines("warning: skipped \(file): \(error.message)") + "\n").utf8))
                }
            }
        }
        let snapshot = Snapshot.merging(parts)
        if summary {
            // One index at a time: the second is fresh, so that the checks build the analysis themselves.
            print(Self.summary(SnapshotIndex(snapshot)))
            print(Self.checkTimings(SnapshotIndex(snapshot)))
            return
        }
        let index = SnapshotIndex(snapshot)
        let analysis = NetworkAnalysis(index: index, options: .connlist)
        let errors = NetworkAnalysis.inputErrors(parts: parts, analysis: analysis)
        guard errors.isEmpty else {
            throw CLIError(code: 2, message: errors.map { "error: \($0)" }.joined(separator: "\n"))
        }
        for problem in analysis.problems {
            FileHandle.standardError.write(Data((Terminal.cleanLines("warning: \(problem.source): \(problem.message)") + "\n").utf8))
        }
        if let focus, !analysis.workloads.contains(where: { "\($0.namespace)/\($0.name)" == focus || $0.name == focus }) {
            throw CLIError.invalid("--focus \(focus): no such workload in the snapshot")
        }
        let lines = analysis.connlist(focus: focus)
        switch format {
        case .text:
            // Workload names are snapshot text: no escape sequence or bidi control reaches the terminal.
            for line in lines { print(Terminal.clean(line.description)) }
        case .json:
            print(Self.json(lines))
        }
    }

    /// Counts of the audit's reading (pod IPs matched by ipBlocks, hostNetwork pods open) and timings.
    static func summary(_ index: SnapshotIndex) -> String {
        let clock = ContinuousClock()
        var analysis: NetworkAnalysis?
        let analysisTime = clock.measure { analysis = NetworkAnalysis(index: index) }
        guard let analysis else { return "" }
        var matrix: NamespaceMatrix?
        let matrixTime = clock.measure { matrix = NamespaceMatrix(analysis) }
        let stats = analysis.statistics
        let kubernetes = analysis.policies.filter { $0.kind == .kubernetes }.count
        var isolated: [Direction: Int] = [:]
        for direction in Direction.allCases {
            isolated[direction] = analysis.workloads.filter { w in
                w.classes.allSatisfy { analysis.isIsolated(class: $0, direction) }
            }.count
        }
        return """
            workloads: \(analysis.workloads.count) (\(analysis.workloads.reduce(0) { $0 + $1.podCount }) pods)
            endpoint classes: \(stats.classes); plans: \(stats.plans); source sets: \(stats.egressSets) egress, \
            \(stats.ingressSets) ingress
            policies: \(kubernetes) Kubernetes, \(analysis.policies.count - kubernetes) Calico; \
            tiers: \(analysis.tiers.count); problems: \(analysis.problems.count)
            isolated workloads: \(isolated[.ingress] ?? 0) for ingress, \(isolated[.egress] ?? 0) for egress
            namespaces: \(matrix?.namespaces.count ?? 0); connected ordered pairs: \(matrix?.connectedPairs ?? 0)
            analysis: \(seconds(analysisTime)); namespace matrix: \(seconds(matrixTime))
            """
    }

    /// The network checks of the audit, run with default parameters on a fresh index (so the shared
    /// analysis is built once, inside the first check), and how long they take together.
    static let networkChecks = [
        "namespace-default-deny-ingress", "namespace-default-deny-egress", "pod-policy-coverage",
        "sensitive-internet-egress", "cross-sensitivity-paths", "internet-reachable-workloads",
    ]

    static func checkTimings(_ index: SnapshotIndex) -> String {
        let clock = ContinuousClock()
        var lines: [String] = []
        let total = clock.measure {
            for id in networkChecks {
                guard let type = BuiltinEvaluators.registry[id] else { continue }
                var findings = 0
                let elapsed = clock.measure {
                    let context = EvaluationContext(index: index, parameters: Parameters(), now: Date())
                    findings = (try? type.init().evaluate(context))?.findings.count ?? -1
                }
                lines.append("  \(id): \(findings) findings, \(Self.seconds(elapsed))")
            }
        }
        var summary: NetworkSummary?
        let reportTime = clock.measure {
            summary = NetworkExposureSummary.build(index: index, parameters: Parameters())
        }
        return "network checks (audit reading, analysis included): \(Self.seconds(total))\n"
            + lines.joined(separator: "\n")
            + "\nnetwork exposure section: \(Self.seconds(reportTime)) "
            + "(\(summary?.crossSensitivityTotal ?? 0) cross-sensitivity pairs)"
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.3f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// `[{"src": ..., "dst": ..., "conn": ...}]`, as netpol-analyzer's JSON output.
    static func json(_ lines: [ConnlistLine]) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default:
                    if scalar.value < 0x20 {
                        out += String(format: "\\u%04x", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        if lines.isEmpty { return "[]" }
        let items = lines.map {
            "  {\n    \"src\": \(quote($0.source)),\n    \"dst\": \(quote($0.destination)),\n"
                + "    \"conn\": \(quote($0.connections))\n  }"
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]"
    }
}
