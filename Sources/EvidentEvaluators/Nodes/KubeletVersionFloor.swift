import EvidentCore

/// Passes when every Node's kubelet (`status.nodeInfo.kubeletVersion`) is at least `min_kubelet_version`
/// (required, e.g. `1.29.0`); fails on each node with an older or unreadable kubelet version.
struct KubeletVersionFloor: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "kubelet-version-floor",
        title: "Kubelets meet the minimum version",
        summary: "Fails for every Node whose kubelet version is older than min_kubelet_version, or cannot be read.",
        parameters: [EvaluatorParameter("min_kubelet_version", "the oldest kubelet version allowed, e.g. 1.29.0",
                                        required: true)],
        requiredKinds: ["Node"],
        examples: [
            .passing("kubelets at and above the floor", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kubeletVersion: v1.29.0}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kubeletVersion: v1.30.4-gke.1348000}}
                """, parameters: ["min_kubelet_version": .string("1.29")]),
            .failing("an old kubelet", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kubeletVersion: v1.29.3}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kubeletVersion: v1.28.15}}
                """, failing: ["Node n2"], parameters: ["min_kubelet_version": .string("v1.29.0")]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let floor = try VersionFloor.floor(context.parameters, "min_kubelet_version") else {
            return .needsEvidence("the parameter min_kubelet_version is not set")
        }
        let nodes = NodeFacts.all(in: context.index)
        let findings = nodes.compactMap { node in
            VersionFloor.check(node, node.kubeletVersion, floor: floor, path: "status.nodeInfo.kubeletVersion",
                               what: "kubelet")
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}

extension KubeletVersionFloor {
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try VersionFloor.floor(parameters, "min_kubelet_version")
    }
}
