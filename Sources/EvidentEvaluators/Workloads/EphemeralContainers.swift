import EvidentCore

/// Passes when no pod carries `ephemeralContainers` (debug containers attached to a running pod); fails for
/// each ephemeral container. Pods of a workload that have them are reported on their own.
struct EphemeralContainers: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "ephemeral-containers",
        title: "No debug containers attached to running pods",
        summary: """
            Fails for every ephemeral container: a debug session (kubectl debug) attached to a running pod, \
            which runs code that never went through the image pipeline.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose pods are not checked")],
        examples: [
            .passing("a workload and its pod without debug containers", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop, uid: d1}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                """),
            .failing("a debug container attached to one pod of a Deployment", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop, uid: d1}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-2
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                  ephemeralContainers:
                  - {name: debugger-x7k2p, image: busybox:1.36, targetContainerName: app}
                """, failing: ["Pod shop/web-2"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        pod.containers.filter { $0.list == "ephemeralContainers" }.map { container in
            Violation(
                path: container.path, observed: container.name, expected: "no ephemeral containers",
                message: "debug container \(container.name) (\(container.image)) was attached to the running pod",
                image: container.image)
        }
    }
}
