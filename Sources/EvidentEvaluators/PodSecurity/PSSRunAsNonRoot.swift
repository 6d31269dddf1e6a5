import EvidentCore

/// Pod Security restricted check `runAsNonRoot` (v1.0+). Passes when `runAsNonRoot: true` applies to every
/// container, set on the pod or on each container, and nothing sets it to false. Fails for a pod-level
/// `false`, each container-level `false`, and each container left unset while the pod does not set it.
struct PSSRunAsNonRoot: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-runAsNonRoot",
        title: "Containers must run as non-root",
        summary: "Fails unless securityContext.runAsNonRoot is true for every container (on the pod or the container); "
            + "an explicit false anywhere fails.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("set on the pod, and on every container", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: worker, namespace: shop}
                spec:
                  initContainers:
                  - {name: init, image: registry.example.com/init:1.0, securityContext: {runAsNonRoot: true}}
                  containers:
                  - {name: worker, image: registry.example.com/worker:1.0, securityContext: {runAsNonRoot: true}}
                """),
            .failing("unset, and overridden to false", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: api, image: registry.example.com/api:2.0}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: admin, namespace: shop}
                spec:
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - {name: shell, image: registry.example.com/admin:1.0, securityContext: {runAsNonRoot: false}}
                """, failing: ["Deployment shop/api", "Pod shop/admin"]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        let podValue = pod.podSecurityContext["runAsNonRoot"]?.bool
        if podValue == false {
            out.append(Violation(
                path: "spec.securityContext.runAsNonRoot", observed: "false", expected: "true",
                message: "the pod explicitly allows its containers to run as root (runAsNonRoot: false)"))
        }
        for container in pod.containers {
            switch container.securityContext["runAsNonRoot"]?.bool {
            case true?:
                continue
            case false?:
                out.append(Violation(
                    path: container.path + ".securityContext.runAsNonRoot", observed: "false", expected: "true",
                    message: "container \(container.name) is allowed to run as root (runAsNonRoot: false)",
                    image: container.image))
            case nil:
                guard podValue == nil else { continue }  // true passes; false is reported on the pod
                out.append(Violation(
                    path: container.path + ".securityContext.runAsNonRoot", observed: "unset", expected: "true",
                    message: "container \(container.name) may run as root: neither it nor the pod sets "
                        + "runAsNonRoot: true", image: container.image))
            }
        }
        return out
    }
}
