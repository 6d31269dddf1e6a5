import EvidentCore

/// Pod Security restricted check `runAsUser` (v1.23+). Passes when neither the pod nor any container sets
/// `securityContext.runAsUser: 0`; fails for each place that runs as UID 0. Versions before v1.23 do not have
/// this check.
struct PSSRunAsUser: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-runAsUser",
        title: "No containers running as UID 0",
        summary: "Fails for every securityContext.runAsUser of 0 on the pod or a container (v1.23+); unset or non-zero "
            + "passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("non-zero user", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext: {runAsUser: 10001, runAsNonRoot: true}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                """),
            .failing("container running as root", """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: queue, namespace: data}
                spec:
                  template:
                    spec:
                      securityContext: {runAsUser: 1000}
                      containers:
                      - {name: broker, image: registry.example.com/broker:3, securityContext: {runAsUser: 0}}
                """, failing: ["StatefulSet data/queue"]),
            .passing("root user under a namespace pinned to v1.22, before the check existed", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {pod-security.kubernetes.io/enforce-version: v1.22}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: old, namespace: legacy}
                spec:
                  securityContext: {runAsUser: 0}
                  containers:
                  - {name: app, image: registry.example.com/old:1}
                """),
        ])

    static var introduced: PodSecurityVersion { .v1(23) }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        if pod.podSecurityContext["runAsUser"]?.int == 0 {
            out.append(Violation(
                path: "spec.securityContext.runAsUser", observed: "0", expected: "a non-zero UID or unset",
                message: "the pod runs its containers as root (runAsUser: 0)"))
        }
        for container in pod.containers where container.securityContext["runAsUser"]?.int == 0 {
            out.append(Violation(
                path: container.path + ".securityContext.runAsUser", observed: "0", expected: "a non-zero UID or unset",
                message: "container \(container.name) runs as root (runAsUser: 0)", image: container.image))
        }
        return out
    }
}
