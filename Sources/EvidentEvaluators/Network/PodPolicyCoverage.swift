import EvidentCore

/// Passes when every pod template and pod outside `exempt_namespaces` is selected by a NetworkPolicy of
/// type Ingress and one of type Egress, and does not use hostNetwork. Fails on the workload (or on a pod
/// whose labels place it differently from its template) for each gap.
struct PodPolicyCoverage: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "pod-policy-coverage",
        title: "Every pod is covered by ingress and egress network policies",
        summary: """
            Fails for every workload or pod that no NetworkPolicy selects for Ingress, or none for Egress, and for \
            every one that uses hostNetwork, which network policies do not reliably isolate.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("one policy for both directions, another for the rest", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-in, namespace: shop}
                spec:
                  podSelector:
                    matchExpressions: [{key: app, operator: In, values: [web]}]
                  ingress: [{}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-out, namespace: shop}
                spec:
                  podSelector:
                    matchExpressions: [{key: tier, operator: Exists}]
                  egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
                  policyTypes: [Egress]
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
                    metadata: {labels: {app: web, tier: front}}
                    spec: {containers: [{name: app, image: r/web:1}]}
                """),
            .failing("ingress-only coverage, a policy in another namespace, hostNetwork, and a relabelled pod", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: ingress-only, namespace: shop}
                spec:
                  podSelector: {}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: all, namespace: other}
                spec:
                  podSelector: {}
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
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: all, namespace: infra}
                spec:
                  podSelector: {matchExpressions: [{key: quarantine, operator: DoesNotExist}]}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: infra}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers: [{name: agent, image: r/agent:1}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cache, namespace: infra, uid: c1}
                spec:
                  template:
                    metadata: {labels: {app: cache}}
                    spec: {containers: [{name: redis, image: r/redis:7}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: cache-1
                  namespace: infra
                  labels: {app: cache}
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: cache, uid: c1, controller: true}]
                spec: {containers: [{name: redis, image: r/redis:7}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: cache-2
                  namespace: infra
                  labels: {app: cache, quarantine: "true"}
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: cache, uid: c1, controller: true}]
                spec: {containers: [{name: redis, image: r/redis:7}]}
                """, failing: ["Deployment shop/api", "DaemonSet infra/agent", "Pod infra/cache-2"]),
            .passing("exempt namespaces are not checked", """
                apiVersion: v1
                kind: Pod
                metadata: {name: coredns, namespace: kube-system}
                spec: {containers: [{name: dns, image: r/coredns:1}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: all, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: r/web:1}]}
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
        ])

    func evaluate(_ context: EvaluationContext) -> CheckOutcome {
        let isolation = PolicyIsolation(index: context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for template in context.index.podTemplates where !context.parameters.isExempt(template.namespace) {
            evaluated += 1
            let base = Self.violations(isolation.isolation(of: template))
            let baseKeys = Set(base.map(Self.key))
            var folded = template.resource.kind == "Pod" ? 1 : 0
            for pod in template.pods {
                let own = PodTemplate.ofPod(pod)
                let result = Self.violations(isolation.isolation(of: own))
                if Set(result.map(Self.key)) == baseKeys {
                    folded += 1
                } else {
                    evaluated += 1
                    findings += result.map { Self.finding($0, on: own, pods: 1) }
                }
            }
            findings += base.map { Self.finding($0, on: template, pods: folded) }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func violations(_ state: PodIsolation) -> [Violation] {
        var out: [Violation] = []
        if state.hostNetwork {
            out.append(Violation(
                path: "spec.hostNetwork", observed: "true", expected: "false or unset",
                message: "the pod uses the host network, where network policies do not reliably isolate it"))
        }
        let missing = PolicyDirection.allCases.filter { state.policies($0).isEmpty }
        if !missing.isEmpty {
            let covered = PolicyDirection.allCases.filter { !state.policies($0).isEmpty }
            let names = missing.map(\.rawValue).joined(separator: " or ")
            let open = missing.count == 1 ? "\(missing[0].word) is" : "ingress and egress are"
            out.append(Violation(
                path: "metadata.labels",
                observed: covered.isEmpty ? "selected by no policy"
                    : "selected only for " + covered.map(\.rawValue).joined(separator: ", "),
                expected: "selected by Ingress and Egress policies",
                message: "no NetworkPolicy of type \(names) selects the pod's labels, so its \(open) unrestricted"))
        }
        return out
    }

    private static func key(_ v: Violation) -> String { v.path + "\u{1}" + (v.observed ?? "") }

    private static func finding(_ v: Violation, on template: PodTemplate, pods: Int) -> Finding {
        Finding(on: template.resource, path: template.objectPath(v.path), observed: v.observed,
                expected: v.expected, pods: pods, message: v.message)
    }
}
