import EvidentCore
import EvidentNetwork
import Testing

/// Calico policies, tiers and network sets, each test written from the Calico documentation
/// (NetworkPolicy, GlobalNetworkPolicy, Tier, NetworkSet, GlobalNetworkSet references and "Get started
/// with policy tiers"), each stating the connections it expects.
@Suite("Calico policies")
struct CalicoPolicyTests {
    static let shop = namespace("shop", ["env": "prod"]) + namespace("dev", ["env": "dev"])
        + pod("web", "shop", ["app": "web", "tier": "frontend"], ip: "10.1.0.1")
        + pod("api", "shop", ["app": "api", "tier": "backend"], ip: "10.1.0.2", ports: [("http", 8080)])
        + pod("tool", "dev", ["app": "tool"], ip: "10.2.0.1")

    @Test("a namespaced policy with an operator in its selector isolates only what it selects")
    func namespacedSelector() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: shop}
            spec:
              selector: tier in {'backend', 'data'}
              ingress:
              - action: Allow
                protocol: TCP
                source: {selector: app starts with 'we'}
                destination: {ports: [8080]}
            """)
        // api is isolated for ingress: only web (same namespace; the rule selector without
        // namespaceSelector means the policy's namespace) on TCP 8080. tool in dev is not matched.
        #expect(podLines(a) == [
            "dev/tool[Pod] => shop/web[Pod] : All Connections",
            "shop/api[Pod] => dev/tool[Pod] : All Connections",
            "shop/api[Pod] => shop/web[Pod] : All Connections",
            "shop/web[Pod] => dev/tool[Pod] : All Connections",
            "shop/web[Pod] => shop/api[Pod] : TCP 8080",
        ])
    }

    @Test("namespaceSelector on a rule reaches other namespaces; projectcalico.org/name names them")
    func namespaceSelectorRule() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: shop}
            spec:
              selector: app == 'api'
              types: [Ingress]
              ingress:
              - action: Allow
                source: {namespaceSelector: projectcalico.org/name == 'dev', selector: has(app)}
            """)
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["dev/tool[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("a GlobalNetworkPolicy selects endpoints in every namespace its namespaceSelector matches")
    func globalPolicy() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: prod-ingress}
            spec:
              namespaceSelector: env == 'prod'
              selector: all()
              ingress:
              - action: Allow
                source: {selector: pcns.env == 'prod'}
            """)
        // shop pods accept only shop pods (pcns.env == 'prod'; a global rule selector spans namespaces);
        // dev/tool is not selected and stays open.
        #expect(podLines(a) == [
            "shop/api[Pod] => dev/tool[Pod] : All Connections",
            "shop/api[Pod] => shop/web[Pod] : All Connections",
            "shop/web[Pod] => dev/tool[Pod] : All Connections",
            "shop/web[Pod] => shop/api[Pod] : All Connections",
        ])
    }

    @Test("Deny in an earlier tier beats Allow in a later one; Pass hands over to the next tier")
    func tierOrdering() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: security}
            spec: {order: 100}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: security.guard}
            spec:
              tier: security
              order: 10
              selector: app == 'api'
              types: [Ingress]
              ingress:
              - action: Deny
                source: {namespaceSelector: env == 'dev'}
              - action: Pass
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: default.open-api, namespace: shop}
            spec:
              tier: default
              selector: app == 'api'
              ingress:
              - action: Allow
                source: {namespaceSelector: all()}
            """)
        // dev -> api: denied by the security tier before the default tier's Allow is reached.
        // web -> api: passed to the default tier, which allows it.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/web[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("a tier that selects the endpoint but matches no rule drops the traffic (defaultAction Deny)")
    func tierDefaultDeny() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: security}
            spec: {order: 100}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: security.only-web}
            spec:
              tier: security
              selector: app == 'api'
              ingress:
              - action: Pass
                source: {selector: app == 'web'}
            """)
        // web is passed to the default tier; no policy there selects api, so the profile allows it.
        // tool matches no rule: the security tier's default Deny drops it.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/web[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("a tier with defaultAction Pass lets unmatched traffic go on")
    func tierDefaultPass() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: monitoring}
            spec: {order: 50, defaultAction: Pass}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: monitoring.deny-tool}
            spec:
              tier: monitoring
              selector: app == 'api'
              ingress:
              - action: Deny
                source: {selector: app == 'tool'}
            """)
        // tool is denied; web matches no rule and the tier passes it on; nothing else selects api.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/web[Pod] => shop/api[Pod] : All Connections"])
        // The monitoring tier does not isolate api by default: its default action is Pass.
        let api = try #require(a.workloads.firstIndex { $0.name == "api" })
        #expect(!a.isIsolated(class: a.workloads[api].classes[0], .ingress))
    }

    @Test("inside a tier, policies run by order; a Kubernetes policy sits at order 1000 of the default tier")
    func policyOrderWithKubernetes() throws {
        let a = try analyze(Self.shop + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-all-to-api, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress: [{}]
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: deny-dev-early}
            spec:
              order: 500
              selector: app == 'api'
              ingress:
              - action: Deny
                source: {namespaceSelector: env == 'dev'}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: deny-web-late}
            spec:
              order: 2000
              selector: app == 'api'
              ingress:
              - action: Deny
                source: {selector: app == 'web'}
            """)
        // order 500 < 1000: dev/tool is denied before the Kubernetes allow-all; the Kubernetes policy
        // (order 1000) allows web before the order-2000 Deny is reached.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/web[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("policies without order come after ordered ones; a tier without order comes last")
    func unordered() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: late}
            spec: {}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: late.deny-all}
            spec:
              tier: late
              order: 1
              selector: app == 'api'
              ingress: [{action: Deny}]
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: a-deny-web}
            spec:
              selector: app == 'api'
              ingress: [{action: Deny, source: {selector: app == 'web'}}]
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: z-allow-all}
            spec:
              order: 5
              selector: app == 'api'
              ingress: [{action: Allow}]
            """)
        // The default tier (order 1,000,000) runs before `late` (no order). In it, z-allow-all (order 5)
        // runs before a-deny-web (no order): everything is allowed before the late tier's Deny.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == [
            "dev/tool[Pod] => shop/api[Pod] : All Connections", "shop/web[Pod] => shop/api[Pod] : All Connections",
        ])
    }

    @Test("Log records and continues; the next rule decides")
    func logAction() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: log-then-allow, namespace: shop}
            spec:
              selector: app == 'api'
              ingress:
              - action: Log
              - action: Allow
                source: {selector: app == 'web'}
            """)
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/web[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("nets, notNets and external addresses")
    func nets() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-egress, namespace: shop}
            spec:
              selector: app == 'api'
              types: [Egress]
              egress:
              - action: Deny
                destination: {nets: [203.0.113.0/24]}
              - action: Allow
                protocol: TCP
                destination: {nets: [203.0.0.0/16], ports: [443]}
              - action: Allow
                destination: {notNets: [0.0.0.0/1, 203.0.0.0/16]}
            """, options: NetworkOptions())
        let egress = lines(allLines(a), where: { $0.hasPrefix("shop/api[Pod] =>") })
        // 203.0.113.0/24 is denied; the rest of 203.0.0.0/16 is open on TCP 443; the rest of the upper
        // half of the address space (outside notNets) is open for everything; nothing else: the pods'
        // IPs (10.x) are in 0.0.0.0/1.
        #expect(egress == [
            "shop/api[Pod] => 128.0.0.0-202.255.255.255[External] : All Connections",
            "shop/api[Pod] => 203.0.0.0-203.0.112.255[External] : TCP 443",
            "shop/api[Pod] => 203.0.114.0-203.0.255.255[External] : TCP 443",
            "shop/api[Pod] => 203.1.0.0-255.255.255.255[External] : All Connections",
        ])
    }

    @Test("nets match pods by IP when the engine reads ipBlocks as Calico does")
    func netsMatchPods() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: shop}
            spec:
              selector: app == 'api'
              ingress:
              - action: Allow
                source: {nets: [10.2.0.0/16]}
            """, options: NetworkOptions())
        // tool (10.2.0.1) is in the allowed net; web (10.1.0.1) is not.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["dev/tool[Pod] => shop/api[Pod] : All Connections"])
    }

    @Test("a NetworkSet is matched by a selector in its namespace, a GlobalNetworkSet through global()")
    func networkSets() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkSet
            metadata: {name: partners, namespace: shop, labels: {role: partner}}
            spec: {nets: [198.51.100.0/24]}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkSet
            metadata: {name: threats, labels: {feed: threats}}
            spec: {nets: [192.0.2.0/24]}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-egress, namespace: shop}
            spec:
              selector: app == 'api'
              types: [Egress]
              egress:
              - action: Deny
                destination: {namespaceSelector: global(), selector: feed == 'threats'}
              - action: Allow
                destination: {selector: role == 'partner'}
              - action: Allow
                destination: {nets: [192.0.0.0/16]}
            """)
        let egress = lines(allLines(a), where: { $0.hasPrefix("shop/api[Pod] =>") })
        // partners by label; 192.0.0.0/16 by nets except the threat feed, which the global set names.
        #expect(egress == [
            "shop/api[Pod] => 192.0.0.0-192.0.1.255[External] : All Connections",
            "shop/api[Pod] => 192.0.3.0-192.0.255.255[External] : All Connections",
            "shop/api[Pod] => 198.51.100.0-198.51.100.255[External] : All Connections",
        ])
    }

    @Test("ports: numbers, ranges, names, notPorts, protocols and ICMP")
    func ports() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: shop}
            spec:
              selector: app == 'api'
              ingress:
              - action: Allow
                protocol: TCP
                source: {selector: app == 'web'}
                destination: {ports: [http, "9000:9010", 22], notPorts: ["9005:9005"]}
              - action: Allow
                protocol: UDP
                source: {selector: app == 'web'}
                destination: {ports: [53]}
              - action: Allow
                protocol: ICMP
                source: {namespaceSelector: all()}
              - action: Deny
                protocol: UDP
                source: {namespaceSelector: env == 'dev'}
                destination: {ports: ["1:1024"]}
              - action: Allow
                notProtocol: TCP
                source: {namespaceSelector: env == 'dev'}
            """)
        #expect(a.problems.isEmpty)
        // web: the TCP ports (the name http resolves to api's 8080; 9005 is cut out), UDP 53 and ICMP.
        // tool: ICMP, then UDP below 1025 is denied, then everything but TCP is allowed.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == [
            "dev/tool[Pod] => shop/api[Pod] : SCTP 1-65535,UDP 1025-65535,ICMP+other",
            "shop/web[Pod] => shop/api[Pod] : TCP 22,8080,9000-9004,9006-9010,UDP 53,ICMP+other",
        ])
    }

    @Test("serviceAccounts by name and by label selector")
    func serviceAccounts() throws {
        let a = try analyze(Self.shop + pod("batch", "shop", ["app": "batch"], serviceAccount: "jobs") + """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: jobs, namespace: shop, labels: {team: data}}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: shop}
            spec:
              selector: app == 'api'
              ingress:
              - action: Allow
                source: {serviceAccounts: {names: [jobs]}}
                destination: {ports: [1]}
                protocol: TCP
              - action: Allow
                source: {serviceAccounts: {selector: team == 'data'}}
                protocol: UDP
                destination: {ports: [2]}
              - action: Allow
                source: {selector: pcsa.team == 'data'}
                protocol: SCTP
                destination: {ports: [3]}
            """)
        #expect(lines(podLines(a), where: { $0.contains("=> shop/api") }) == ["shop/batch[Pod] => shop/api[Pod] : SCTP 3,TCP 1,UDP 2"])
    }

    @Test("an ingress rule's destination selector narrows which selected endpoints the rule covers")
    func destinationSelector() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: shop-ingress, namespace: shop}
            spec:
              selector: all()
              ingress:
              - action: Allow
                protocol: TCP
                source: {namespaceSelector: env == 'dev'}
                destination: {selector: app == 'api', ports: [8080]}
            """)
        // Both shop pods are isolated; only api admits dev/tool, on TCP 8080; web admits nothing.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/") }) == ["dev/tool[Pod] => shop/api[Pod] : TCP 8080"])
    }

    @Test("a policy's serviceAccountSelector narrows the endpoints it applies to")
    func policyServiceAccountSelector() throws {
        let a = try analyze(Self.shop + pod("batch", "shop", ["app": "batch"], serviceAccount: "jobs") + """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: jobs, namespace: shop, labels: {team: data}}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: data-ingress}
            spec:
              selector: all()
              serviceAccountSelector: team == 'data'
              ingress: [{action: Allow, source: {selector: app == 'api'}}]
            """)
        // Only batch (service account jobs, team=data) is isolated: it admits api alone; web stays open.
        #expect(lines(podLines(a), where: { $0.contains("=> shop/batch") }) == [
            "shop/api[Pod] => shop/batch[Pod] : All Connections",
        ])
        #expect(lines(podLines(a), where: { $0.contains("=> shop/web") }).count == 3)
    }

    @Test("types default: egress rules only means [Egress]")
    func typesDefault() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: api-egress, namespace: shop}
            spec:
              selector: app == 'api'
              egress: [{action: Allow, destination: {selector: app == 'web'}}]
            """)
        let api = try #require(a.workloads.firstIndex { $0.name == "api" })
        let c = a.workloads[api].classes[0]
        #expect(a.isIsolated(class: c, .egress))
        #expect(!a.isIsolated(class: c, .ingress))
        #expect(lines(podLines(a), where: { $0.hasPrefix("shop/api") }) == ["shop/api[Pod] => shop/web[Pod] : All Connections"])
    }

    @Test("a selector that does not parse is reported with the policy's name and the policy is not applied")
    func parseErrors() throws {
        let a = try analyze(Self.shop + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: broken}
            spec:
              selector: app = 'api'
              ingress: [{action: Deny}]
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: broken-rule, namespace: shop}
            spec:
              selector: all()
              ingress: [{action: Allow, source: {selector: "has(app"}}]
            """)
        let messages = a.problems.filter(\.isError).map(\.message)
        #expect(messages.count == 2)
        #expect(messages.contains { $0.contains("GlobalNetworkPolicy broken") && $0.contains("app = 'api'") })
        #expect(messages.contains { $0.contains("NetworkPolicy shop/broken-rule") && $0.contains("has(app") })
        // Neither isolates anything.
        #expect(podLines(a).count == 6)
    }
}
