import EvidentCore

/// Passes when every container (init and ephemeral included) sets
/// `securityContext.readOnlyRootFilesystem: true`; fails for each container that does not.
struct ReadOnlyRootFilesystem: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "read-only-root-filesystem",
        title: "Containers run with a read-only root filesystem",
        summary: "Fails for every container whose securityContext.readOnlyRootFilesystem is not true.",
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("read-only container", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext: {readOnlyRootFilesystem: true}
                """),
            .failing("writable container in a Deployment, and a pod that differs from its template", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop, uid: d1}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/api:1.0}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-1
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/api:1.0}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-2
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/api:1.0}
                  - {name: injected, image: registry.example.com/sidecar:1.0}
                """, failing: ["Deployment shop/api", "Pod shop/api-2"]),
            .passing("exempt namespace", """
                apiVersion: v1
                kind: Pod
                metadata: {name: dns, namespace: kube-system}
                spec:
                  containers:
                  - {name: dns, image: registry.k8s.io/coredns:1.11}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: r/web:1, securityContext: {readOnlyRootFilesystem: true}}
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        pod.containers.compactMap { container in
            let value = container.securityContext["readOnlyRootFilesystem"]
            guard value?.bool != true else { return nil }
            return Violation(
                path: container.path + ".securityContext.readOnlyRootFilesystem",
                observed: value?.display ?? "unset", expected: "true",
                message: "container \(container.name) can write to its root filesystem", image: container.image)
        }
    }
}
