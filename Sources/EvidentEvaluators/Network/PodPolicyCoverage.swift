import EvidentCore
import EvidentNetwork

/// Passes when every workload and pod outside `exempt_namespaces` is isolated for ingress and for egress
/// by the reachability engine (Kubernetes or Calico policies), and does not use hostNetwork. Fails on the workload (or on a pod
/// whose labels place it differently from its template) for each gap.
struct PodPolicyCoverage: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "pod-policy-coverage",
        title: "Every pod is covered by ingress and egress network policies",
        summary: """
            Fails for every workload or pod that no Kubernetes or Calico policy isolates for Ingress, or none for \
            Egress, and for \
            every one that uses hostNetwork, which network policies do not reliably isolate.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
                     NetworkView.internalCIDRsParameter],
        sharedWork: "network",
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
            .failing("pods of a ReplicaSet that is not in the inputs are reported one by one", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-7d9-a
                  namespace: shop
                  labels: {app: api}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9, uid: rs1, controller: true}]
                spec: {containers: [{name: app, image: r/api:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-7d9-b
                  namespace: shop
                  labels: {app: api}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9, uid: rs1, controller: true}]
                spec: {containers: [{name: app, image: r/api:1}]}
                """, failing: ["Pod shop/api-7d9-a", "Pod shop/api-7d9-b"]),
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

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let view = try NetworkView.of(context)
        let analysis = view.analysis
        var evaluated = 0
        var findings: [Finding] = []
        for workload in analysis.workloads where !context.parameters.isExempt(workload.namespace) {
            evaluated += 1
            guard !workload.pods.isEmpty else {
                for c in workload.classes {
                    findings += Self.violations(analysis, class: c).map { Self.finding($0, on: workload, pods: 0) }
                }
                continue
            }
            if workload.resource.kind == "Pod" {
                // Pods whose owner is not in the inputs: each stands for itself.
                for (i, (pod, c)) in workload.pods.enumerated() {
                    if i > 0 { evaluated += 1 }
                    findings += Self.violations(analysis, class: c).map {
                        Finding(on: pod, path: $0.path, observed: $0.observed, expected: $0.expected, pods: 1,
                                message: $0.message)
                    }
                }
                continue
            }
            // Pods placed alike are reported once on the workload; pods whose labels place them
            // differently from most of their siblings are reported on their own.
            var groups: [String: [(pod: Resource, violations: [Violation])]] = [:]
            var order: [String] = []
            for (pod, c) in workload.pods {
                let v = Self.violations(analysis, class: c)
                let key = v.map(Self.key).joined(separator: "\u{2}")
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append((pod, v))
            }
            // The largest group; on a tie the one with fewer violations, then by key (input order must not matter).
            let main = order.min { a, b in
                let ga = groups[a] ?? [], gb = groups[b] ?? []
                let va = ga.first?.violations.count ?? 0, vb = gb.first?.violations.count ?? 0
                return (-ga.count, va, a) < (-gb.count, vb, b)
            } ?? ""
            for key in order {
                let members = groups[key] ?? []
                if key == main {
                    let pods = workload.resource.kind == "Pod" ? 1 : members.count
                    findings += (members.first?.violations ?? []).map { Self.finding($0, on: workload, pods: pods) }
                } else {
                    for member in members {
                        evaluated += 1
                        findings += member.violations.map {
                            Finding(on: member.pod, path: $0.path, observed: $0.observed, expected: $0.expected,
                                    pods: 1, message: $0.message)
                        }
                    }
                }
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }

    static func violations(_ analysis: NetworkAnalysis, class c: Int) -> [Violation] {
        var out: [Violation] = []
        if analysis.classes[c].hostNetwork {
            out.append(Violation(
                path: "spec.hostNetwork", observed: "true", expected: "false or unset",
                message: "the pod uses the host network, where network policies do not reliably isolate it"))
        }
        let missing = Direction.allCases.filter { !analysis.isIsolated(class: c, $0) }
        if !missing.isEmpty && !analysis.classes[c].hostNetwork {
            let covered = Direction.allCases.filter { analysis.isIsolated(class: c, $0) }
            let names = missing.map(\.rawValue).joined(separator: " or ")
            let open = missing.count == 1 ? "\(missing[0].word) is" : "ingress and egress are"
            out.append(Violation(
                path: "metadata.labels",
                observed: covered.isEmpty ? "isolated by no policy"
                    : "isolated only for " + covered.map(\.rawValue).joined(separator: ", "),
                expected: "isolated for Ingress and Egress",
                message: """
                    no Kubernetes or Calico policy of type \(names) isolates the pod's labels, so its \(open) \
                    unrestricted
                    """))
        }
        return out
    }

    private static func key(_ v: Violation) -> String { v.path + "\u{1}" + (v.observed ?? "") }

    private static func finding(_ v: Violation, on workload: Workload, pods: Int) -> Finding {
        let r = workload.resource
        let path = SnapshotIndex.workloadKinds[r.kind].map { paths -> String in
            if v.path.hasPrefix("spec.") { return paths.spec + v.path.dropFirst(4) }
            if v.path.hasPrefix("metadata.") { return paths.metadata + v.path.dropFirst(8) }
            return v.path
        } ?? v.path
        return Finding(on: r, path: path, observed: v.observed, expected: v.expected, pods: pods, message: v.message)
    }
}
