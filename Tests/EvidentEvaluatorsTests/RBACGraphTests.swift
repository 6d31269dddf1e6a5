import EvidentCore
@testable import EvidentEvaluators
import Foundation
import Testing

@Suite("RBAC graph")
struct RBACGraphTests {
    private func graph(_ yaml: String) throws -> RBACGraph {
        RBACGraph(SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "rbac.yaml")))
    }

    // MARK: rule matching

    @Test("wildcards in verbs, groups and resources")
    func wildcards() {
        let all = RBACRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])
        #expect(all.isAdmin)
        #expect(all.grants("delete", on: "secrets", group: ""))
        #expect(all.grants("create", on: "pods/exec", group: ""))
        #expect(all.grants("escalate", on: "clusterroles", group: "rbac.authorization.k8s.io"))

        let coreOnly = RBACRule(verbs: ["*"], apiGroups: [""], resources: ["*"])
        #expect(!coreOnly.isAdmin)
        #expect(coreOnly.grants("get", on: "secrets", group: ""))
        #expect(!coreOnly.grants("get", on: "deployments", group: "apps"))

        let getAnything = RBACRule(verbs: ["get"], apiGroups: ["*"], resources: ["*"])
        #expect(!getAnything.isAdmin)
        #expect(getAnything.grantedVerbs(["get", "list", "watch"], on: "secrets", group: "") == ["get"])
    }

    @Test("subresources: pods does not cover pods/exec; */exec and pods/exec do")
    func subresources() {
        let pods = RBACRule(verbs: ["create", "get"], resources: ["pods"])
        #expect(pods.grants("create", on: "pods", group: ""))
        #expect(!pods.grants("create", on: "pods/exec", group: ""))

        let exec = RBACRule(verbs: ["create"], resources: ["pods/exec"])
        #expect(exec.grants("create", on: "pods/exec", group: ""))
        #expect(!exec.grants("create", on: "pods/attach", group: ""))
        #expect(!exec.grants("create", on: "pods", group: ""))

        let anyExec = RBACRule(verbs: ["create"], resources: ["*/exec"])
        #expect(anyExec.grants("create", on: "pods/exec", group: ""))
        #expect(!anyExec.grants("create", on: "pods", group: ""))
        #expect(!anyExec.grants("get", on: "nodes/proxy", group: ""))

        // `pods/*` is not an RBAC wildcard.
        let podsStar = RBACRule(verbs: ["create"], resources: ["pods/*"])
        #expect(!podsStar.grants("create", on: "pods/exec", group: ""))
    }

    @Test("resourceNames restrict a rule to named objects")
    func resourceNames() {
        let named = RBACRule(verbs: ["get"], resources: ["secrets"], resourceNames: ["shop-tls"])
        #expect(!named.grants("get", on: "secrets", group: ""))
        #expect(!named.grants("get", on: "secrets", group: "", names: .allObjects))
        #expect(named.grants("get", on: "secrets", group: "", names: .someObjects))
        #expect(named.grants("get", on: "secrets", group: "", names: .object("shop-tls")))
        #expect(!named.grants("get", on: "secrets", group: "", names: .object("db")))
        #expect(RBACRule(verbs: ["get"], resources: ["secrets"]).grants("get", on: "secrets", group: "",
                                                                       names: .object("db")))
        #expect(!RBACRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"], resourceNames: ["x"]).isAdmin)
    }

    @Test("non-resource rules grant no resources")
    func nonResourceURLs() {
        let urls = RBACRule(verbs: ["get"], apiGroups: [], nonResourceURLs: ["/healthz"])
        #expect(!urls.grants("get", on: "pods", group: ""))
    }

    // MARK: aggregation and bindings

    @Test("aggregated ClusterRoles take the rules of matching roles, transitively, never their own")
    func aggregation() throws {
        let g = try graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: top, labels: {agg: top}}
            aggregationRule:
              clusterRoleSelectors:
              - matchLabels: {agg: top}
              - matchExpressions: [{key: tier, operator: In, values: [middle]}]
            rules: []
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: middle, labels: {tier: middle}}
            aggregationRule:
              clusterRoleSelectors:
              - matchLabels: {agg: middle}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: leaf, labels: {agg: middle}}
            rules:
            - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: unrelated, labels: {agg: other}}
            rules:
            - {apiGroups: [""], resources: [secrets], verbs: [get]}
            """)
        let top = try #require(g.clusterRoles["top"])
        #expect(top.aggregated == ["leaf", "middle"])
        #expect(top.isAdmin)
        #expect(top.ownRules.isEmpty)
        #expect(top.rules.map(\.source) == ["leaf", "middle"])
        #expect(top.rules.allSatisfy { $0.selector == 1 })
        #expect(top.rules.first?.path == "aggregationRule.clusterRoleSelectors[1]")

        let middle = try #require(g.clusterRoles["middle"])
        #expect(middle.aggregated == ["leaf"])
        #expect(middle.rules.map(\.path) == ["rules[0]", "aggregationRule.clusterRoleSelectors[0]"])
        #expect(try #require(g.clusterRoles["unrelated"]).aggregated.isEmpty)
    }

    @Test("rules already copied into an aggregated role by the controller are not repeated")
    func aggregationDeduplicates() throws {
        let g = try graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: view}
            aggregationRule:
              clusterRoleSelectors: [{matchLabels: {aggregate-to-view: "true"}}]
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get, list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: pod-view, labels: {aggregate-to-view: "true"}}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get, list]}
            """)
        let view = try #require(g.clusterRoles["view"])
        #expect(view.rules.count == 1)
        #expect(view.rules.first?.isOwn == true)
        #expect(view.aggregated == ["pod-view"])
    }

    @Test("label selectors: empty matches all, null matches none, expressions")
    func selectors() {
        let labels = ["a": "1", "b": "2"]
        #expect(RBACLabelSelector.matches(.map([:]), labels: labels))
        #expect(!RBACLabelSelector.matches(.null, labels: labels))
        let notIn: Value = .map(["matchExpressions": .list([.map([
            "key": .string("a"), "operator": .string("NotIn"), "values": .list([.string("1")]),
        ])])])
        #expect(!RBACLabelSelector.matches(notIn, labels: labels))
        #expect(RBACLabelSelector.matches(notIn, labels: ["b": "2"]))
        let missing: Value = .map(["matchExpressions": .list([.map([
            "key": .string("c"), "operator": .string("DoesNotExist"),
        ])])])
        #expect(RBACLabelSelector.matches(missing, labels: labels))
        #expect(!RBACLabelSelector.matches(.map(["matchLabels": .map(["a": .string("2")])]), labels: labels))
    }

    @Test("bindings resolve roles, namespaces and subjects")
    func bindings() throws {
        let g = try graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: exec, namespace: shop}
            rules:
            - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: debug, namespace: shop}
            subjects:
            - {kind: ServiceAccount, name: default}
            - {kind: ServiceAccount, name: default, namespace: shop}
            - {kind: Group, name: "system:serviceaccounts:ci"}
            roleRef: {kind: Role, name: exec}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: other-ns, namespace: web}
            subjects: [{kind: User, name: eve}]
            roleRef: {kind: Role, name: exec}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: missing-role}
            subjects: [{kind: User, name: eve}]
            roleRef: {kind: ClusterRole, name: not-there}
            """)
        #expect(g.bindings.map(\.display) == [
            "ClusterRoleBinding missing-role", "RoleBinding shop/debug", "RoleBinding web/other-ns",
        ])
        let debug = try #require(g.bindings.first { $0.name == "debug" })
        #expect(debug.role?.name == "exec")
        #expect(debug.subjects.map(\.subject.key) == ["ServiceAccount:shop/default", "Group:system:serviceaccounts:ci"])
        #expect(debug.subjects.map(\.index) == [0, 2])
        #expect(debug.grants("create", on: "pods/exec", group: ""))
        #expect(debug.applies(in: "shop") && !debug.applies(in: "web"))
        #expect(debug.scopeDisplay == "in namespace shop")

        // A Role lives in the binding's namespace only.
        #expect(try #require(g.bindings.first { $0.name == "other-ns" }).role == nil)
        let missing = try #require(g.bindings.first { $0.name == "missing-role" })
        #expect(missing.role == nil && missing.rules.isEmpty && missing.applies(in: "anything"))

        #expect(g.bindings(ofServiceAccount: "default", in: "shop").map(\.binding.name) == ["debug"])
        #expect(g.bindings(ofServiceAccount: "builder", in: "ci").map(\.binding.name) == ["debug"])
        #expect(g.bindings(ofServiceAccount: "builder", in: "shop").isEmpty)
    }

    @Test("role name patterns with a trailing * glob")
    func patterns() throws {
        let list = ["cluster-admin", "system:*"]
        #expect(RBACParameters.matches("cluster-admin", list))
        #expect(RBACParameters.matches("system:controller:job-controller", list))
        #expect(!RBACParameters.matches("cluster-admin-2", list))
        #expect(!RBACParameters.matches("my-system:role", list))
        #expect(try RBACParameters.strings(Parameters([:]), "x", default: ["d"]) == ["d"])
        #expect(try RBACParameters.strings(Parameters(["x": .string("a")]), "x", default: []) == ["a"])
        #expect(throws: EvaluationError.self) {
            try RBACParameters.strings(Parameters(["x": .int(3)]), "x", default: [])
        }
    }
}
