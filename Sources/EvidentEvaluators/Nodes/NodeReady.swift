import EvidentCore

/// Passes when every Node reports the condition Ready=True, or is cordoned (`spec.unschedulable: true`)
/// and carries a NoSchedule or NoExecute taint, i.e. has been taken out of service. Fails on each other
/// node: not ready (or reporting no Ready condition) while still open to workloads.
struct NodeReady: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "node-ready",
        title: "Nodes are ready or isolated",
        summary: """
            Fails for every Node whose Ready condition is not True, unless it is cordoned and tainted NoSchedule \
            or NoExecute so that no new workloads land on it.
            """,
        requiredKinds: ["Node"],
        examples: [
            .passing("a ready node and a cordoned, tainted one", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  conditions:
                  - {type: MemoryPressure, status: "False"}
                  - {type: Ready, status: "True"}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                spec:
                  unschedulable: true
                  taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]
                status:
                  conditions: [{type: Ready, status: "Unknown"}]
                """),
            .failing("not ready, cordoned without a taint, and no status at all", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  conditions: [{type: Ready, status: "False", reason: KubeletNotReady}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                spec: {unschedulable: true}
                status:
                  conditions: [{type: Ready, status: "False"}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                spec:
                  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n4}
                status:
                  conditions: [{type: Ready, status: "True"}]
                """, failing: ["Node n1", "Node n2", "Node n3"]),
        ])

    func evaluate(_ context: EvaluationContext) -> CheckOutcome {
        let nodes = NodeFacts.all(in: context.index)
        var findings: [Finding] = []
        for node in nodes {
            let conditions = node.node.status["conditions"]?.items ?? []
            let position = conditions.firstIndex { $0["type"]?.string == "Ready" }
            let status = position.flatMap { conditions[$0]["status"]?.string }
            if status == "True" { continue }
            let tainted = node.hasTaint(withEffect: ["NoSchedule", "NoExecute"])
            if node.isCordoned && tainted { continue }
            let state = status.map { "Ready=\($0)" } ?? "no Ready condition"
            let reason = position.flatMap { conditions[$0]["reason"]?.string }.map { " (\($0))" } ?? ""
            let isolation: String
            switch (node.isCordoned, tainted) {
            case (true, _): isolation = "it is cordoned but carries no NoSchedule or NoExecute taint"
            case (false, true): isolation = "it is tainted but not cordoned"
            case (false, false): isolation = "it is neither cordoned nor tainted"
            }
            findings.append(Finding(
                on: node.node, path: position.map { "status.conditions[\($0)].status" } ?? "status.conditions",
                observed: state, expected: "Ready=True, or cordoned and tainted NoSchedule/NoExecute",
                message: """
                    node \(node.name) reports \(state)\(reason) and \(isolation), so it is neither healthy nor taken \
                    out of service
                    """))
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}
