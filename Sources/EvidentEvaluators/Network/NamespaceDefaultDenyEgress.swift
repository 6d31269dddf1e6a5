import EvidentCore
import EvidentNetwork

/// Passes when every namespace with workloads (outside `exempt_namespaces`) is default-deny for egress:
/// every pod in it is isolated for egress by the reachability engine (a Kubernetes NetworkPolicy whose
/// effective policyTypes include Egress, or a Calico policy in a tier whose default is Deny, selects it),
/// and none uses hostNetwork. Fails on each namespace where some workload can send traffic anywhere.
struct NamespaceDefaultDenyEgress: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "namespace-default-deny-egress",
        title: "Namespaces deny egress by default",
        summary: """
            Fails for every namespace with workloads in which some pod is not isolated for egress by a Kubernetes \
            NetworkPolicy or a Calico policy (a tier whose default is Deny selects it), or uses hostNetwork, so \
            that traffic out of it is not limited to what policies allow.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
                     NetworkView.internalCIDRsParameter],
        sharedWork: "network",
        examples: [
            .passing("a default-deny policy for both directions", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: db, image: r/postgres:16}]}
                """),
            .passing("policyTypes absent but egress rules present imply Egress", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: dns-only, namespace: shop}
                spec:
                  podSelector: {}
                  egress:
                  - ports: [{port: 53, protocol: UDP}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec:
                  containers: [{name: app, image: r/web:1}]
                """),
            .failing("policyTypes absent without egress rules means Ingress only; a hostNetwork pod is never isolated", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec:
                  podSelector: {}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers: [{name: app, image: r/web:1}]
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: infra}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: infra}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: agent, namespace: infra}
                spec:
                  hostNetwork: true
                  containers: [{name: agent, image: r/agent:1}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api, namespace: infra}
                spec:
                  containers: [{name: app, image: r/api:1}]
                """, failing: ["Namespace shop", "Namespace infra"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        try DefaultDeny.evaluate(context, direction: .egress)
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }
}
