import ArgumentParser
import EvidentCore
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

    func run() throws {
        guard !snapshots.isEmpty else { throw CLIError.invalid("give at least one snapshot file or folder") }
        var parts: [Snapshot] = []
        for path in snapshots {
            let inFolder = path != "-" && Self.isFolder(path)
            for file in try Inputs.expand([path]) {
                let data = try Inputs.read(file)
                do {
                    parts.append(try SnapshotLoader.load(data, path: file))
                } catch {
                    guard inFolder else { throw CLIError.load(error) }
                    FileHandle.standardError.write(Data("warning: skipped \(file): \(error.message)\n".utf8))
                }
            }
        }
        let snapshot = Snapshot.merging(parts)
        let analysis = NetworkAnalysis(index: SnapshotIndex(snapshot), options: .connlist)
        let errors = NetworkAnalysis.inputErrors(parts: parts, analysis: analysis)
        guard errors.isEmpty else {
            throw CLIError(code: 2, message: errors.map { "error: \($0)" }.joined(separator: "\n"))
        }
        for problem in analysis.problems {
            FileHandle.standardError.write(Data("warning: \(problem.source): \(problem.message)\n".utf8))
        }
        if let focus, !analysis.workloads.contains(where: { "\($0.namespace)/\($0.name)" == focus || $0.name == focus }) {
            throw CLIError.invalid("--focus \(focus): no such workload in the snapshot")
        }
        let lines = analysis.connlist(focus: focus)
        switch format {
        case .text:
            for line in lines { print(line.description) }
        case .json:
            print(Self.json(lines))
        }
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
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
        if lines.isEmpty { return "[]" }
        let items = lines.map {
            "  {\n    \"src\": \(quote($0.source)),\n    \"dst\": \(quote($0.destination)),\n    \"conn\": \(quote($0.connections))\n  }"
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]"
    }
}
