import EvidentCore
import EvidentNetwork
import Foundation
import Testing

/// "The internet" and exposure, as `network.md` defines them.
@Suite("Internet and exposure")
struct InternetTests {
    static let yaml = """
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        spec: {podCIDR: 203.0.113.0/24}
        status: {addresses: [{type: InternalIP, address: 198.51.100.7}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: out, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Egress]
          egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24}}, {ipBlock: {cidr: 10.0.0.0/8}}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-out, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress: [{to: [{ipBlock: {cidr: 8.8.8.8/32}}], ports: [{port: 53, protocol: UDP}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: shop, labels: {app: api}}
        spec: {containers: [{name: c, image: r/c:1, ports: [{containerPort: 80, hostPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec: {containers: [{name: c, image: r/c:1}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
        """

    static func setup() throws -> (NetworkAnalysis, IntervalSet, SnapshotIndex) {
        let index = SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "t.yaml"))
        let (inside, invalid) = InternalNetworks.ranges(cidrs: InternalNetworks.defaultCIDRs + ["nonsense"], index: index)
        #expect(invalid == ["nonsense"])
        let analysis = NetworkAnalysis(index: index, options: NetworkOptions(extraBoundaries: [inside]))
        return (analysis, inside, index)
    }

    @Test("internal addresses: the defaults plus the Nodes' pod CIDRs and addresses")
    func internalNetworks() throws {
        let (_, inside, _) = try Self.setup()
        for ip in ["10.1.2.3", "172.20.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.169.254",
                   "203.0.113.9", "198.51.100.7"] {
            #expect(inside.contains(try #require(IPv4.address(ip))), Comment(rawValue: ip))
        }
        for ip in ["8.8.8.8", "198.51.100.8", "172.32.0.1"] {
            #expect(!inside.contains(try #require(IPv4.address(ip))), Comment(rawValue: ip))
        }
    }

    @Test("can reach the internet: egress to some address outside the inside ranges")
    func egress() throws {
        let (a, inside, _) = try Self.setup()
        let api = try #require(a.workloads.first { $0.name == "api" }).classes[0]
        let web = try #require(a.workloads.first { $0.name == "web" }).classes[0]
        // api may only reach the node's pod CIDR and 10/8: both inside.
        #expect(a.internetEgress(class: api, internalNetworks: inside) == nil)
        #expect(a.internetEgress(class: web, internalNetworks: inside)?.connections.description == "UDP 53")
    }

    @Test("exposed by a hostPort or a NodePort Service; reachable when ingress from the internet is allowed")
    func exposure() throws {
        let (a, inside, index) = try Self.setup()
        let exposure = Exposure.of(a, index: index)
        let api = try #require(a.workloads.firstIndex { $0.name == "api" })
        let web = try #require(a.workloads.firstIndex { $0.name == "web" })
        #expect(exposure[api] == ["hostPort 8080"])
        #expect(exposure[web] == ["Service shop/web (NodePort)"])
        #expect(a.internetIngress(class: a.workloads[web].classes[0], internalNetworks: inside)?.unrestricted == true)
    }
}
