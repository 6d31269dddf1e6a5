import EvidentCore

/// Passes when every Node's `status.nodeInfo.osImage` contains, ignoring case, one of `allowed_os_images`
/// (required, e.g. `[Bottlerocket, Flatcar, Container-Optimized OS, Talos]`); fails on each node running
/// another operating system image, or reporting none.
struct NodeOSImage: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "node-os-image",
        title: "Nodes run an approved container-specific OS",
        summary: """
            Fails for every Node whose OS image does not contain (ignoring case) one of allowed_os_images, or \
            is not reported.
            """,
        parameters: [EvaluatorParameter(
            "allowed_os_images", "OS image names allowed on nodes, matched as case-insensitive substrings",
            required: true)],
        requiredKinds: ["Node"],
        examples: [
            .passing("Bottlerocket and Container-Optimized OS", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {osImage: "Bottlerocket OS 1.19.2 (aws-k8s-1.29)"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {osImage: "Container-Optimized OS from Google"}}
                """, parameters: [
                    "allowed_os_images": .list([.string("bottlerocket"), .string("Container-Optimized OS")]),
                ]),
            .failing("a general-purpose distribution, and a node without status", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {osImage: "Ubuntu 22.04.4 LTS"}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                status: {nodeInfo: {osImage: "Flatcar Container Linux by Kinvolk 3815.2.0"}}
                """, failing: ["Node n1", "Node n2"], parameters: ["allowed_os_images": .list([.string("Flatcar")])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let raw = context.parameters["allowed_os_images"] else {
            return .needsEvidence("the parameter allowed_os_images is not set")
        }
        let allowed = raw.list?.compactMap(\.string) ?? raw.string.map { [$0] }
        guard let allowed else {
            throw EvaluationError("allowed_os_images must be a list of OS image names, got \(raw.display)")
        }
        let needles = allowed.filter { !$0.isEmpty }.map { $0.lowercased() }
        let listed = allowed.joined(separator: ", ")
        let nodes = NodeFacts.all(in: context.index)
        var findings: [Finding] = []
        for node in nodes {
            let image = node.osImage ?? ""
            let lowered = image.lowercased()
            if needles.contains(where: { lowered.contains($0) }) { continue }
            findings.append(Finding(
                on: node.node, path: "status.nodeInfo.osImage", observed: image.isEmpty ? "unset" : image,
                expected: "one of: \(listed)",
                message: image.isEmpty
                    ? "node \(node.name) reports no OS image, so it cannot be shown to run an approved one"
                    : "node \(node.name) runs \(image), which is not an approved container-specific OS"))
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}
