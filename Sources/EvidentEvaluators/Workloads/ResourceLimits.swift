import EvidentCore

/// Passes when every container and init container sets `resources.limits.cpu` and
/// `resources.limits.memory`; fails once per missing limit. Ephemeral containers cannot set resources and
/// are not checked.
struct ResourceLimits: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "resource-limits",
        title: "Containers have CPU and memory limits",
        summary: """
            Fails for every container or init container without resources.limits.cpu, and for every one \
            without resources.limits.memory (one finding per missing limit).
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("limits everywhere; an ephemeral debug container is not checked", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  initContainers:
                  - name: init
                    image: registry.example.com/init:1
                    resources: {limits: {cpu: 100m, memory: 64Mi}}
                  containers:
                  - name: app
                    image: registry.example.com/web:1
                    resources: {limits: {cpu: "1", memory: 256Mi}, requests: {cpu: 100m}}
                  ephemeralContainers:
                  - {name: debug, image: busybox:1.36}
                """),
            .failing("no limits, only a memory limit, and an init container without resources", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/api:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: half, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1
                    resources: {limits: {memory: 128Mi}, requests: {cpu: 100m}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: init, namespace: shop}
                spec:
                  initContainers:
                  - {name: init, image: registry.example.com/init:1}
                  containers:
                  - name: app
                    image: registry.example.com/web:1
                    resources: {limits: {cpu: 500m, memory: 128Mi}}
                """, failing: ["Deployment shop/api", "Pod shop/half", "Pod shop/init"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        pod.containers.filter { $0.list != "ephemeralContainers" }.flatMap { container -> [Violation] in
            let limits = container.value.at("resources.limits")
            return ["cpu", "memory"].compactMap { resource -> Violation? in
                if let value = limits?[resource], !value.isNull, value.string != "" { return nil }
                return Violation(
                    path: container.path + ".resources.limits", observed: "no \(resource) limit",
                    expected: "a \(resource) limit",
                    message: "container \(container.name) has no \(resource) limit", image: container.image)
            }
        }
    }
}
