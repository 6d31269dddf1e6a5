import EvidentCore

/// Passes when some DaemonSet whose name or container image contains (ignoring case) one of
/// `runtime_sensor_patterns` (default falco, tetragon, sysdig, neuvector, collector, stackrox, aqua,
/// twistlock) reports `status.numberReady` == `status.desiredNumberScheduled` == the number of schedulable
/// (not cordoned) Linux nodes. Fails with one cluster-level finding when no such DaemonSet exists, and on
/// each matching DaemonSet when none of them covers every node.
struct RuntimeSensorDaemonSet: Evaluator {
    static let defaultPatterns = ["falco", "tetragon", "sysdig", "neuvector", "collector", "stackrox", "aqua", "twistlock"]

    static let descriptor = EvaluatorDescriptor(
        id: "runtime-sensor-daemonset",
        title: "A runtime security sensor runs on every node",
        summary: """
            Fails when no DaemonSet matching runtime_sensor_patterns exists, or when none of them is ready on \
            every schedulable Linux node.
            """,
        parameters: [EvaluatorParameter(
            "runtime_sensor_patterns",
            "substrings of DaemonSet names or images that identify a runtime sensor; default falco, tetragon, "
                + "sysdig, neuvector, collector, stackrox, aqua, twistlock")],
        requiredKinds: ["Node"],
        examples: [
            .passing("Falco ready on both schedulable Linux nodes; cordoned and Windows nodes do not count", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: falco, namespace: falco}
                spec:
                  template:
                    spec: {containers: [{name: falco, image: docker.io/falcosecurity/falco:0.38.1}]}
                status: {desiredNumberScheduled: 2, numberReady: 2}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {kubernetes.io/os: linux}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                spec: {unschedulable: true}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: w1, labels: {kubernetes.io/os: windows}}
                """),
            .failing("a sensor that misses a node", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: node-agent, namespace: security}
                spec:
                  template:
                    spec: {containers: [{name: agent, image: quay.io/cilium/tetragon:v1.1.0}]}
                status: {desiredNumberScheduled: 1, numberReady: 1}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                """, failing: ["DaemonSet security/node-agent"]),
            .failing("no sensor at all", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: kube-proxy, namespace: kube-system}
                spec:
                  template:
                    spec: {containers: [{name: kube-proxy, image: registry.k8s.io/kube-proxy:v1.29.3}]}
                status: {desiredNumberScheduled: 1, numberReady: 1}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                """, failing: ["cluster"]),
        ])

    func evaluate(_ context: EvaluationContext) -> CheckOutcome {
        let patterns = (context.parameters.stringList("runtime_sensor_patterns") ?? Self.defaultPatterns)
            .filter { !$0.isEmpty }.map { $0.lowercased() }
        let nodes = NodeFacts.all(in: context.index).filter { $0.isLinux && !$0.isCordoned }
        let expected = nodes.count
        let sensors = context.index.resources(ofKind: "DaemonSet")
            .filter { Self.matches($0, patterns) }
            .sorted { $0.id < $1.id }
        guard !sensors.isEmpty else {
            return CheckOutcome(evaluated: 1, findings: [.cluster(
                message: """
                    no DaemonSet matches a runtime sensor pattern (\(patterns.joined(separator: ", "))), so no \
                    runtime threat detection is shown to run on the nodes
                    """,
                observed: "no runtime sensor DaemonSet",
                expected: "a sensor ready on \(NameList.count(expected, "node"))")])
        }
        var gaps: [Finding] = []
        for sensor in sensors {
            let ready = sensor.status["numberReady"]?.int ?? 0
            let desired = sensor.status["desiredNumberScheduled"]?.int ?? 0
            if ready == expected && desired == expected { return CheckOutcome(evaluated: sensors.count, findings: []) }
            let shortfall = desired == expected
                ? "only \(ready) of its \(desired) pods are ready"
                : "it is scheduled on \(NameList.count(desired, "node")) (\(ready) ready)"
            gaps.append(Finding(
                on: sensor, path: "status.numberReady", observed: "\(ready) ready, \(desired) desired",
                expected: "\(expected) ready and desired",
                message: """
                    runtime sensor \(sensor.name) does not cover every node: \(shortfall), but the cluster has \
                    \(NameList.count(expected, "schedulable Linux node"))
                    """))
        }
        return CheckOutcome(evaluated: sensors.count, findings: gaps)
    }

    /// Whether the DaemonSet's name or one of its container or init container images contains a pattern.
    static func matches(_ daemonSet: Resource, _ patterns: [String]) -> Bool {
        let spec = daemonSet.body.at("spec.template.spec") ?? .null
        let images = ((spec["containers"]?.items ?? []) + (spec["initContainers"]?.items ?? []))
            .compactMap { $0["image"]?.string }
        let haystacks = ([daemonSet.name] + images).map { $0.lowercased() }
        return haystacks.contains { text in patterns.contains { text.contains($0) } }
    }
}
