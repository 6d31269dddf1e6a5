import EvidentCore
import EvidentNetwork
import Testing

/// Kubernetes NetworkPolicy semantics, one test per rule of `spec/network.md`.
@Suite("Kubernetes NetworkPolicy")
struct KubernetesPolicyTests {
    static let base = namespace("shop", ["team": "a"]) + namespace("ops", ["team": "b"])
        + pod("web", "shop", ["app": "web"], ip: "10.1.0.1")
        + pod("api", "shop", ["app": "api"], ip: "10.1.0.2", ports: [("http", 8080)])
        + pod("mon", "ops", ["app": "mon"], ip: "10.2.0.1")

    static func into(_ a: NetworkAnalysis, _ target: String) -> Set<String> {
        lines(podLines(a), where: { $0.contains("=> \(target)") })
    }

    @Test("without policyTypes a policy isolates Ingress, plus Egress when it has egress rules")
    func policyTypesDefault() throws {
        let a = try analyze(Self.base + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              egress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]
            """)
        // api: no ingress allowed at all; egress only to web.
        #expect(Self.into(a, "shop/api").isEmpty)
        #expect(lines(podLines(a), where: { $0.hasPrefix("shop/api") }) == ["shop/api[Pod] => shop/web[Pod] : All Connections"])
    }

    @Test("an isolated pod allows the union of all matching rules; an unselected pod allows everything")
    func union() throws {
        let a = try analyze(Self.base + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 80}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b, namespace: shop}
            spec:
              podSelector: {}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 443}]}]
            """)
        #expect(Self.into(a, "shop/api") == ["shop/web[Pod] => shop/api[Pod] : TCP 80,443"])
        #expect(Self.into(a, "ops/mon") == [
            "shop/api[Pod] => ops/mon[Pod] : All Connections", "shop/web[Pod] => ops/mon[Pod] : All Connections",
        ])
    }

    @Test("podSelector alone is the policy's namespace; namespaceSelector alone is all its pods; both intersect")
    func peers() throws {
        let a = try analyze(Self.base + pod("web", "ops", ["app": "web"]) + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 1}]
              - from: [{namespaceSelector: {matchLabels: {team: b}}}]
                ports: [{port: 2}]
              - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [b]}]},
                        podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 3}]
            """)
        #expect(Self.into(a, "shop/api") == [
            "shop/web[Pod] => shop/api[Pod] : TCP 1",
            "ops/mon[Pod] => shop/api[Pod] : TCP 2",
            "ops/web[Pod] => shop/api[Pod] : TCP 2-3",
        ])
    }

    @Test("ipBlock with except; pods match an ipBlock by IP only when the engine reads ipBlocks as Calico")
    func ipBlock() throws {
        let yaml = Self.base + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]
            """
        let connlist = try analyze(yaml)
        #expect(lines(allLines(connlist), where: { $0.hasSuffix("=> shop/api[Pod] : All Connections") }) == [
            "10.0.0.0-10.0.255.255[External] => shop/api[Pod] : All Connections",
            "10.2.0.0-10.255.255.255[External] => shop/api[Pod] : All Connections",
        ])
        // Conservative audit reading: mon (10.2.0.1) is inside the allowed block; web (10.1.0.1) is excepted.
        let audit = try analyze(yaml, options: NetworkOptions())
        #expect(Self.into(audit, "shop/api") == ["ops/mon[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("protocol defaults to TCP; SCTP, named ports (per destination) and endPort")
    func ports() throws {
        let a = try analyze(Self.base + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: http}, {port: 9000, endPort: 9005, protocol: SCTP}, {port: 53, protocol: UDP}]
            """)
        // api resolves `http` to 8080; web has no such port, so only the other entries apply to it.
        #expect(Self.into(a, "shop/api") == [
            "ops/mon[Pod] => shop/api[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
            "shop/web[Pod] => shop/api[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
        ])
        #expect(Self.into(a, "shop/web") == [
            "ops/mon[Pod] => shop/web[Pod] : SCTP 9000-9005,UDP 53",
            "shop/api[Pod] => shop/web[Pod] : SCTP 9000-9005,UDP 53",
        ])
    }

    @Test("an empty from matches every peer; a missing ports matches every port")
    func emptyRule() throws {
        let a = try analyze(Self.base + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress: [{}]
            """)
        #expect(Self.into(a, "shop/api").count == 2)
        #expect(allLines(a).contains("0.0.0.0-255.255.255.255[External] => shop/api[Pod] : All Connections"))
    }

    @Test("hostNetwork pods count as not isolated in the audit reading")
    func hostNetwork() throws {
        let yaml = Self.base + """
            apiVersion: v1
            kind: Pod
            metadata: {name: agent, namespace: shop, labels: {app: agent}}
            spec:
              hostNetwork: true
              containers: [{name: c, image: r/c:1}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: shop}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """
        let audit = try analyze(yaml, options: NetworkOptions())
        let agent = try #require(audit.workloads.firstIndex { $0.name == "agent" })
        #expect(!audit.isIsolated(class: audit.workloads[agent].classes[0], .ingress))
        #expect(!Self.into(audit, "shop/agent").isEmpty)
        let connlist = try analyze(yaml)
        #expect(Self.into(connlist, "shop/agent").isEmpty)
    }
}
