import Foundation
import Testing

@Suite("evident reach")
struct ReachTests {
    static let snapshot = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: r/web:1}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: c, image: r/api:1, ports: [{name: http, containerPort: 8080}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Ingress, Egress]
          ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
        """

    @Test("prints the connlist, JSON and one workload's connections")
    func connlist() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("snapshot.yaml")
        try CLI.write(Self.snapshot, to: file)
        let text = try CLI.run(["reach", file.path])
        #expect(text.code == 0)
        #expect(text.stdout == """
            0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections
            shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
            shop/web[Deployment] => shop/api[Deployment] : TCP 8080

            """)
        let json = try CLI.run(["reach", file.path, "--format", "json", "--focus", "shop/api"])
        #expect(json.code == 0)
        let items = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(items == [["src": "shop/web[Deployment]", "dst": "shop/api[Deployment]", "conn": "TCP 8080"]])
        let missing = try CLI.run(["reach", file.path, "--focus", "shop/nope"])
        #expect(missing.code == 2)
    }

    @Test("an invalid policy is a clear error with exit code 2")
    func invalid() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try CLI.write("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: bad, namespace: shop}
            spec:
              podSelector: {}
              ingress: [{ports: [{port: http, endPort: 9000}]}]
            """, to: file)
        let r = try CLI.run(["reach", file.path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("NetworkPolicy shop/bad") && r.stderr.contains("endPort"))
        #expect(r.stdout.isEmpty)
    }
}
