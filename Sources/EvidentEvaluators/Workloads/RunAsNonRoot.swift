import EvidentCore

/// Passes when every container (init and ephemeral included) runs as a non-root user: its effective
/// `runAsNonRoot` is true or its effective `runAsUser` is above 0 (container securityContext falling back to
/// the pod's). Fails for each container that may run as root. Windows pods are exempt.
struct RunAsNonRoot: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "run-as-non-root",
        title: "Containers run as a non-root user",
        summary: """
            Fails for every container whose effective runAsNonRoot is not true and whose effective runAsUser is \
            not above 0 (container securityContext, falling back to the pod's); Windows pods are not checked.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("pod-level runAsNonRoot, a container-level user id, and a Windows pod", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      securityContext: {runAsNonRoot: true}
                      initContainers:
                      - {name: init, image: registry.example.com/init:1}
                      containers:
                      - {name: app, image: registry.example.com/web:1}
                      - {name: sidecar, image: registry.example.com/proxy:1, securityContext: {runAsUser: 1000}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: win, namespace: shop}
                spec:
                  os: {name: windows}
                  containers:
                  - {name: app, image: registry.example.com/win:1}
                """),
            .failing("no user settings, runAsUser 0, and a container overriding the pod to false", """
                apiVersion: v1
                kind: Pod
                metadata: {name: plain, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec:
                  template:
                    spec:
                      securityContext: {runAsUser: 0}
                      containers:
                      - {name: db, image: registry.example.com/db:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: override, namespace: shop}
                spec:
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - {name: app, image: registry.example.com/web:1, securityContext: {runAsNonRoot: false}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: fine, namespace: shop}
                spec:
                  securityContext: {runAsUser: 0}
                  containers:
                  - {name: app, image: registry.example.com/web:1, securityContext: {runAsUser: 10001}}
                """, failing: ["Pod shop/plain", "StatefulSet shop/db", "Pod shop/override"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        guard !pod.isWindows else { return [] }
        return pod.containers.compactMap { container in
            let nonRoot = pod.effective("runAsNonRoot", of: container)
            let user = pod.effective("runAsUser", of: container)
            if nonRoot?.bool == true { return nil }
            if let uid = user?.int, uid > 0 { return nil }
            let observed = "runAsNonRoot: \(nonRoot?.display ?? "unset"), runAsUser: \(user?.display ?? "unset")"
            return Violation(
                path: container.path + ".securityContext.runAsNonRoot", observed: observed,
                expected: "runAsNonRoot: true or runAsUser > 0",
                message: "container \(container.name) may run as root", image: container.image)
        }
    }
}
