import EvidentCore
import Foundation
import Testing

/// The plugin protocol's request and response, without running a process.
@Suite("Plugin protocol")
struct PluginProtocolTests {
    static let snapshot = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {owner: "team \\"a\\""}}
        spec: {template: {spec: {containers: [{name: web, image: r/web:1}]}}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: agent, namespace: kube-system}
        spec: {template: {spec: {containers: [{name: a, image: r/a:1}]}}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: shop}
        """

    func index() throws -> SnapshotIndex { SnapshotIndex(try SnapshotLoader.load(Data(Self.snapshot.utf8), path: "s.yaml")) }

    let control = Control(id: "c-1", title: "T", statement: "S", severity: .low, mode: .automated)
    let check = CheckDefinition(id: "run", evaluator: "plugin")

    @Test func theRequestCarriesVersionControlParametersAndMatchedResources() throws {
        let parameters = Parameters(["path": .string("p.py"), "timeout": .int(3), "owner_label": .string("owner"),
                                     "exempt_namespaces": .list([.string("kube-system")])])
        let matched = PluginProtocol.matched(try index(), parameters: parameters)
        #expect(matched.map(\.name) == ["web"])
        let data = PluginProtocol.request(control: control, check: check, parameters: parameters, resources: matched)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["protocolVersion"] as? Int == 1)
        #expect((json["control"] as? [String: Any])?["check"] as? String == "run")
        let params = try #require(json["parameters"] as? [String: Any])
        #expect(params["owner_label"] as? String == "owner" && params["path"] == nil && params["timeout"] == nil)
        let resource = try #require((json["resources"] as? [Any])?.first as? [String: Any])
        let labels = ((resource["object"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: Any]
        #expect(labels?["owner"] as? String == "team \"a\"")
    }

    @Test func responses() throws {
        let matched = PluginProtocol.matched(try index(), parameters: Parameters(["kinds": .list([.string("Deployment")])]))
        func read(_ text: String) -> Result<CheckOutcome, EvaluationError> { PluginProtocol.outcome(Data(text.utf8), matched: matched) }
        let ok = try read("""
            {"protocolVersion": 1, "findings": [{"resource": {"kind": "Deployment", "namespace": "shop", "name": "web"},
             "message": "no owner", "image": "r/web:1"}, {"message": "cluster-wide"}]}
            """).get()
        #expect(ok.evaluated == 2 && ok.findings.count == 2)
        #expect(ok.findings[0].resource?.name == "web" && ok.findings[0].image == "r/web:1")
        #expect(ok.findings[1].resource == nil)
        if case .needsEvidence(let reason) = try read("{\"protocolVersion\": 1, \"needsEvidence\": \"no data\"}").get().verdict {
            #expect(reason == "no data")
        } else {
            Issue.record("needsEvidence was not read")
        }
        for (text, reason) in [("nope", "not valid JSON"), ("{\"protocolVersion\": 2, \"findings\": []}", "protocolVersion 2"),
                               ("{\"protocolVersion\": 1}", "no findings list"),
                               ("{\"findings\": [{\"resource\": {\"kind\": \"Pod\", \"name\": \"x\"}, \"message\": \"m\"}]}", "not given"),
                               ("{\"findings\": [{\"message\": \"m\", \"status\": \"maybe\"}]}", "unknown status")] {
            guard case .failure(let error) = read(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func pathsAreRelativeToTheNamingFile() {
        #expect(PluginEvaluator.resolve("p.py", from: "policies/catalog.yaml") == "policies/p.py")
        #expect(PluginEvaluator.resolve("p.py", from: "catalog.yaml") == "p.py")
        #expect(PluginEvaluator.resolve("/opt/p.py", from: "policies/catalog.yaml") == "/opt/p.py")
    }
}
