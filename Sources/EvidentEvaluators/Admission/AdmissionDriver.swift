import EvidentCore

/// The shared pass of the "enforced at admission" checks: every namespace with workloads (outside
/// `exempt_namespaces`) must be covered by an enforcing rule for the topic. Audit-mode, warn-only and
/// dry-run rules never count; they are named in the finding so the fix is obvious.
enum AdmissionDriver {
    static let collect = """
        collect the policies with the snapshot, e.g. kubectl get clusterpolicies.kyverno.io,policies.kyverno.io,\
        constraints,validatingadmissionpolicies,validatingadmissionpolicybindings,clusterimagepolicies -A -o json
        """

    /// - Parameter topics: any of these topics counts (e.g. digests also rule out mutable tags).
    /// - Parameter psaDecides: whether Pod Security Admission labels alone can decide (pod security), so that
    ///   a snapshot without policy-engine objects still gives a verdict.
    static func run(_ context: EvaluationContext, topics: Set<AdmissionTopic>, what: String,
                    psaDecides: Bool = false) -> CheckOutcome {
        let index = context.index
        let namespaces = index.namespacesWithWorkloads.filter { !context.parameters.isExempt($0) }
        guard !namespaces.isEmpty else { return .notApplicable("no namespace outside exempt_namespaces runs workloads") }
        if !psaDecides && !AdmissionPolicies.hasPolicyObjects(index) {
            return .needsEvidence("""
                the inputs hold no admission policies (Kyverno, Gatekeeper constraints, ValidatingAdmissionPolicy \
                bindings, sigstore ClusterImagePolicy), so enforcement of \(what) cannot be shown: \(collect)
                """)
        }
        let rules = AdmissionPolicies.rules(in: index).filter { !$0.topics.isDisjoint(with: topics) }
        // Rules naming their namespaces outright (every Pod Security label is one) are looked up by name, so
        // that the work grows with namespaces plus rules, not with their product.
        var named: [String: [AdmissionRule]] = [:]
        var general: [AdmissionRule] = []
        for rule in rules {
            if let names = rule.literalNamespaces {
                for name in Set(names) { named[name, default: []].append(rule) }
            } else {
                general.append(rule)
            }
        }
        var findings: [Finding] = []
        for namespace in namespaces {
            let labels = index.namespaceLabels(namespace)
            let covering = (general + (named[namespace] ?? [])).filter { $0.covers(namespace, labels: labels) }
            if covering.contains(where: \.enforced) { continue }
            let notEnforcing = covering.map { "\($0.name) (\($0.mode))" }.sorted()
            let observed = notEnforcing.isEmpty ? "no admission rule" : notEnforcing.joined(separator: "; ")
            let detail = notEnforcing.isEmpty ? "no admission rule covers it"
                : "only non-enforcing rules cover it: \(notEnforcing.joined(separator: "; "))"
            findings.append(.onNamespace(
                namespace, in: index, observed: observed, expected: "a rule that rejects at admission (Enforce / deny)",
                message: "\(what) is not enforced at admission in namespace \(namespace): \(detail)"))
        }
        return CheckOutcome(evaluated: namespaces.count, findings: findings)
    }
}
