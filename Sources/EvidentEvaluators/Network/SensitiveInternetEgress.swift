import EvidentCore
import EvidentNetwork

/// Passes when no workload in a namespace at or above `sensitive_level` can open a connection to the
/// internet (every address outside `internal_cidrs`), as the reachability engine computes it from
/// Kubernetes and Calico policies. A label value that is not a known level counts as sensitive. Fails on
/// each such workload, naming the ports and the policies that allow the traffic.
struct SensitiveInternetEgress: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "sensitive-internet-egress",
        title: "Sensitive workloads cannot reach the internet",
        summary: """
            Fails for every workload in a namespace whose sensitivity label is at or above sensitive_level \
            (default high) that policies let open connections to some internet address (outside internal_cidrs).
            """,
        parameters: [
            EvaluatorParameter("sensitivity_label", "namespace label holding the sensitivity; default data-sensitivity"),
            EvaluatorParameter("sensitivity_levels", "the levels, lowest first; default [low, moderate, high]"),
            EvaluatorParameter("sensitive_level", "the lowest level this check applies to; default high"),
            NetworkView.internalCIDRsParameter,
            EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
        ],
        requiredKinds: ["Namespace"],
        sharedWork: "network",
        examples: [
            .passing("egress bounded to internal addresses and DNS; an open low namespace", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {data-sensitivity: low}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress, namespace: payments}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
                  - to: [{namespaceSelector: {}}]
                    ports: [{port: 53, protocol: UDP}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata: {labels: {app: ledger}}
                    spec: {containers: [{name: app, image: r/ledger:1}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: wordpress, namespace: blog}
                spec:
                  template:
                    metadata: {labels: {app: wordpress}}
                    spec: {containers: [{name: app, image: r/wp:1}]}
                """),
            .passing("a Calico security tier denies the internet before a permissive Kubernetes policy", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: projectcalico.org/v3
                kind: Tier
                metadata: {name: security}
                spec: {order: 100}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: security.block-internet-high}
                spec:
                  tier: security
                  namespaceSelector: data-sensitivity == 'high'
                  selector: all()
                  types: [Egress]
                  egress:
                  - action: Deny
                    destination: {notNets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}
                  - action: Pass
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata: {labels: {app: ledger}}
                    spec: {containers: [{name: app, image: r/ledger:1}]}
                """),
            .failing("no egress policy; a 0.0.0.0/0 rule; an unknown level", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: vault, labels: {data-sensitivity: secret}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-out, namespace: payments}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Egress]
                  egress:
                  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
                    ports: [{port: 443}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: payments}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: unseal, namespace: vault}
                spec: {containers: [{name: app, image: r/vault:1}]}
                """, failing: ["Deployment payments/web", "Pod vault/unseal"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let convention = try SensitivityConvention(context.parameters)
        let threshold = context.parameters.string("sensitive_level") ?? convention.highest
        guard let thresholdRank = convention.rank(threshold) else {
            throw EvaluationError("""
                sensitive_level '\(threshold)' is not one of sensitivity_levels \
                \(convention.levels.joined(separator: ", "))
                """)
        }
        let view = try NetworkView.of(context)
        let analysis = view.analysis
        let index = context.index
        var evaluated = 0
        var findings: [Finding] = []
        let byNamespace = view.workloadsByNamespace
        for namespace in byNamespace.keys.sorted() where !context.parameters.isExempt(namespace) {
            let level = convention.level(ofNamespace: namespace, in: index)
            // Unlabelled namespaces are the lowest level; an unknown value counts as sensitive.
            let rank = level.map { convention.rank($0) ?? Int.max } ?? 0
            guard rank >= thresholdRank else { continue }
            for w in byNamespace[namespace] ?? [] {
                evaluated += 1
                let workload = analysis.workloads[w]
                var allowed = Allowance.none
                for c in workload.classes {
                    if let a = analysis.internetEgress(class: c, internalNetworks: view.internalNetworks) {
                        allowed.formUnion(a)
                    }
                }
                guard !allowed.connections.isEmpty else { continue }
                let why = Self.reason(allowed, analysis)
                findings.append(Finding(
                    on: workload.resource, observed: "internet egress: \(allowed.connections)",
                    expected: "no connection to addresses outside internal_cidrs",
                    pods: workload.podCount,
                    message: """
                        \(workload.displayName) in namespace \(namespace) (\(convention.describe(level))) can open \
                        connections to the internet (\(allowed.connections)); \(why)
                        """))
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }

    /// `allowed by NetworkPolicy a/b` or `no policy restricts its egress`.
    static func reason(_ allowed: Allowance, _ analysis: NetworkAnalysis) -> String {
        var parts: [String] = []
        let names = analysis.policyNames(allowed.allowedBy)
        if !names.isEmpty { parts.append("allowed by " + NameList.firstFew(names)) }
        if allowed.unrestricted { parts.append("left open because no policy decides for it") }
        return parts.joined(separator: "; ")
    }
}
