import EvidentCore

/// Passes when no NetworkPolicy in a sensitive namespace has an egress rule to an `ipBlock` covering every
/// address (`0.0.0.0/0`, `::/0`, or any other `/0`) without `except` entries. A namespace is sensitive
/// when its `sensitivity_label` level is at or above `sensitive_level` in `sensitivity_levels`; a label
/// value that is not a known level counts as sensitive. Fails on each policy, once per such peer.
struct EgressOpenCIDR: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "egress-open-cidr",
        title: "Sensitive namespaces do not allow egress to any address",
        summary: """
            Fails for every NetworkPolicy egress peer with ipBlock 0.0.0.0/0 or ::/0 and no except, in namespaces \
            whose sensitivity label is at or above sensitive_level (default high).
            """,
        parameters: [
            EvaluatorParameter("sensitivity_label",
                               "namespace label holding the data sensitivity; default data-sensitivity"),
            EvaluatorParameter("sensitivity_levels", "the levels, lowest first; default [low, moderate, high]"),
            EvaluatorParameter("sensitive_level", "the lowest level this check applies to; default high"),
            EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
        ],
        requiredKinds: ["Namespace"],
        examples: [
            .passing("sensitive namespace with bounded egress; open egress only in a low one", """
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
                  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.169.254/32]}}]
                  - to: [{ipBlock: {cidr: 203.0.113.0/24}}, {podSelector: {}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress, namespace: blog}
                spec:
                  podSelector: {}
                  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
                """),
            .failing("open IPv4 and IPv6 ranges in sensitive namespaces", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: crm, labels: {data-sensitivity: moderate}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: internet, namespace: payments}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  egress:
                  - to: [{podSelector: {}}]
                  - to: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: "::/0", except: []}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: internet, namespace: crm}
                spec:
                  podSelector: {}
                  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
                """, failing: ["NetworkPolicy payments/internet", "NetworkPolicy crm/internet"],
                parameters: ["sensitive_level": .string("moderate")]),
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
        let index = context.index
        var evaluated = 0
        var findings: [Finding] = []
        for policy in index.resources(ofKind: "NetworkPolicy") where policy.group == "networking.k8s.io" {
            guard !context.parameters.isExempt(policy.namespace),
                  let level = convention.level(ofNamespace: policy.namespace, in: index),
                  convention.rank(level).map({ $0 >= thresholdRank }) ?? true else { continue }
            evaluated += 1
            for (i, rule) in (policy.spec["egress"]?.items ?? []).enumerated() {
                for (j, peer) in (rule["to"]?.items ?? []).enumerated() {
                    guard let block = peer["ipBlock"], let cidr = block["cidr"]?.string,
                          Self.coversEverything(cidr), block["except"]?.items.isEmpty ?? true else { continue }
                    findings.append(Finding(
                        on: policy, path: "spec.egress[\(i)].to[\(j)].ipBlock", observed: "cidr \(cidr), no except",
                        expected: "bounded destinations",
                        message: """
                            egress rule \(i) allows traffic to every address (\(cidr)) from namespace \
                            \(policy.namespace ?? "default"), labelled \(convention.describe(level))
                            """))
                }
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    /// True for a CIDR with prefix length 0 (`0.0.0.0/0`, `::/0`), which covers every address of its family.
    static func coversEverything(_ cidr: String) -> Bool {
        let parts = cidr.filter { !$0.isWhitespace }.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && Int(parts[1]) == 0
    }
}
