import EvidentCore

/// Fails for each binding subject that gives unauthenticated callers access (User `system:anonymous`,
/// Group `system:unauthenticated`), and for each binding of Group `system:authenticated` to a role other
/// than the default discovery ClusterRoles (`system:basic-user`, `system:discovery`,
/// `system:public-info-viewer`). The stock binding of `system:public-info-viewer` to unauthenticated callers
/// passes while that role grants only non-resource URLs (health and version endpoints).
/// RoleBindings in `exempt_namespaces` are skipped.
struct RBACAnonymousAccess: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-anonymous-access",
        title: "Anonymous and all-authenticated users get no extra rights",
        summary: """
            Fails for bindings to system:anonymous or system:unauthenticated (except the default public-info \
            viewer of health and version URLs), and for bindings of system:authenticated to anything but the \
            default discovery roles.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose RoleBindings are not checked")],
        requiredKinds: ["ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("the default discovery bindings", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:public-info-viewer"}
                rules:
                - {nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:public-info-viewer"}
                subjects:
                - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}
                - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:discovery"}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: dev-view, namespace: shop}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: shop-developers}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                """),
            .failing("anonymous user, all authenticated users with view, and a widened public-info role", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:public-info-viewer"}
                rules:
                - {nonResourceURLs: [/healthz, /version], verbs: [get]}
                - {apiGroups: [""], resources: [configmaps], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:public-info-viewer"}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: everyone-views}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: open-status, namespace: shop}
                subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: "system:anonymous"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: status-reader}
                """, failing: [
                    "ClusterRoleBinding system:public-info-viewer", "ClusterRoleBinding everyone-views",
                    "RoleBinding shop/open-status",
                ]),
        ])

    /// ClusterRoles Kubernetes binds to every authenticated user by default.
    static let discoveryRoles: Set<String> = ["system:basic-user", "system:discovery", "system:public-info-viewer"]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let graph = RBACGraph.shared(context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for binding in graph.bindings where !context.parameters.isExempt(binding.namespace) {
            evaluated += 1
            for (i, subject) in binding.subjects {
                guard let problem = Self.problem(subject, binding) else { continue }
                findings.append(Finding(
                    on: binding.resource, path: "subjects[\(i)]", observed: "\(subject.key) -> \(binding.roleDisplay)",
                    expected: problem.expected, message: problem.message))
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    private static func problem(_ subject: RBACSubject,
                                _ binding: RBACBinding) -> (message: String, expected: String)? {
        let isDiscoveryRole = binding.roleKind == "ClusterRole" && discoveryRoles.contains(binding.roleName)
        let anonymous = (subject.kind == "User" && subject.name == "system:anonymous")
            || (subject.kind == "Group" && subject.name == "system:unauthenticated")
        if anonymous {
            // The stock public-info binding exposes only health and version URLs; allow it while that holds.
            let urlsOnly = binding.rules.allSatisfy { $0.rule.resources.isEmpty }
            if binding.roleKind == "ClusterRole" && binding.roleName == "system:public-info-viewer" && urlsOnly {
                return nil
            }
            return ("gives unauthenticated callers (\(subject.key)) the rights of \(binding.roleDisplay) "
                        + "\(binding.scopeDisplay)",
                    "no bindings for unauthenticated callers")
        }
        if subject.kind == "Group" && subject.name == "system:authenticated" && !isDiscoveryRole {
            return ("gives every authenticated user and service account the rights of \(binding.roleDisplay) "
                        + "\(binding.scopeDisplay), beyond the default discovery roles",
                    "only system:basic-user, system:discovery, system:public-info-viewer")
        }
        return nil
    }
}
