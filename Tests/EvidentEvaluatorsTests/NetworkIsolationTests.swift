import EvidentCore
@testable import EvidentEvaluators
import EvidentNetwork
import Foundation
import Testing

@Suite("Label selectors")
struct LabelSelectorTests {
    static func selector(_ yaml: String) throws -> LabelSelector {
        let document = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: holder, namespace: t}
            data:
              selector:
            \(yaml.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        let snapshot = try SnapshotLoader.load(Data(document.utf8), path: "selector.yaml")
        return try LabelSelector.parse(snapshot.resources.first?.body.at("data.selector"))
    }

    @Test("an empty or missing selector matches everything")
    func empty() throws {
        #expect(try LabelSelector.parse(nil).matches([:]))
        #expect(try LabelSelector.parse(.null).matches(["a": "b"]))
        let braces = try Self.selector("{}")
        #expect(braces.isEmpty)
        #expect(braces.matches(["app": "web"]))
    }

    @Test("matchLabels needs every pair")
    func matchLabels() throws {
        let s = try Self.selector("matchLabels: {app: web, tier: front}")
        #expect(s.matches(["app": "web", "tier": "front", "extra": "x"]))
        #expect(!s.matches(["app": "web"]))
        #expect(!s.matches(["app": "api", "tier": "front"]))
    }

    @Test("numeric label values in YAML compare as strings")
    func numericValues() throws {
        let s = try Self.selector("""
            matchLabels: {version: 2}
            matchExpressions: [{key: release, operator: In, values: [3, 4]}]
            """)
        #expect(s.matches(["version": "2", "release": "4"]))
        #expect(!s.matches(["version": "2", "release": "5"]))
    }

    @Test("In and NotIn, where NotIn also matches an absent key")
    func inNotIn() throws {
        let a = try Self.selector("matchExpressions: [{key: env, operator: In, values: [prod, staging]}]")
        #expect(a.matches(["env": "prod"]))
        #expect(!a.matches(["env": "dev"]))
        #expect(!a.matches([:]))
        let b = try Self.selector("matchExpressions: [{key: env, operator: NotIn, values: [prod]}]")
        #expect(b.matches(["env": "dev"]))
        #expect(b.matches([:]))
        #expect(!b.matches(["env": "prod"]))
    }

    @Test("Exists and DoesNotExist look at the key only")
    func existence() throws {
        let a = try Self.selector("matchExpressions: [{key: quarantine, operator: Exists}]")
        #expect(a.matches(["quarantine": ""]))
        #expect(!a.matches(["other": "x"]))
        let b = try Self.selector("matchExpressions: [{key: quarantine, operator: DoesNotExist}]")
        #expect(b.matches(["other": "x"]))
        #expect(!b.matches(["quarantine": "true"]))
    }

    @Test("matchLabels and matchExpressions are ANDed")
    func combined() throws {
        let s = try Self.selector("""
            matchLabels: {app: web}
            matchExpressions:
            - {key: env, operator: In, values: [prod]}
            - {key: canary, operator: DoesNotExist}
            """)
        #expect(s.matches(["app": "web", "env": "prod"]))
        #expect(!s.matches(["app": "web", "env": "prod", "canary": "1"]))
        #expect(!s.matches(["app": "api", "env": "prod"]))
    }

    @Test("selectors Kubernetes would reject do not parse", arguments: [
        "matchExpressions: [{key: a, operator: Equals, values: [b]}]",
        "matchExpressions: [{key: a, operator: In, values: []}]",
        "matchExpressions: [{key: a, operator: NotIn}]",
        "matchExpressions: [{key: a, operator: Exists, values: [b]}]",
        "matchExpressions: [{operator: Exists}]",
    ])
    func invalid(_ yaml: String) {
        #expect(throws: LabelSelector.Invalid.self) { try Self.selector(yaml) }
    }
}

@Suite("Network policy isolation")
struct NetworkIsolationTests {
    static func isolation(_ yaml: String) throws -> (PolicyIsolation, SnapshotIndex) {
        let index = SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "policies.yaml"))
        return (PolicyIsolation(index: index), index)
    }

    static func policy(_ name: String, _ spec: String, namespace: String = "shop",
                       apiVersion: String = "networking.k8s.io/v1") -> String {
        """
        apiVersion: \(apiVersion)
        kind: NetworkPolicy
        metadata: {name: \(name), namespace: \(namespace)}
        spec: \(spec)
        """
    }

    @Test("policyTypes absent means Ingress, plus Egress only when egress rules exist")
    func defaultPolicyTypes() throws {
        let (iso, _) = try Self.isolation([
            Self.policy("plain", "{podSelector: {}}"),
            Self.policy("with-egress", "{podSelector: {}, egress: [{}]}"),
            Self.policy("empty-egress", "{podSelector: {}, egress: []}"),
            Self.policy("empty-types", "{podSelector: {}, policyTypes: [], egress: [{}]}"),
            Self.policy("egress-only", "{podSelector: {}, policyTypes: [Egress]}"),
            Self.policy("both", "{podSelector: {}, policyTypes: [Ingress, Egress]}"),
        ].joined(separator: "\n---\n"))
        let types = Dictionary(uniqueKeysWithValues: iso.policies.map { ($0.resource.name, $0.directions) })
        #expect(types["plain"] == [.ingress])
        #expect(types["with-egress"] == [.ingress, .egress])
        #expect(types["empty-egress"] == [.ingress])
        #expect(types["empty-types"] == [.ingress, .egress])
        #expect(types["egress-only"] == [.egress])
        #expect(types["both"] == [.ingress, .egress])
    }

    @Test("a policy isolates only the pods it selects, only in its own namespace")
    func selection() throws {
        let (iso, _) = try Self.isolation(Self.policy("api", "{podSelector: {matchLabels: {app: api}}}"))
        #expect(iso.isolation(labels: ["app": "api"], namespace: "shop", hostNetwork: false).isIsolated(.ingress))
        #expect(!iso.isolation(labels: ["app": "api"], namespace: "shop", hostNetwork: false).isIsolated(.egress))
        #expect(!iso.isolation(labels: ["app": "web"], namespace: "shop", hostNetwork: false).isIsolated(.ingress))
        #expect(!iso.isolation(labels: ["app": "api"], namespace: "other", hostNetwork: false).isIsolated(.ingress))
    }

    @Test("hostNetwork pods are never isolated")
    func hostNetwork() throws {
        let (iso, _) = try Self.isolation(Self.policy("all", "{podSelector: {}, policyTypes: [Ingress, Egress]}"))
        let state = iso.isolation(labels: [:], namespace: "shop", hostNetwork: true)
        #expect(state.ingressPolicies == ["all"])
        #expect(!state.isIsolated(.ingress))
        #expect(!state.isIsolated(.egress))
    }

    @Test("Calico policies and invalid selectors isolate nothing")
    func ignored() throws {
        let (iso, _) = try Self.isolation([
            Self.policy("calico", "{selector: all(), types: [Ingress]}", apiVersion: "projectcalico.org/v3"),
            Self.policy("bad", "{podSelector: {matchExpressions: [{key: a, operator: Is, values: [b]}]}}"),
        ].joined(separator: "\n---\n"))
        #expect(iso.policies.map(\.resource.name) == ["bad"])
        #expect(!iso.isolation(labels: ["a": "b"], namespace: "shop", hostNetwork: false).isIsolated(.ingress))
    }

    @Test("the union of policies decides, and the names are reported sorted")
    func union() throws {
        let (iso, index) = try Self.isolation([
            Self.policy("z-in", "{podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress]}"),
            Self.policy("a-out",
                        "{podSelector: {matchExpressions: [{key: app, operator: Exists}]}, policyTypes: [Egress]}"),
            Self.policy("b-in", "{podSelector: {}}"),
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: api}}
                spec: {containers: [{name: app, image: r/api:1}]}
            """,
        ].joined(separator: "\n---\n"))
        let template = try #require(index.podTemplates.first)
        let state = iso.isolation(of: template)
        #expect(state.ingressPolicies == ["b-in", "z-in"])
        #expect(state.egressPolicies == ["a-out"])
        #expect(state.isIsolated(.ingress) && state.isIsolated(.egress))
    }

    @Test("/0 ranges of either family count as every address")
    func openRanges() {
        #expect(EgressOpenCIDR.coversEverything("0.0.0.0/0"))
        #expect(EgressOpenCIDR.coversEverything("::/0"))
        #expect(!EgressOpenCIDR.coversEverything("10.0.0.0/8"))
        #expect(!EgressOpenCIDR.coversEverything("0.0.0.0/00/1"))
        #expect(!EgressOpenCIDR.coversEverything("0.0.0.0"))
    }
}
