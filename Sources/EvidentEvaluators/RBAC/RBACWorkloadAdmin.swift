import EvidentCore

/// Fails for each workload (top-most owner or bare pod) outside `exempt_namespaces` whose service account
/// (`spec.serviceAccountName`, default `default`) is bound to an ADMIN role (every verb on every resource
/// in every API group), by a ClusterRoleBinding or a RoleBinding, directly or through the groups every
/// service account belongs to (`system:serviceaccounts`, `system:serviceaccounts:<ns>`,
/// `system:authenticated`). Passes when no workload's account holds such a role.
struct RBACWorkloadAdmin: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-workload-admin",
        title: "Workloads do not run with administrator service accounts",
        summary: """
            Fails for each workload whose service account is bound (cluster-wide or in a namespace) to a role \
            granting every verb on every resource in every API group.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        requiredKinds: ["ClusterRole", "ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("workload service account holds a narrow role; the exempt namespace is skipped", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cluster-admin}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: addon-manager}
                subjects: [{kind: ServiceAccount, name: addon-manager, namespace: kube-system}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: config-reader, namespace: shop}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: web-config, namespace: shop}
                subjects: [{kind: ServiceAccount, name: web}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      serviceAccountName: web
                      containers: [{name: web, image: registry.example.com/web:1.0}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: addon-manager, namespace: kube-system}
                spec:
                  serviceAccountName: addon-manager
                  containers: [{name: m, image: registry.k8s.io/addon-manager:9.1}]
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
            .failing("a Deployment bound to cluster-admin, a CronJob using the default account with namespace admin", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cluster-admin}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: deployer-admin}
                subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: everything, namespace: batch}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: all-accounts, namespace: batch}
                subjects: [{kind: Group, name: "system:serviceaccounts:batch"}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: deployer, namespace: ci}
                spec:
                  template:
                    spec:
                      serviceAccountName: deployer
                      containers: [{name: d, image: registry.example.com/deployer:2.0}]
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cleanup, namespace: batch}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers: [{name: c, image: registry.example.com/cleanup:1.0}]
                """, failing: ["Deployment ci/deployer", "CronJob batch/cleanup"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let graph = RBACGraph.shared(context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for template in context.index.podTemplates where !context.parameters.isExempt(template.namespace) {
            let namespace = template.namespace ?? "default"
            let account = Self.serviceAccount(of: template.spec)
            evaluated += 1
            // Pods that run another account than their owner's template are judged on their own.
            var folded = template.resource.kind == "Pod" ? 1 : 0
            for pod in template.pods {
                let podAccount = Self.serviceAccount(of: pod.spec)
                if podAccount == account {
                    folded += 1
                    continue
                }
                evaluated += 1
                if let finding = Self.finding(on: PodTemplate.ofPod(pod), account: podAccount, namespace: namespace,
                                              graph: graph, pods: 1) {
                    findings.append(finding)
                }
            }
            if let finding = Self.finding(on: template, account: account, namespace: namespace, graph: graph,
                                          pods: folded) {
                findings.append(finding)
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    /// `spec.serviceAccountName`, else the deprecated `spec.serviceAccount`, else `default`.
    static func serviceAccount(of spec: Value) -> String {
        for field in ["serviceAccountName", "serviceAccount"] {
            if let name = spec[field]?.string, !name.isEmpty { return name }
        }
        return "default"
    }

    private static func finding(on template: PodTemplate, account: String, namespace: String, graph: RBACGraph,
                                pods: Int) -> Finding? {
        let grants = graph.bindings(ofServiceAccount: account, in: namespace).filter { $0.binding.isAdmin }
        guard !grants.isEmpty else { return nil }
        let described = grants.map { grant in
            let through = grant.subjects.map(\.key).joined(separator: ", ")
            let binding = grant.binding
            return "\(binding.display) binds \(through) to \(binding.roleDisplay) \(binding.scopeDisplay)"
        }
        return Finding(
            on: template.resource, path: template.objectPath("spec.serviceAccountName"),
            observed: "ServiceAccount \(namespace)/\(account) bound to admin by "
                + grants.map(\.binding.display).joined(separator: ", "),
            expected: "no admin role", pods: pods,
            message: """
                runs as service account \(namespace)/\(account), which holds a role granting every verb on every \
                resource: \(described.joined(separator: "; "))
                """)
    }
}
