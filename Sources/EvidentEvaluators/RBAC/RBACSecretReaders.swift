import EvidentCore

/// Fails for each binding subject that lets broad groups read Secrets: a binding whose role grants `get`,
/// `list` or `watch` on `secrets` (or `*`, or only on named Secrets) to Group `system:authenticated`,
/// `system:unauthenticated`, `system:serviceaccounts` or `system:serviceaccounts:<ns>`, to User
/// `system:anonymous`, or to a ServiceAccount named `default` (which every pod without its own account uses).
/// Passes when Secret reads go only to named accounts, users and groups. RoleBindings in
/// `exempt_namespaces` are skipped.
struct RBACSecretReaders: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-secret-readers",
        title: "Broad groups and default service accounts cannot read Secrets",
        summary: """
            Fails for bindings that grant get, list or watch on secrets to system:authenticated, \
            system:serviceaccounts(:<ns>), unauthenticated callers, or a ServiceAccount named default.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose RoleBindings are not checked")],
        requiredKinds: ["ClusterRole", "ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("a named account reads one namespace's Secrets", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: secret-reader}
                rules:
                - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: vault-agent-secrets, namespace: shop}
                subjects: [{kind: ServiceAccount, name: vault-agent, namespace: shop}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: everyone-lists-configmaps}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: configmap-reader}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: configmap-reader}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get, list]}
                """),
            .failing("every service account, and a namespace's default account, can read Secrets", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: read-all}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: [get, list]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: sa-read-all}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-all}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: tls-reader, namespace: shop}
                rules:
                - {apiGroups: [""], resources: [secrets], resourceNames: [shop-tls], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: default-reads-tls, namespace: shop}
                subjects: [{kind: ServiceAccount, name: default}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tls-reader}
                """, failing: ["ClusterRoleBinding sa-read-all", "RoleBinding shop/default-reads-tls"]),
        ])

    static let readVerbs = ["get", "list", "watch"]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let graph = RBACGraph.shared(context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for binding in graph.bindings where !context.parameters.isExempt(binding.namespace) {
            evaluated += 1
            let broad = binding.subjects.filter { Self.isBroad($0.subject) }
            guard !broad.isEmpty else { continue }
            let verbs = binding.grantedVerbs(Self.readVerbs, on: "secrets", group: "", names: .someObjects)
            guard !verbs.isEmpty else { continue }
            let everySecret = !binding.grantedVerbs(Self.readVerbs, on: "secrets", group: "", names: .allObjects)
                .isEmpty
            let which = everySecret ? "Secrets" : "some named Secrets"
            for (i, subject) in broad {
                findings.append(Finding(
                    on: binding.resource, path: "subjects[\(i)]",
                    observed: "\(subject.key) may \(verbs.joined(separator: ", ")) secrets",
                    expected: "no Secret reads for broad groups or default accounts",
                    message: """
                        lets \(Self.describe(subject)) \(verbs.joined(separator: ", ")) \(which) \
                        \(binding.scopeDisplay) through \(binding.roleDisplay)
                        """))
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func isBroad(_ subject: RBACSubject) -> Bool {
        switch subject.kind {
        case "Group":
            return ["system:authenticated", "system:unauthenticated", "system:serviceaccounts"].contains(subject.name)
                || subject.name.hasPrefix("system:serviceaccounts:")
        case "User": return subject.name == "system:anonymous"
        case "ServiceAccount": return subject.name == "default"
        default: return false
        }
    }

    private static func describe(_ subject: RBACSubject) -> String {
        switch (subject.kind, subject.name) {
        case ("Group", "system:authenticated"): return "every authenticated user and service account"
        case ("Group", "system:unauthenticated"), ("User", "system:anonymous"): return "unauthenticated callers"
        case ("Group", "system:serviceaccounts"): return "every service account in the cluster"
        case ("ServiceAccount", _):
            let namespace = subject.namespace ?? ""
            return "the default service account of namespace \(namespace) (used by every pod without its own)"
        default:
            let namespace = subject.name.dropFirst("system:serviceaccounts:".count)
            return "every service account in namespace \(namespace)"
        }
    }
}
