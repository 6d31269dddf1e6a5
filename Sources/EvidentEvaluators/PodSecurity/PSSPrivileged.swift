import EvidentCore

/// Pod Security baseline check `privileged` (v1.0+). Passes when no container (init and ephemeral included)
/// sets `securityContext.privileged: true`; fails for each container that does.
struct PSSPrivileged: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-privileged",
        title: "No privileged containers",
        summary: "Fails for every container whose securityContext.privileged is true; unset or false passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("unprivileged containers", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext: {privileged: false}
                  - {name: sidecar, image: registry.example.com/proxy:1.0}
                """),
            .failing("privileged init container in a StatefulSet", """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: data}
                spec:
                  template:
                    spec:
                      initContainers:
                      - name: tune
                        image: registry.example.com/sysctl-tuner:1.0
                        securityContext: {privileged: true}
                      containers:
                      - {name: db, image: registry.example.com/postgres:16}
                """, failing: ["StatefulSet data/db"]),
            .passing("exempt namespace", """
                apiVersion: v1
                kind: Pod
                metadata: {name: cni, namespace: kube-system}
                spec:
                  containers:
                  - name: cni
                    image: registry.example.com/cni:1.0
                    securityContext: {privileged: true}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        pod.containers.compactMap { container in
            guard container.securityContext["privileged"]?.bool == true else { return nil }
            return Violation(
                path: container.path + ".securityContext.privileged", observed: "true", expected: "false or unset",
                message: "container \(container.name) runs privileged, with access to all host devices and kernel "
                    + "capabilities", image: container.image)
        }
    }
}
