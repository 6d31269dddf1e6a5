import EvidentCore

/// Passes when no pod combines `hostPID: true` with a privileged container; fails for each privileged
/// container of a pod that shares the host's process namespace (together they give root on the node).
struct PrivilegedHostPID: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "privileged-host-pid",
        title: "No privileged containers in the host process namespace",
        summary: """
            Fails for every privileged container in a pod with hostPID: true, a combination that lets the \
            container enter any host process, as root on the node.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("hostPID without privilege, and privilege without hostPID", """
                apiVersion: v1
                kind: Pod
                metadata: {name: top, namespace: ops}
                spec:
                  hostPID: true
                  containers:
                  - {name: top, image: registry.example.com/top:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: dind, namespace: ci}
                spec:
                  containers:
                  - {name: docker, image: registry.example.com/dind:1, securityContext: {privileged: true}}
                """),
            .failing("a node-shell DaemonSet", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: node-shell, namespace: ops}
                spec:
                  template:
                    spec:
                      hostPID: true
                      initContainers:
                      - {name: setup, image: registry.example.com/setup:1}
                      containers:
                      - {name: shell, image: registry.example.com/shell:1, securityContext: {privileged: true}}
                """, failing: ["DaemonSet ops/node-shell"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        guard pod.spec["hostPID"]?.bool == true else { return [] }
        return pod.containers.compactMap { container in
            guard container.securityContext["privileged"]?.bool == true else { return nil }
            return Violation(
                path: container.path + ".securityContext.privileged", observed: "true with hostPID",
                expected: "not privileged with hostPID",
                message: "container \(container.name) is privileged in a pod that shares the host's process "
                    + "namespace, which amounts to root on the node", image: container.image)
        }
    }
}
