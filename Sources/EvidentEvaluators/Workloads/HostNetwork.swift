import EvidentCore

/// Passes when no pod spec sets `hostNetwork: true`; fails for each one that does.
struct HostNetwork: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "host-network",
        title: "Pods do not share the host network",
        summary: """
            Fails for every pod spec with hostNetwork: true, whose containers then bypass network policies and \
            see all of the node's network traffic and interfaces.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("pod network, explicitly or by default", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  hostNetwork: false
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/api:1}
                """),
            .failing("a DaemonSet on the host network", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: exporter, namespace: monitoring}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers:
                      - {name: exporter, image: registry.example.com/node-exporter:1}
                """, failing: ["DaemonSet monitoring/exporter"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        guard pod.spec["hostNetwork"]?.bool == true else { return [] }
        return [Violation(path: "spec.hostNetwork", observed: "true", expected: "false or unset",
                          message: "the pod shares the node's network namespace")]
    }
}
