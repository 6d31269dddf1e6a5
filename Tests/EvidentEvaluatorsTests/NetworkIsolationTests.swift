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

@Suite("Egress CIDR helpers")
struct NetworkIsolationTests {
    @Test("/0 ranges of either family count as every address")
    func openRanges() {
        #expect(EgressOpenCIDR.coversEverything("0.0.0.0/0"))
        #expect(EgressOpenCIDR.coversEverything("::/0"))
        #expect(!EgressOpenCIDR.coversEverything("10.0.0.0/8"))
        #expect(!EgressOpenCIDR.coversEverything("0.0.0.0/00/1"))
        #expect(!EgressOpenCIDR.coversEverything("0.0.0.0"))
    }
}

@Suite("Network check diagnostics")
struct NetworkDiagnosticsTests {
    @Test("a Calico selector that does not parse becomes a diagnostic naming the policy")
    func selectorErrors() throws {
        let yaml = """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: security.broken}
            spec:
              selector: "app == 'web' &&"
              ingress: [{action: Deny}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop, labels: {app: web}}
            spec: {containers: [{name: c, image: r/c:1}]}
            """
        let index = SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "calico.yaml"))
        for type in [NamespaceDefaultDenyIngress.self, CrossSensitivityPaths.self] as [any Evaluator.Type] {
            let diagnostics = type.diagnostics(for: index, parameters: Parameters())
            #expect(diagnostics.count == 1)
            let message = try #require(diagnostics.first).message
            #expect(message.contains("GlobalNetworkPolicy security.broken") && message.contains("app == 'web' &&"))
            #expect(diagnostics.first?.location?.file == "calico.yaml")
        }
    }
}
