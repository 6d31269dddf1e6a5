import EvidentCore

/// Passes when every kubelet (`status.nodeInfo.kubeletVersion`) is within `max_kubelet_minor_skew` (default
/// 1) minor versions of the newest kubelet in the snapshot. Fails on each node that lags further behind,
/// runs another major version, or reports no readable kubelet version.
struct KubeletVersionSkew: Evaluator {
    static let defaultSkew = 1

    static let descriptor = EvaluatorDescriptor(
        id: "kubelet-version-skew",
        title: "Kubelet versions stay within the allowed skew",
        summary: """
            Fails for every Node whose kubelet is more than max_kubelet_minor_skew (default 1) minor versions \
            behind the newest kubelet in the cluster, or whose kubelet version cannot be read.
            """,
        parameters: [EvaluatorParameter("max_kubelet_minor_skew",
                                        "allowed minor versions behind the newest kubelet; default 1")],
        requiredKinds: ["Node"],
        examples: [
            .passing("one minor version apart", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kubeletVersion: v1.30.2}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kubeletVersion: v1.29.9-eks-1234abc}}
                """),
            .failing("two minor versions behind, and one without a version", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kubeletVersion: v1.30.2}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kubeletVersion: v1.28.4}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                status: {nodeInfo: {kubeletVersion: v1.29.0}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n4}
                """, failing: ["Node n2", "Node n4"]),
            .passing("a wider skew allowed by the plan", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kubeletVersion: v1.30.2}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kubeletVersion: v1.28.4}}
                """, parameters: ["max_kubelet_minor_skew": .int(2)]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        if let raw = context.parameters["max_kubelet_minor_skew"], raw.int == nil || (raw.int ?? 0) < 0 {
            throw EvaluationError("max_kubelet_minor_skew must be a whole number of at least 0, got \(raw.display)")
        }
        let allowed = context.parameters.int("max_kubelet_minor_skew") ?? Self.defaultSkew
        let nodes = NodeFacts.all(in: context.index)
        let versions = nodes.map { node in node.kubeletVersion.flatMap(NodeVersion.init) }
        let newest = versions.compactMap { $0 }.max()
        var findings: [Finding] = []
        for (node, version) in zip(nodes, versions) {
            let path = "status.nodeInfo.kubeletVersion"
            guard let version, let newest else {
                findings.append(Finding(
                    on: node.node, path: path, observed: NodeFacts.unreadable(node.kubeletVersion),
                    expected: "a kubelet version",
                    message: "node \(node.name) reports no readable kubelet version, so its skew cannot be checked"))
                continue
            }
            let expected = "within \(allowed) minor of \(newest.text)"
            if version.major != newest.major {
                findings.append(Finding(
                    on: node.node, path: path, observed: version.text, expected: expected,
                    message: """
                        node \(node.name) runs kubelet \(version.text), another major version than the newest \
                        \(newest.text)
                        """))
            } else if newest.minor - version.minor > allowed {
                findings.append(Finding(
                    on: node.node, path: path, observed: version.text, expected: expected,
                    message: """
                        node \(node.name) runs kubelet \(version.text), \(newest.minor - version.minor) minor versions \
                        behind the newest kubelet \(newest.text) (at most \(allowed) allowed)
                        """))
            }
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}
