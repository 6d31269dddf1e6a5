import EvidentCore

/// Passes when, within each node pool, every Node reports the same kubelet version, kernel version, OS
/// image and container runtime version. The pool is the value of the first of `node.kubernetes.io/pool`,
/// `eks.amazonaws.com/nodegroup`, `cloud.google.com/gke-nodepool` and `agentpool` that a node carries;
/// nodes with none form one pool. Fails on each node whose value differs from the pool's most common one
/// (ties go to the lexicographically smallest), once per field; a node missing a field others report
/// differs too.
struct NodeVersionDrift: Evaluator {
    static let fields: [(name: String, key: String)] = [
        ("kubelet version", "kubeletVersion"), ("kernel version", "kernelVersion"), ("OS image", "osImage"),
        ("container runtime version", "containerRuntimeVersion"),
    ]

    static let descriptor = EvaluatorDescriptor(
        id: "node-version-drift",
        title: "Node versions are uniform within each pool",
        summary: """
            Fails for every Node whose kubelet, kernel, OS image or container runtime version differs from the \
            most common value in its node pool.
            """,
        requiredKinds: ["Node"],
        examples: [
            .passing("two pools, each uniform", """
                apiVersion: v1
                kind: Node
                metadata: {name: a1, labels: {eks.amazonaws.com/nodegroup: general}}
                status:
                  nodeInfo: {kubeletVersion: v1.29.3, kernelVersion: 5.15.0-1057-aws, osImage: Bottlerocket OS 1.19.2,
                             containerRuntimeVersion: "containerd://1.7.13"}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: a2, labels: {eks.amazonaws.com/nodegroup: general}}
                status:
                  nodeInfo: {kubeletVersion: v1.29.3, kernelVersion: 5.15.0-1057-aws, osImage: Bottlerocket OS 1.19.2,
                             containerRuntimeVersion: "containerd://1.7.13"}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: b1, labels: {eks.amazonaws.com/nodegroup: gpu}}
                status:
                  nodeInfo: {kubeletVersion: v1.28.9, kernelVersion: 5.10.0-1000-aws, osImage: Amazon Linux 2,
                             containerRuntimeVersion: "containerd://1.6.28"}
                """),
            .failing("a node with an older kernel, and a tie decided by the smaller value", """
                apiVersion: v1
                kind: Node
                metadata: {name: a1, labels: {node.kubernetes.io/pool: web}}
                status: {nodeInfo: {kubeletVersion: v1.29.3, kernelVersion: 5.15.0-1057-aws}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: a2, labels: {node.kubernetes.io/pool: web}}
                status: {nodeInfo: {kubeletVersion: v1.29.3, kernelVersion: 5.15.0-1057-aws}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: a3, labels: {node.kubernetes.io/pool: web}}
                status: {nodeInfo: {kubeletVersion: v1.29.3, kernelVersion: 5.15.0-1050-aws}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: x1}
                status: {nodeInfo: {kubeletVersion: v1.30.1}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: x2}
                status: {nodeInfo: {kubeletVersion: v1.30.0}}
                """, failing: ["Node a3", "Node x1"]),
        ])

    func evaluate(_ context: EvaluationContext) -> CheckOutcome {
        let nodes = NodeFacts.all(in: context.index)
        let pools = Dictionary(grouping: nodes) { $0.pool ?? "" }
        var findings: [Finding] = []
        for poolKey in pools.keys.sorted() {
            let members = pools[poolKey] ?? []
            guard members.count > 1 else { continue }
            let pool = poolKey.isEmpty ? "nodes without a pool label" : "nodes in pool \(poolKey)"
            for field in Self.fields {
                let values = members.map { $0.nodeInfo[field.key]?.string }
                var counts: [String: Int] = [:]
                for value in values.compactMap({ $0 }) { counts[value, default: 0] += 1 }
                guard let common = counts.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key })
                else { continue }
                for (node, value) in zip(members, values) where value != common.key {
                    let runs = value.map { "runs \(field.name) \($0)" } ?? "reports no \(field.name)"
                    findings.append(Finding(
                        on: node.node, path: "status.nodeInfo.\(field.key)", observed: value ?? "unset",
                        expected: common.key,
                        message: """
                            node \(node.name) \(runs), while \(common.value) of the \(members.count) \(pool) run \
                            \(common.key)
                            """))
                }
            }
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}
