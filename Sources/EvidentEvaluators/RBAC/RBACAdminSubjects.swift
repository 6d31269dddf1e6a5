import EvidentCore

/// Counts the distinct users and groups that ClusterRoleBindings bind to an ADMIN ClusterRole (a rule with
/// verbs `*`, resources `*` and apiGroups `*`, aggregated rules included), leaving out `system:masters`.
/// Passes with at most `max_admin_subjects` (default 2); fails with one cluster-level finding naming them.
struct RBACAdminSubjects: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-admin-subjects",
        title: "Few users and groups hold cluster-wide administrator rights",
        summary: """
            Fails when more than max_admin_subjects distinct users and groups (system:masters aside) are bound \
            through ClusterRoleBindings to a ClusterRole granting every verb on every resource in every API group.
            """,
        parameters: [EvaluatorParameter("max_admin_subjects",
                                        "the most users and groups allowed to hold cluster-wide admin (default 2)")],
        requiredKinds: ["ClusterRole", "ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("only system:masters and one operator group hold cluster-admin", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cluster-admin}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: cluster-admin}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:masters"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: platform-admins}
                subjects:
                - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: platform-oncall}
                - {kind: ServiceAccount, name: argocd-manager, namespace: argocd}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                """, parameters: ["max_admin_subjects": .int(1)]),
            .failing("three users hold admin, one through an aggregated ClusterRole", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cluster-admin}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: ops-superuser}
                aggregationRule:
                  clusterRoleSelectors:
                  - matchLabels: {example.com/aggregate-to-ops: "true"}
                rules: []
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: ops-everything
                  labels: {example.com/aggregate-to-ops: "true"}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: admins}
                subjects:
                - {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice@example.com}
                - {kind: User, apiGroup: rbac.authorization.k8s.io, name: bob@example.com}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ops}
                subjects:
                - {kind: User, apiGroup: rbac.authorization.k8s.io, name: carol@example.com}
                - {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice@example.com}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops-superuser}
                """, failing: ["cluster"], parameters: ["max_admin_subjects": .int(2)]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        var limit = 2
        if let value = context.parameters["max_admin_subjects"], !value.isNull {
            guard let int = value.int, int >= 0 else {
                throw EvaluationError("parameter max_admin_subjects must be a whole number of at least 0")
            }
            limit = int
        }
        let graph = RBACGraph.shared(context.index)
        var holders: [RBACSubject: Set<String>] = [:]
        for binding in graph.clusterRoleBindings where binding.roleKind == "ClusterRole" && binding.isAdmin {
            for (_, subject) in binding.subjects where subject.isUserOrGroup {
                if subject.kind == "Group" && subject.name == "system:masters" { continue }
                holders[subject, default: []].insert(binding.name)
            }
        }
        let evaluated = graph.clusterRoleBindings.count
        guard holders.count > limit else { return CheckOutcome(evaluated: evaluated, findings: []) }
        let subjects = holders.keys.sorted()
        let via = subjects.map { "\($0.key) (via \(holders[$0, default: []].sorted().joined(separator: ", ")))" }
        let finding = Finding.cluster(
            message: """
                \(subjects.count) users and groups hold cluster-wide administrator rights (every verb on every \
                resource) through ClusterRoleBindings, more than the \(limit) allowed: \(via.joined(separator: "; "))
                """,
            observed: "\(subjects.count) subjects: \(RBACBinding.list(subjects))",
            expected: "at most \(limit)")
        return CheckOutcome(evaluated: evaluated, findings: [finding])
    }
}
