import EvidentCore

/// Passes when every namespace with workloads (outside `exempt_namespaces`) carries the label
/// `pod-security.kubernetes.io/enforce` with the value `baseline` or `restricted`; fails on each namespace
/// where the label is missing or says `privileged` (or anything else).
struct NamespacePSAEnforce: Evaluator {
    static let label = "pod-security.kubernetes.io/enforce"
    static let enforcingLevels: Set<String> = ["baseline", "restricted"]

    static let descriptor = EvaluatorDescriptor(
        id: "namespace-psa-enforce",
        title: "Namespaces enforce a Pod Security Standard",
        summary: """
            Fails for every namespace with workloads whose pod-security.kubernetes.io/enforce label is missing \
            or is not baseline or restricted, so Pod Security Admission does not block unsafe pods there.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked")],
        requiredKinds: ["Namespace"],
        examples: [
            .passing("restricted and baseline namespaces; a namespace without workloads is not checked", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/enforce: restricted}
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: empty}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: old, namespace: legacy}
                spec:
                  template:
                    spec: {containers: [{name: app, image: r/old:1}]}
                """),
            .failing("privileged, warn-only, and a namespace missing from the snapshot", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: infra
                  labels: {pod-security.kubernetes.io/enforce: privileged}
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/warn: restricted}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: agent, namespace: infra}
                spec: {containers: [{name: agent, image: r/agent:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: job, namespace: batch}
                spec: {containers: [{name: run, image: r/job:1}]}
                """, failing: ["Namespace infra", "Namespace shop", "Namespace batch"]),
            .passing("exempt namespaces are not checked", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: kube-system}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: coredns, namespace: kube-system}
                spec: {containers: [{name: dns, image: r/coredns:1}]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/enforce: restricted}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: r/web:1}]}
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func evaluate(_ context: EvaluationContext) -> CheckOutcome {
        let index = context.index
        var evaluated = 0
        var findings: [Finding] = []
        for namespace in index.namespacesWithWorkloads where !context.parameters.isExempt(namespace) {
            evaluated += 1
            let value = index.namespaceLabels(namespace)[Self.label]
            if let value, Self.enforcingLevels.contains(value) { continue }
            let missing = index.namespaces[namespace] == nil ? " (the Namespace object is not in the snapshot)" : ""
            let problem = value.map { "enforces only the \($0) level" } ?? "has no \(Self.label) label"
            findings.append(.onNamespace(
                namespace, in: index, path: "metadata.labels['\(Self.label)']", observed: value ?? "unset",
                expected: "baseline or restricted",
                message: """
                    namespace \(namespace) runs workloads but \(problem), so Pod Security Admission does not reject \
                    unsafe pods there\(missing)
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
