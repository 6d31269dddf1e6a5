import EvidentCore

/// Fails for each binding (with subjects) whose role grants `create` or `get` on `pods/exec` or
/// `pods/attach`, or any verb on `nodes/proxy` (wildcards such as `*` and `*/exec` included), when the
/// role's name does not match `exec_allowed_roles` (a trailing `*` is a prefix glob; default cluster-admin,
/// admin, edit, `system:*`). These rights open a shell in containers or reach the kubelet API of nodes.
/// RoleBindings in `exempt_namespaces` are skipped.
struct RBACExecGrants: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-exec-grants",
        title: "Only allowlisted roles grant exec, attach and node proxy",
        summary: """
            Fails for bindings that grant create/get on pods/exec or pods/attach, or any verb on nodes/proxy, \
            through a role outside exec_allowed_roles.
            """,
        parameters: [
            EvaluatorParameter("exec_allowed_roles", """
                roles allowed to grant exec, attach and node proxy; a trailing * is a prefix glob \
                (default cluster-admin, admin, edit, system:*)
                """),
            EvaluatorParameter("exempt_namespaces", "namespaces whose RoleBindings are not checked"),
        ],
        requiredKinds: ["ClusterRole", "ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("exec only through allowlisted roles; logs are not exec", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: edit}
                rules:
                - {apiGroups: [""], resources: [pods/exec, pods/attach], verbs: [create, get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: oncall-edit, namespace: shop}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: shop-oncall}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: log-reader}
                rules:
                - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: developers-logs}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: developers}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: log-reader}
                """, parameters: ["exec_allowed_roles": .list([.string("edit")])]),
            .failing("exec through */exec, and node proxy through a custom role", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debugger, namespace: shop}
                rules:
                - {apiGroups: [""], resources: ["*/exec"], verbs: [create]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: developers-debug, namespace: shop}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: developers}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: metrics-scraper}
                rules:
                - {apiGroups: [""], resources: [nodes/proxy, nodes/metrics], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: metrics-scraper}
                subjects: [{kind: ServiceAccount, name: scraper, namespace: monitoring}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-scraper}
                """, failing: ["RoleBinding shop/developers-debug", "ClusterRoleBinding metrics-scraper"]),
        ])

    /// The sensitive subresources and the verbs that use them (nil: any verb).
    static let grants: [(resource: String, verbs: [String]?)] = [
        ("pods/exec", ["create", "get"]), ("pods/attach", ["create", "get"]), ("nodes/proxy", nil),
    ]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let allowed = try RBACParameters.strings(context.parameters, "exec_allowed_roles",
                                                 default: RBACParameters.defaultPrivilegedRoles)
        let graph = RBACGraph.shared(context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for binding in graph.bindings where !context.parameters.isExempt(binding.namespace) {
            guard !binding.subjects.isEmpty else { continue }
            evaluated += 1
            if RBACParameters.matches(binding.roleName, allowed) { continue }
            let granted = Self.grantsOf(binding)
            guard !granted.isEmpty else { continue }
            let subjects = binding.subjects.map(\.subject)
            findings.append(Finding(
                on: binding.resource, path: "roleRef",
                observed: granted.joined(separator: "; ") + " via \(binding.roleDisplay)",
                expected: "only through roles in exec_allowed_roles",
                message: """
                    gives \(RBACBinding.list(subjects)) \(granted.joined(separator: "; ")) \(binding.scopeDisplay) \
                    through \(binding.roleDisplay), which is not an allowed role; exec and attach run commands \
                    in containers, and nodes/proxy reaches the kubelet API of nodes
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    /// `create, get on pods/exec`, `any verb on nodes/proxy`: what the binding's rules grant of the list.
    static func grantsOf(_ binding: RBACBinding) -> [String] {
        var out: [String] = []
        for (resource, verbs) in grants {
            if let verbs {
                let got = binding.grantedVerbs(verbs, on: resource, group: "", names: .someObjects)
                if !got.isEmpty { out.append("\(got.joined(separator: ", ")) on \(resource)") }
            } else {
                let rules = binding.rules.map(\.rule).filter {
                    $0.matchesGroup("") && $0.matchesResource(resource) && !$0.verbs.isEmpty
                }
                guard !rules.isEmpty else { continue }
                var verbs: [String] = []
                for verb in rules.flatMap(\.verbs) where !verbs.contains(verb) { verbs.append(verb) }
                out.append("\(verbs.contains("*") ? "every verb" : verbs.joined(separator: ", ")) on \(resource)")
            }
        }
        return out
    }
}
