import EvidentCore

/// Fails for each rule of a Role or ClusterRole that grants `escalate`, `bind` or `impersonate`, or any verb
/// through a wildcard (`*` in verbs or resources), unless the role's name matches
/// `privileged_roles_allowlist` (a trailing `*` is a prefix glob; default cluster-admin, admin, edit,
/// `system:*`). Every role counts, bound or not. Rules a ClusterRole gains through aggregation are reported
/// on it too, at its aggregation selector. Roles in `exempt_namespaces` are skipped.
struct RBACEscalationVerbs: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-escalation-verbs",
        title: "Only allowlisted roles grant escalate, bind, impersonate or wildcards",
        summary: """
            Fails for every rule of a role outside privileged_roles_allowlist that grants escalate, bind or \
            impersonate, or uses * in its verbs or resources.
            """,
        parameters: [
            EvaluatorParameter("privileged_roles_allowlist", """
                roles allowed to grant these rights; a trailing * is a prefix glob \
                (default cluster-admin, admin, edit, system:*)
                """),
            EvaluatorParameter("exempt_namespaces", "namespaces whose Roles are not checked"),
        ],
        requiredKinds: ["ClusterRole"],
        sharedWork: "rbac",
        examples: [
            .passing("wildcards only in allowlisted roles", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cluster-admin}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:controller:clusterrole-aggregation-controller"}
                rules:
                - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, get, list]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: deployer, namespace: shop}
                rules:
                - {apiGroups: [apps], resources: [deployments], verbs: [get, list, update, patch]}
                """, parameters: ["privileged_roles_allowlist": .list([.string("cluster-admin"), .string("system:*")])]),
            .failing("bind, impersonate and wildcards in custom roles, one through aggregation", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: rbac-manager}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get]}
                - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: anything-here, namespace: shop}
                rules:
                - {apiGroups: [apps], resources: ["*"], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: support}
                aggregationRule:
                  clusterRoleSelectors:
                  - matchExpressions:
                    - {key: example.com/support, operator: Exists}
                rules: []
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: "system:support-impersonation"
                  labels: {example.com/support: "yes"}
                rules:
                - {apiGroups: [""], resources: [users], verbs: [impersonate]}
                """, failing: ["ClusterRole rbac-manager", "Role shop/anything-here", "ClusterRole support"]),
        ])

    static let escalationVerbs = ["escalate", "bind", "impersonate"]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let allowlist = try RBACParameters.strings(context.parameters, "privileged_roles_allowlist",
                                                   default: RBACParameters.defaultPrivilegedRoles)
        let graph = RBACGraph.shared(context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for role in graph.allRoles where !context.parameters.isExempt(role.namespace) {
            evaluated += 1
            if RBACParameters.matches(role.name, allowlist) { continue }
            for effective in role.rules {
                let rule = effective.rule
                var reasons = Self.escalationVerbs.filter { rule.verbs.contains($0) }.map { "verb \($0)" }
                if rule.verbs.contains("*") { reasons.append("every verb (*)") }
                if rule.resources.contains("*") { reasons.append("every resource (*)") }
                guard !reasons.isEmpty else { continue }
                let origin = effective.isOwn ? "" : " (aggregated from ClusterRole \(effective.source))"
                let risk = rule.verbs.contains(where: Self.escalationVerbs.contains)
                    ? "whoever holds it can grant themselves or others more rights"
                    : "a wildcard grants more than the rule shows, including rights added to the API later"
                findings.append(Finding(
                    on: role.resource, path: effective.path, observed: rule.summary,
                    expected: "no escalate, bind, impersonate or wildcards outside allowlisted roles",
                    message: """
                        \(role.display) grants \(reasons.joined(separator: ", "))\(origin) but is not an allowlisted \
                        privileged role; \(risk)
                        """))
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
