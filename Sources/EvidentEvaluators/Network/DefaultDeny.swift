import EvidentCore
import EvidentNetwork

/// The shared body of `namespace-default-deny-ingress` and `namespace-default-deny-egress`: a namespace is
/// default-deny in a direction only when every pod in it is isolated in that direction by the
/// reachability engine (Kubernetes and Calico policies, tiers included; hostNetwork pods never are).
enum DefaultDeny {
    static func evaluate(_ context: EvaluationContext, direction: Direction) throws(EvaluationError) -> CheckOutcome {
        let index = context.index
        let view = try NetworkView.of(context)
        let byNamespace = view.workloadsByNamespace
        var evaluated = 0
        var findings: [Finding] = []
        for namespace in byNamespace.keys.sorted() where !context.parameters.isExempt(namespace) {
            evaluated += 1
            let workloads = byNamespace[namespace] ?? []
            var open: [String] = []
            for w in workloads where !view.isIsolated(workload: w, direction) {
                let name = view.shortName(w)
                open.append(view.usesHostNetwork(workload: w)
                    ? name + " (uses hostNetwork, which policies do not isolate)" : name)
            }
            guard !open.isEmpty else { continue }
            let verb = open.count == 1 ? "is" : "are"
            let (object, subject) = open.count == 1 ? ("it", "it") : ("them", "they")
            let effect = direction == .ingress ? "any pod or address can open connections to \(object)"
                : "\(subject) can open connections to any pod or address"
            findings.append(.onNamespace(
                namespace, in: index,
                observed: "\(open.count) of \(NameList.count(workloads.count, "workload")) not isolated",
                expected: "every workload isolated by a policy of type \(direction.rawValue)",
                message: """
                    namespace \(namespace) is not default-deny for \(direction.word): \(open.count) of \
                    \(NameList.count(workloads.count, "workload")) \(verb) not isolated by any Kubernetes or Calico \
                    policy of type \(direction.rawValue), so \(effect): \(NameList.firstFew(open))
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
