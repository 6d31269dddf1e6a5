import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("JSON results")
struct JSONTests {
    static func parse(_ result: AuditResult) throws -> [String: Any] {
        let text = ReportRenderer.json(result, options: Support.options())
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test("the contract's fields are all there")
    func contract() throws {
        let root = try Self.parse(Fixtures.auditResult())
        #expect(root["schemaVersion"] as? Int == 1)
        let tool = try #require(root["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "evident")
        #expect(tool["version"] as? String == "0.1.0")
        #expect(root["generatedAt"] as? String == "2026-11-01T00:00:00Z")
        #expect(root["snapshotTime"] as? String == "2026-10-31T17:00:00Z")
        let plan = try #require(root["plan"] as? [String: Any])
        #expect(plan["id"] as? String == "prod-eu-1")
        #expect(plan["version"] as? String == "3.2.0")
        let catalogs = try #require(root["catalogs"] as? [[String: Any]])
        #expect(catalogs.map { $0["id"] as? String } == ["nist-sp800-190", "pss"])
        let inputs = try #require(root["inputs"] as? [[String: Any]])
        #expect(inputs.count == 4)
        #expect((inputs[0]["sha256"] as? String)?.count == 64)
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(summary == ["controls": 17, "satisfied": 4, "not-satisfied": 7, "waived": 2, "not-applicable": 2,
                            "needs-evidence": 1, "error": 1])
        let controls = try #require(root["controls"] as? [[String: Any]])
        #expect(controls.count == 17)
        let c443 = try #require(controls.first { $0["id"] as? String == "sp800-190-4.4.3" })
        for key in ["id", "title", "family", "familyTitle", "severity", "status", "reason", "checks", "findings"] {
            #expect(c443[key] != nil, "control lacks \(key)")
        }
        #expect(c443["family"] as? String == "container")
        #expect(c443["severity"] as? String == "critical")
        let checks = try #require(c443["checks"] as? [[String: Any]])
        #expect(checks.first?["id"] as? String == "host-namespaces" || checks.first?["id"] as? String == "privileged")
        #expect(checks.allSatisfy { $0["evaluated"] is Int && $0["failed"] is Int })
        let findings = try #require(c443["findings"] as? [[String: Any]])
        #expect(findings.count == 3)
        let waived = try #require(findings.first { $0["status"] as? String == "waived" })
        #expect(waived["exception"] as? String == "EXC-5")
        let resource = try #require(waived["resource"] as? [String: Any])
        #expect(resource["kind"] as? String == "DaemonSet")
        #expect(resource["apiVersion"] as? String == "apps/v1")
        let source = try #require(waived["source"] as? [String: Any])
        #expect(source["line"] as? Int == 900)
        #expect(waived["pods"] as? Int == 3)
        // Cluster-level findings have a null resource.
        let c431 = try #require(controls.first { $0["id"] as? String == "sp800-190-4.3.1" })
        let clusterFinding = try #require((c431["findings"] as? [[String: Any]])?.first)
        #expect(clusterFinding["resource"] is NSNull)
        // Extras.
        let gate = try #require(root["gate"] as? [String: Any])
        #expect(gate["exitCode"] as? Int == 3)
        #expect(gate["passed"] as? Bool == false)
        let hygiene = try #require(root["planHygiene"] as? [String: Any])
        #expect((hygiene["staleExceptions"] as? [[String: Any]])?.first?["id"] as? String == "EXC-3")
        #expect((root["diagnostics"] as? [Any])?.count == 2)
    }

    @Test("every finding is listed, whatever the HTML cap")
    func allFindings() throws {
        let root = try Self.parse(Fixtures.auditResult())
        let controls = try #require(root["controls"] as? [[String: Any]])
        let nonRoot = try #require(controls.first { $0["id"] as? String == "pss-restricted-runAsNonRoot" })
        #expect((nonRoot["findings"] as? [Any])?.count == 55)
    }

    @Test("an unknown snapshot time is null, and keys keep a fixed order")
    func nullsAndOrder() throws {
        var result = Fixtures.auditResult()
        result.snapshotTime = nil
        let text = ReportRenderer.json(result, options: Support.options())
        #expect(text.contains("\"snapshotTime\": null"))
        let order = ["\"schemaVersion\"", "\"tool\"", "\"generatedAt\"", "\"plan\"", "\"catalogs\"", "\"snapshotTime\"",
                     "\"inputs\"", "\"summary\"", "\"controls\"", "\"gate\"", "\"planHygiene\"", "\"diagnostics\""]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
        #expect(text.hasSuffix("}\n"))
    }
}
