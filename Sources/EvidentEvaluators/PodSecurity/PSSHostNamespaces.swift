import EvidentCore

/// Pod Security baseline check `hostNamespaces` (v1.0+). Passes when `spec.hostNetwork`, `spec.hostPID` and
/// `spec.hostIPC` are unset or false; fails for each one set to true.
struct PSSHostNamespaces: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-hostNamespaces",
        title: "No sharing of host namespaces",
        summary: "Fails for each of spec.hostNetwork, spec.hostPID and spec.hostIPC set to true; unset or false "
            + "passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("pod in its own namespaces", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  hostNetwork: false
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                """),
            .failing("Deployment on the host network and PID namespace", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: node-probe, namespace: ops}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      hostPID: true
                      containers:
                      - {name: probe, image: registry.example.com/probe:3.2}
                """, failing: ["Deployment ops/node-probe"]),
        ])

    private static let fields: [(name: String, meaning: String)] = [
        ("hostNetwork", "the node's network namespace"),
        ("hostPID", "the node's process namespace"),
        ("hostIPC", "the node's IPC namespace"),
    ]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        Self.fields.compactMap { field in
            guard pod.spec[field.name]?.bool == true else { return nil }
            return Violation(path: "spec.\(field.name)", observed: "true", expected: "false or unset",
                             message: "the pod shares \(field.meaning) (\(field.name): true)")
        }
    }
}
