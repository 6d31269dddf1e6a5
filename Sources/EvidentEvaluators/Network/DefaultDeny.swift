import EvidentCore

/// The shared body of `namespace-default-deny-ingress` and `namespace-default-deny-egress`: a namespace is
/// default-deny in a direction only when every pod template in it is isolated in that direction.
enum DefaultDeny {
    static func evaluate(_ context: EvaluationContext, direction: PolicyDirection) -> CheckOutcome {
        let index = context.index
        let isolation = PolicyIsolation(index: index)
        var byNamespace: [String: [PodTemplate]] = [:]
        for template in index.podTemplates {
            guard let namespace = template.namespace else { continue }
            byNamespace[namespace, default: []].append(template)
        }
        var evaluated = 0
        var findings: [Finding] = []
        for namespace in index.namespacesWithWorkloads where !context.parameters.isExempt(namespace) {
            evaluated += 1
            let templates = (byNamespace[namespace] ?? []).sorted { $0.resource.id < $1.resource.id }
            var open: [String] = []
            for template in templates {
                let state = isolation.isolation(of: template)
                guard !state.isIsolated(direction) else { continue }
                let name = "\(template.resource.kind) \(template.resource.name)"
                open.append(state.hostNetwork ? name + " (uses hostNetwork, which policies do not isolate)" : name)
            }
            guard !open.isEmpty else { continue }
            let verb = open.count == 1 ? "is" : "are"
            let (object, subject) = open.count == 1 ? ("it", "it") : ("them", "they")
            let effect = direction == .ingress ? "any pod or address can open connections to \(object)"
                : "\(subject) can open connections to any pod or address"
            findings.append(.onNamespace(
                namespace, in: index,
                observed: "\(open.count) of \(NameList.count(templates.count, "workload")) not isolated",
                expected: "every workload selected by a policy of type \(direction.rawValue)",
                message: """
                    namespace \(namespace) is not default-deny for \(direction.word): \(open.count) of \
                    \(NameList.count(templates.count, "workload")) \(verb) not isolated by any NetworkPolicy of type \
                    \(direction.rawValue), so \(effect): \(NameList.firstFew(open))
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
