import EvidentCore
import Foundation

/// Passes when every Node's container runtime (`status.nodeInfo.containerRuntimeVersion`, e.g.
/// `containerd://1.7.13`) is listed in `runtime_version_floors` (required, runtime name to oldest allowed
/// version, e.g. `{containerd: 1.7.0, cri-o: 1.29.0, docker: 25.0.0}`) and at least that version. Fails on
/// each node with an older runtime, a runtime not on the list, or an unreadable runtime version.
struct ContainerRuntimeVersion: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "container-runtime-version",
        title: "Container runtimes are maintained versions",
        summary: """
            Fails for every Node whose container runtime is older than its floor in runtime_version_floors, is \
            not on that list, or reports no readable version.
            """,
        parameters: [EvaluatorParameter(
            "runtime_version_floors", "runtime name to the oldest allowed version, e.g. {containerd: 1.7.0}",
            required: true)],
        requiredKinds: ["Node"],
        examples: [
            .passing("containerd and CRI-O at their floors or newer", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {containerRuntimeVersion: "containerd://1.7.13"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {containerRuntimeVersion: "cri-o://1.29.1"}}
                """, parameters: ["runtime_version_floors": .map([
                    "containerd": .string("1.7.0"), "cri-o": .string("1.29.0"), "docker": .string("25.0.0"),
                ])]),
            .failing("an old Docker, an unlisted runtime and an old containerd", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {containerRuntimeVersion: "docker://24.0.7"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {containerRuntimeVersion: "rkt://1.30.0"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                status: {nodeInfo: {containerRuntimeVersion: "containerd://1.6.28-0ubuntu1"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n4}
                status: {nodeInfo: {containerRuntimeVersion: "containerd://2.0.0"}}
                """, failing: ["Node n1", "Node n2", "Node n3"], parameters: ["runtime_version_floors": .map([
                    "containerd": .string("1.7.0"), "cri-o": .string("1.29.0"), "docker": .string("25.0.0"),
                ])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        if let members = context.parameters["runtime_version_floors"]?.map,
           let (name, value) = members.sorted(by: { $0.key < $1.key }).first(where: { $0.value.string == nil }) {
            // YAML reads an unquoted 1.30 as the number 1.3: refuse rather than guess.
            throw EvaluationError("""
                runtime_version_floors.\(name) must be a version written as a quoted string such as "1.7.0", got \
                \(value.display)
                """)
        }
        guard let written = context.parameters.stringMap("runtime_version_floors") else {
            if let raw = context.parameters["runtime_version_floors"] {
                throw EvaluationError("runtime_version_floors must map runtime names to versions, got \(raw.display)")
            }
            return .needsEvidence("the parameter runtime_version_floors is not set")
        }
        var floors: [String: NodeVersion] = [:]
        for name in written.keys.sorted() {
            let text = written[name] ?? ""
            guard let version = NodeVersion(text) else {
                throw EvaluationError("runtime_version_floors.\(name) must be a version such as 1.7.0, got \(text)")
            }
            floors[name.lowercased()] = version
        }
        let listed = floors.keys.sorted().joined(separator: ", ")
        let path = "status.nodeInfo.containerRuntimeVersion"
        let nodes = NodeFacts.all(in: context.index)
        var findings: [Finding] = []
        for node in nodes {
            let text = node.containerRuntimeVersion
            let (runtime, version) = text.map(NodeVersion.runtime) ?? ("", nil)
            guard let floor = floors[runtime] else {
                let name = runtime.isEmpty ? NodeFacts.unreadable(text) : runtime
                findings.append(Finding(
                    on: node.node, path: path, observed: text ?? "unset", expected: "one of: \(listed)",
                    message: """
                        node \(node.name) runs container runtime \(name), which is not on the list of maintained \
                        runtimes (runtime_version_floors: \(listed))
                        """))
                continue
            }
            guard let version else {
                findings.append(Finding(
                    on: node.node, path: path, observed: text ?? "unset", expected: "\(runtime) >= \(floor.text)",
                    message: """
                        node \(node.name) reports no readable \(runtime) version, so it cannot be compared with \
                        \(floor.text)
                        """))
                continue
            }
            if version < floor {
                findings.append(Finding(
                    on: node.node, path: path, observed: text ?? version.text, expected: "\(runtime) >= \(floor.text)",
                    message: "node \(node.name) runs \(runtime) \(version.text), older than the required \(floor.text)"))
            }
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}

extension ContainerRuntimeVersion {
    /// The parameters are read before anything is looked at, so a run on an empty snapshot checks them.
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try Self().evaluate(EvaluationContext(index: SnapshotIndex(Snapshot()), parameters: parameters,
                                                  now: Date(timeIntervalSince1970: 0)))
    }
}
