import EvidentCore

/// Passes when every Pod outside `exempt_namespaces` has an owner (`metadata.ownerReferences`), i.e. was
/// created by a controller; fails for each bare Pod.
struct BarePods: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "bare-pods",
        title: "Pods are created by controllers",
        summary: """
            Fails for every Pod without ownerReferences: a pod created directly rather than by a Deployment, \
            Job or other controller, which bypasses the usual delivery pipeline.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose pods are not checked")],
        examples: [
            .passing("pods owned by a ReplicaSet and by a Node (static pod)", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-5d8f-abcde
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: r1, controller: true}]
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: etcd-node-1
                  namespace: infra
                  ownerReferences: [{apiVersion: v1, kind: Node, name: node-1, uid: n1, controller: true}]
                spec:
                  containers:
                  - {name: etcd, image: registry.k8s.io/etcd:3.5.15-0}
                """),
            .failing("a pod started by hand, and one in an exempt namespace", """
                apiVersion: v1
                kind: Pod
                metadata: {name: debug-shell, namespace: shop}
                spec:
                  containers:
                  - {name: shell, image: busybox:1.36}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: kube-proxy-check, namespace: kube-system}
                spec:
                  containers:
                  - {name: shell, image: busybox:1.36}
                """, failing: ["Pod shop/debug-shell"],
                parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        var evaluated = 0
        var findings: [Finding] = []
        for pod in context.index.pods where !context.parameters.isExempt(pod.namespace) {
            evaluated += 1
            guard pod.ownerReferences.isEmpty,
                  (pod.body.at("metadata.ownerReferences")?.items ?? []).isEmpty else { continue }
            findings.append(Finding(
                on: pod, path: "metadata.ownerReferences", observed: "none", expected: "an owning controller",
                pods: 1, message: "Pod \(pod.name) was created directly, not by a Deployment, Job or other controller"))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
