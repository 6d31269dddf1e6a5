import EvidentCore
import Foundation

/// In namespaces whose labels match `prod_label` (`key=value`, or `key` for any value; default `env=prod`),
/// fails for each binding subject that can create, update or patch pods or workloads (Deployments,
/// StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs) there, through a RoleBinding in that namespace or
/// a ClusterRoleBinding, unless the subject is listed in `ci_subjects` (`User:name`, `Group:name`,
/// `ServiceAccount:namespace/name`). Built-in `system:` subjects, service accounts of exempt namespaces, and
/// namespaces listed in `exempt_namespaces` are left out. Passes when only CI subjects can change workloads.
struct RBACProdWriters: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "rbac-prod-writers",
        title: "Only CI subjects can change workloads in production namespaces",
        summary: """
            Fails for every subject other than ci_subjects (and system: identities) that a binding lets create, \
            update or patch pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or CronJobs in a \
            namespace labelled prod_label.
            """,
        parameters: [
            EvaluatorParameter("prod_label", "the namespace label key=value that marks production (default env=prod)"),
            EvaluatorParameter("ci_subjects", """
                subjects allowed to change production workloads: User:name, Group:name, \
                ServiceAccount:namespace/name
                """),
            EvaluatorParameter("exempt_namespaces", "namespaces whose bindings and service accounts are left out"),
        ],
        requiredKinds: ["Namespace", "ClusterRole", "ClusterRoleBinding"],
        sharedWork: "rbac",
        examples: [
            .passing("only the CI deployer writes to production; developers view it and write to staging", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {env: prod}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop-staging, labels: {env: staging}}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: edit}
                rules:
                - {apiGroups: [""], resources: [pods, services], verbs: [create, update, patch, delete, get]}
                - {apiGroups: [apps], resources: [deployments, statefulsets], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: view}
                rules:
                - {apiGroups: ["", apps], resources: ["*"], verbs: [get, list, watch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: ci-deploys, namespace: shop}
                subjects: [{kind: ServiceAccount, name: ci-deployer, namespace: ci}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: developers-view, namespace: shop}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: developers}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: developers-edit, namespace: shop-staging}
                subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: developers}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:controller:deployment-controller"}
                subjects: [{kind: ServiceAccount, name: deployment-controller, namespace: kube-system}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                """, parameters: [
                    "prod_label": .string("env=prod"),
                    "ci_subjects": .list([.string("ServiceAccount:ci/ci-deployer")]),
                    "exempt_namespaces": .list([.string("kube-system")]),
                ]),
            .failing("a developer group edits production, and a user patches Deployments cluster-wide", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {env: prod}}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: edit}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [create, delete]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: scaler}
                rules:
                - {apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, patch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: developers-edit, namespace: shop}
                subjects:
                - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: developers}
                - {kind: ServiceAccount, name: ci-deployer, namespace: ci}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: autoscaler-human}
                subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: dave@example.com}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scaler}
                """, failing: ["RoleBinding shop/developers-edit", "ClusterRoleBinding autoscaler-human"],
                parameters: ["ci_subjects": .list([.string("ServiceAccount:ci/ci-deployer")])]),
        ])

    static let writeVerbs = ["create", "update", "patch"]
    /// Pods and the workload kinds that create them, by API group.
    static let workloads: [(group: String, resource: String)] = [
        ("", "pods"), ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"),
        ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"),
    ]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let parameters = context.parameters
        let label = parameters.string("prod_label") ?? "env=prod"
        let key: String
        let value: String?
        if let equals = label.firstIndex(of: "=") {
            key = String(label[..<equals])
            value = String(label[label.index(after: equals)...])
        } else {
            key = label
            value = nil
        }
        guard !key.isEmpty else { throw EvaluationError("parameter prod_label must be key=value, e.g. env=prod") }
        let ciSubjects = Set(try RBACParameters.strings(parameters, "ci_subjects", default: []))

        let production = context.index.namespaces.values.filter { namespace in
            guard let found = namespace.labels[key], !parameters.isExempt(namespace.name) else { return false }
            return value == nil || found == value
        }.map(\.name).sorted()
        guard !production.isEmpty else { return CheckOutcome(evaluated: 0, findings: []) }

        let graph = RBACGraph.shared(context.index)
        let isProduction = Set(production)
        var findings: [Finding] = []
        for binding in graph.bindings where !parameters.isExempt(binding.namespace) {
            // A RoleBinding applies in its own namespace only; a ClusterRoleBinding in every one.
            let namespaces: [String]
            if binding.isClusterWide {
                namespaces = production
            } else {
                guard let own = binding.resource.namespace, isProduction.contains(own) else { continue }
                namespaces = [own]
            }
            let granted = Self.writeGrants(of: binding)
            guard !granted.isEmpty else { continue }
            for (i, subject) in binding.subjects {
                if subject.isSystem || ciSubjects.contains(subject.key) { continue }
                if subject.kind == "ServiceAccount", parameters.isExempt(subject.namespace) { continue }
                let scope = binding.isClusterWide
                    ? "in every namespace (production: \(namespaces.joined(separator: ", ")))"
                    : "in production namespace \(namespaces.joined(separator: ", "))"
                findings.append(Finding(
                    on: binding.resource, path: "subjects[\(i)]",
                    observed: "\(subject.key): \(granted)",
                    expected: "only ci_subjects change production workloads",
                    message: """
                        lets \(subject.key), which is not a CI subject, \(granted) \(scope) through \
                        \(binding.roleDisplay); containers can then start there outside the delivery pipeline
                        """))
            }
        }
        return CheckOutcome(evaluated: production.count, findings: findings)
    }

    /// `create, patch on pods; patch on deployments`: what the binding lets its subjects write, or empty.
    static func writeGrants(of binding: RBACBinding) -> String {
        var byVerbs: [(verbs: String, resources: [String])] = []
        for (group, resource) in workloads {
            let verbs = binding.grantedVerbs(writeVerbs, on: resource, group: group, names: .someObjects)
            guard !verbs.isEmpty else { continue }
            let key = verbs.joined(separator: ", ")
            if let i = byVerbs.firstIndex(where: { $0.verbs == key }) {
                byVerbs[i].resources.append(resource)
            } else {
                byVerbs.append((key, [resource]))
            }
        }
        return byVerbs.map { "\($0.verbs) \($0.resources.joined(separator: ", "))" }.joined(separator: "; ")
    }
}

extension RBACProdWriters {
    /// The parameters are read before anything is looked at, so a run on an empty snapshot checks them.
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try Self().evaluate(EvaluationContext(index: SnapshotIndex(Snapshot()), parameters: parameters,
                                                  now: Date(timeIntervalSince1970: 0)))
    }
}
