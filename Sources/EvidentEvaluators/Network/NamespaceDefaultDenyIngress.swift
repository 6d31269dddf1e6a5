import EvidentCore
import EvidentNetwork

/// Passes when every namespace with workloads (outside `exempt_namespaces`) is default-deny for ingress:
/// every pod in it is isolated for ingress by the reachability engine (a Kubernetes NetworkPolicy of
/// type Ingress, or a Calico policy in a tier whose default is Deny, selects it), and none uses
/// hostNetwork. Fails on each namespace where some workload is left open; a policy that selects only some
/// pods is not enough.
struct NamespaceDefaultDenyIngress: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "namespace-default-deny-ingress",
        title: "Namespaces deny ingress by default",
        summary: """
            Fails for every namespace with workloads in which some pod is not isolated for ingress by a Kubernetes \
            NetworkPolicy or a Calico policy (a tier whose default is Deny selects it), or uses hostNetwork, so \
            that traffic into it is not limited to what policies allow.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
                     NetworkView.internalCIDRsParameter],
        sharedWork: "network",
        examples: [
            .passing("a podSelector {} policy with policyTypes absent isolates every pod for ingress", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec:
                  podSelector: {}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers: [{name: app, image: r/api:1}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, namespace: shop}
                spec:
                  containers: [{name: sh, image: r/busybox:1}]
                """),
            .passing("per-app policies that together cover every workload", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  policyTypes: [Ingress]
                  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: others, namespace: shop}
                spec:
                  podSelector:
                    matchExpressions: [{key: app, operator: NotIn, values: [api]}]
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: app, image: r/api:1}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: app, image: r/web:1}]}
                """),
            .failing("""
                a policy selecting some pods, an egress-only policy, a Calico policy for one app, a hostNetwork \
                pod and a namespace with no policy at all
                """, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api-only, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: api}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-only, namespace: shop}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                ---
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata: {name: calico-api, namespace: shop}
                spec:
                  selector: app == 'api'
                  types: [Ingress]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: app, image: r/api:1}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: monitoring}
                spec:
                  podSelector: {}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: node-exporter, namespace: monitoring}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers: [{name: exporter, image: r/node-exporter:1}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: job, namespace: batch}
                spec:
                  containers: [{name: run, image: r/job:1}]
                """, failing: ["Namespace shop", "Namespace monitoring", "Namespace batch"]),
            .passing("a Calico GlobalNetworkPolicy isolates every pod of the namespaces it selects", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {env: prod}}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: prod-default-deny}
                spec:
                  namespaceSelector: env == 'prod'
                  selector: all()
                  types: [Ingress, Egress]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: app, image: r/api:1}]}
                """),
            .passing("exempt namespaces are not checked", """
                apiVersion: v1
                kind: Pod
                metadata: {name: coredns, namespace: kube-system}
                spec:
                  containers: [{name: dns, image: r/coredns:1}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers: [{name: app, image: r/web:1}]
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        try DefaultDeny.evaluate(context, direction: .ingress)
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }
}
